from datetime import date
from decimal import Decimal

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from salescli import yamlfile
from salescli.errors import DataError, InvalidValue, YamlProblem

LOADERS = [yaml.SafeLoader, yaml.CSafeLoader]

WON = {"date": date(2026, 11, 26), "event": "won", "value": Decimal(48000)}


def test_append_after_the_last_event_keeps_every_other_byte() -> None:
    before = (
        "# 客户档案\n"
        "name: '中建三局'   # quoted on purpose\n"
        "area: 武汉\n"
        "\n"
        "log:\n"
        "  - {date: 2026-09-01, event: added}   # first contact\n"
        "  - date: 2026-09-05\n"
        "    event: visit\n"
        "    note: |\n"
        "      见到了科长\n"
        "      下次带演示\n"
        "\n"
        "# the end\n"
    )
    after = yamlfile.append_to_log(before, [WON])
    assert after == before.replace(
        "      下次带演示\n",
        "      下次带演示\n  - {date: 2026-11-26, event: won, value: 48000}\n",
    )


def test_append_to_an_empty_log() -> None:
    assert yamlfile.append_to_log("name: A\nlog:\n", [WON]) == (
        "name: A\nlog:\n- {date: 2026-11-26, event: won, value: 48000}\n"
    )
    assert yamlfile.append_to_log("name: A\nlog: []   # none yet\n", [WON]) == (
        "name: A\nlog:   # none yet\n- {date: 2026-11-26, event: won, value: 48000}\n"
    )
    assert yamlfile.append_to_log("name: A\nlog:", [WON]) == (
        "name: A\nlog:\n- {date: 2026-11-26, event: won, value: 48000}\n"
    )


def test_append_keeps_windows_line_endings_and_a_byte_order_mark() -> None:
    before = "\ufeffname: A\r\nlog:\r\n- {date: 2026-09-01, event: added}\r\n"
    assert yamlfile.append_to_log(before, [WON]) == before + "- {date: 2026-11-26, event: won, value: 48000}\r\n"


def test_a_back_dated_event_is_inserted_in_date_order() -> None:
    before = ("name: A\nlog:\n- {date: 2026-09-01, event: added}\n"
              "- {date: 2026-11-02, event: won, value: 1}   # the close\n")
    item = {"date": date(2026, 10, 20), "event": "note"}
    assert yamlfile.append_to_log(before, [item]) == (
        "name: A\nlog:\n- {date: 2026-09-01, event: added}\n- {date: 2026-10-20, event: note}\n"
        "- {date: 2026-11-02, event: won, value: 1}   # the close\n")
    same_day = {"date": date(2026, 11, 2), "event": "note"}
    assert yamlfile.append_to_log(before, [same_day]).endswith("# the close\n- {date: 2026-11-02, event: note}\n")


def test_append_when_log_is_not_last() -> None:
    before = "name: A\nlog:\n- {date: 2026-09-01, event: added}\narea: 武汉\n"
    after = yamlfile.append_to_log(before, [WON])
    assert after == "name: A\nlog:\n- {date: 2026-09-01, event: added}\n" \
                    "- {date: 2026-11-26, event: won, value: 48000}\narea: 武汉\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: A\n", "no single top-level `log:`"),
        ("name: A\nlog: [{date: 2026-01-01, event: added}]\n", "not a block list"),
        ("name: A\nlog: {a: 1}\n", "not a block list"),
        ("- a\n- b\n", "not a mapping"),
        ("name: [\n", "not valid YAML"),
    ],
)
def test_append_refuses_what_it_cannot_edit_safely(text: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        yamlfile.append_to_log(text, [WON])


def test_values_that_need_quotes_get_them() -> None:
    item = {"date": date(2026, 1, 2), "event": "note",
            "note": "a, b: {c} # d", "reason": "2026-01-01", "goal": "yes", "stage": "  padded"}
    line = yamlfile.format_flow_mapping(item)
    assert line == '{date: 2026-01-02, event: note, note: "a, b: {c} # d", reason: "2026-01-01", ' \
                   'goal: "yes", stage: "  padded"}'
    assert yaml.safe_load(line) == item


@pytest.mark.parametrize("loader", LOADERS)
def test_load_refuses_aliases_and_python_tags(loader: type) -> None:
    with pytest.raises(YamlProblem) as alias:
        yamlfile.load("a: &x [1]\nb: *x\n", loader=loader)
    assert (alias.value.line, alias.value.column) == (1, 4)
    with pytest.raises(YamlProblem, match="tags like !!python are not allowed"):
        yamlfile.load("a: !!python/object/apply:os.system [ls]\n", loader=loader)


@pytest.mark.parametrize("loader", LOADERS)
def test_syntax_errors_carry_line_and_column(loader: type) -> None:
    with pytest.raises(YamlProblem) as problem:
        yamlfile.load("name: A\nlog:\n- {date: 2026-01-01\n", loader=loader)
    assert (problem.value.line, problem.value.column) == (3, 3)  # where the `{` not closed opens
    assert problem.value.message == ("a `{…}` is not closed: end it with `}` on the same line, and put a value "
                                     "holding a comma or ': ' in quotes")


def test_set_values_fills_a_template_and_keeps_comments() -> None:
    template = "id:\nname:\nfield:          # 领域\ncontact:\n  person:   # 主要联系人\n  phone: ''\nlog:\n"
    filled = yamlfile.set_values(template, {"id": "zj", "name": "中建", "field": "construction",
                                            "contact.person": "王强", "contact.phone": "13900000000"})
    assert filled == ("id: zj\nname: 中建\nfield: construction # 领域\ncontact:\n"
                      "  person: 王强 # 主要联系人\n  phone: \"13900000000\"\nlog:\n")


def test_set_values_refuses_a_path_the_template_lacks() -> None:
    with pytest.raises(DataError, match="no plain value at `funds.vendor`"):
        yamlfile.set_values("name:\nlog:\n", {"funds.vendor": "x"})


def test_locate_finds_nested_places() -> None:
    text = "name: A\nlog:\n- {date: 2026-01-01, event: added}\n- {date: 2026-01-02, event: wonn}\n"
    assert yamlfile.locate(text, ("log", 1, "event")) == (4, 29)
    assert yamlfile.locate(text, ("log", 7)) == (3, 1)  # as far as it exists


# ---- properties -------------------------------------------------------------------------

_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)
_comment = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=15)
_event = st.fixed_dictionaries(
    {"date": st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
     "event": st.sampled_from(["note", "visit", "stage"])},
    optional={"note": _text, "value": st.integers(min_value=0, max_value=10**9)},
)


@st.composite
def customer_files(draw: st.DrawFn) -> tuple[str, list[dict]]:
    """A customer file with comments in random places, block or flow events, LF or CRLF."""
    events = draw(st.lists(_event, max_size=5))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    indent = draw(st.sampled_from(["", "  "]))
    lines = [f"# {draw(_comment)}", f"name: {yamlfile.format_scalar(draw(_text) or 'A')}  # {draw(_comment)}",
             "log:" + draw(st.sampled_from(["", "   # log"]))]
    for event in events:
        if draw(st.booleans()):
            lines.append(f"{indent}- {yamlfile.format_flow_mapping(event)}")
        else:
            pairs = [f"{key}: {yamlfile.format_scalar(value)}" for key, value in event.items()]
            lines.append(f"{indent}- " + pairs[0])
            lines += [f"{indent}  {pair}" for pair in pairs[1:]]
        if draw(st.booleans()):
            lines.append(f"{indent}# {draw(_comment)}")
    return newline.join(lines) + newline, events


def _only_inserts(before: list[str], after: list[str], added: list[str]) -> bool:
    """`after` is `before` with the `added` lines (any indentation) put in between, nothing else."""
    remaining = list(added)
    position = 0
    for line in after:
        if position < len(before) and line == before[position]:
            position += 1
        elif line.strip() in remaining:
            remaining.remove(line.strip())
        else:
            return False
    return position == len(before) and not remaining


def _inserted(log: list[dict], new: list[dict]) -> list[dict]:
    """The expected log: each new event after the last one dated on or before it."""
    result = list(log)
    for item in new:
        at = len(result)
        while at > 0 and result[at - 1]["date"] > item["date"]:
            at -= 1
        result.insert(at, item)
    return result


@settings(max_examples=150, deadline=None)
@given(customer_files(), st.lists(_event, min_size=1, max_size=3))
def test_an_append_only_adds_lines_and_reads_back(file: tuple[str, list[dict]], new: list[dict]) -> None:
    text, events = file
    after = yamlfile.append_to_log(text, new)
    newline = "\r\n" if "\r\n" in text else "\n"
    added = [f"- {yamlfile.format_flow_mapping(item)}" for item in new]
    assert _only_inserts(text.split(newline), after.split(newline), added)  # every old byte kept
    for loader in LOADERS:
        assert yamlfile.load(after, loader=loader)["log"] == _inserted(events, new)


@settings(max_examples=100, deadline=None)
@given(st.one_of(_text, st.integers(), st.dates()))
def test_format_scalar_round_trips(value: object) -> None:
    for flow in (True, False):
        text = yamlfile.format_scalar(value, flow=flow)
        document = f"{{k: {text}}}" if flow else f"k: {text}"
        assert yaml.safe_load(document) == {"k": value if value != "" else None} or value == ""


# ---- the quick loader agrees with PyYAML's on every document --------------------------------

def _typed(value: object) -> object:
    """A value with its types spelled out: 1, 1.0 and True must not pass for one another."""
    if isinstance(value, dict):
        return ("dict", [(_typed(k), _typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(item) for item in value])
    if isinstance(value, float) and value != value:
        return ("float", "nan")
    return (type(value).__name__, value)


def _pyyaml(text: str, loader: type) -> object:
    try:
        return _typed(yaml.load(text, Loader=loader))
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as error:
        return ("error", type(error).__name__)


def _quick(text: str) -> object:
    try:
        return _typed(yaml.load(text, Loader=yamlfile._Loader))
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as error:
        return ("error", type(error).__name__)


TRICKY_SCALARS = ["yes", "No", "on", "~", "null", "", "0?", "1_000", "0x1F", "0o17", "017", "0b101", "12:30",
                  "190:20:30", "1e3", ".inf", "-.Inf", ".NaN", "2026-11-26", "2026-11-26 10:00:00",
                  "2026-11-26T10:00:00+08:00", "2026-13-01", "4.8万", "中建三局", "'quoted'", "\"1\"",
                  "!!str 12", "!!int '7'", "!custom x", "=", "<<", "- a", "[1, 2]", "{a: 1}", "a: b"]


@settings(max_examples=400, deadline=None)
@given(st.recursive(
    st.sampled_from(TRICKY_SCALARS) | st.text(st.sampled_from("ab1:-_ .#中'\"!&*"), max_size=6),
    lambda inner: st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]")
    | st.lists(st.tuples(inner, inner), max_size=3).map(
        lambda pairs: "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"),
    max_leaves=8,
))
def test_the_quick_loader_reads_any_flow_document_as_pyyaml_does(text: str) -> None:
    for document in (text, f"key: {text}\nlog:\n- {text}\n", f"<<: {{a: 1}}\nb: {text}\n"):
        assert _quick(document) == _pyyaml(document, yamlfile._BaseLoader)  # the loader it speeds up


def test_the_quick_loader_reads_every_sample_file_as_pyyaml_does() -> None:
    from pathlib import Path

    for path in sorted((Path(__file__).parent.parent / "customers").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert _quick(text) == _pyyaml(text, yamlfile._BaseLoader) == _pyyaml(text, yaml.SafeLoader), path.name


@pytest.mark.parametrize("value", ["\ufffe", "a\x85b", "del\x7f", "line\u2028separator", "para\u2029graph"])
def test_characters_yaml_cannot_hold_raw_are_escaped(value: str) -> None:
    for flow in (True, False):
        text = yamlfile.format_scalar(value, flow=flow)
        assert text.isascii() or value not in text
        assert yaml.safe_load(f"{{k: {text}}}" if flow else f"k: {text}") == {"k": value}


# ---- the plain log is read as PyYAML reads it ----------------------------------------------

SAFE_LOG_SCALARS = ["visit", "约了下周再来", "a b", "A&B公司", "50%折扣", "x-y", "2025-07-14", "165000",
                    "48.5", "it's", "a  b", "0.5", "1e3", "Null", "yes", "No", "1_000", "0x1F", "2026-13-01",
                    '"见了王工, 谈: 价格"', "'a, b: c'", '""', "'#1 {x}'", '"yes"']
LOG_SCALARS = st.sampled_from(SAFE_LOG_SCALARS * 4 + TRICKY_SCALARS + [
    "what?", '"a\\"b"', "'it''s'", '"a\\nb"', "\"a'\"", "'a\"'", '"unclosed', "v: w", "a #b", "a\tb",
    "a\x85b", "+1", "-1", "<<", "=", " lead", "trail ", "a\u2028b"])
LOG_KEYS = st.sampled_from(["date", "event", "note", "value", "goal"] * 3 + ["yes", "1", "x y", "null", "<<"])


def _mostly(usual: list[str], unusual: list[str]) -> st.SearchStrategy[str]:
    return st.sampled_from(usual * 6 + unusual)


@st.composite
def log_files(draw: st.DrawFn) -> str:
    profile = draw(_mostly(["name: A\n", "contact:\n  person: 王工\nname: B  # c\n"], [
        "", "# only a comment\n", "name: A\nlog: [1]\n", 'name: "A\nlog:\n- {a: b}"\n',
        "name: |\n  text\n  log:\n", "---\nname: A\n", "name: A\n...\n", "name: A\n  continued\n",
        "[1, 2]\n", "name: {a: 1,\n"]))
    indent = draw(st.sampled_from(["", "  "]))
    lines = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        pairs = draw(st.lists(st.tuples(LOG_KEYS, LOG_SCALARS), min_size=1, max_size=3))
        lines.append(draw(_mostly([indent], [" ", "   "])) + "- {"
                     + ", ".join(f"{key}: {value}" for key, value in pairs) + "}" + draw(_mostly([""], ["  ", " # c"])))
        if draw(st.integers(0, 5)) == 0:
            lines.append(draw(st.sampled_from(["", "# note", "   ", "  # indented note"])))
    return profile + "log:" + draw(_mostly([""], [" ", " # c", " []"])) + "\n" + "\n".join(lines) + "\n"


@settings(max_examples=600, deadline=None)
@given(log_files())
def test_a_plain_log_is_read_as_pyyaml_reads_it(text: str) -> None:
    try:
        quick = _typed(yamlfile._load_with_plain_log(text))
    except (yaml.YAMLError, ValueError) as error:
        quick = ("error", type(error).__name__)
    if quick != _typed(None):  # it took the file: it must have read it as PyYAML does
        assert quick == _pyyaml(text, yamlfile._BaseLoader)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["", "  "]), st.lists(st.lists(st.tuples(
    st.sampled_from(["date", "event", "note", "value", "goal", "by"]),
    st.sampled_from([value for value in SAFE_LOG_SCALARS if value != "2026-13-01"])), min_size=1, max_size=4,
    unique_by=lambda pair: pair[0]), min_size=1, max_size=6))  # (a key given twice goes to PyYAML, which says where)
def test_a_log_of_simple_values_takes_the_quick_path(indent: str, items: list[list[tuple[str, str]]]) -> None:
    text = "name: A\nlog:\n" + "".join(
        indent + "- {" + ", ".join(f"{key}: {value}" for key, value in pairs) + "}\n" for pairs in items)
    quick = yamlfile._load_with_plain_log(text)
    assert quick is not None
    assert _typed(quick) == _pyyaml(text, yamlfile._BaseLoader) == _pyyaml(text, yaml.SafeLoader)


def test_the_files_salescli_writes_take_the_quick_path() -> None:
    from pathlib import Path

    samples = sorted((Path(__file__).parent.parent / "customers").glob("*.yaml"))
    assert samples and all(yamlfile._load_with_plain_log(path.read_text(encoding="utf-8")) is not None
                           for path in samples)
    text = yamlfile.append_to_log("name: A\nlog:\n", [{"date": date(2026, 11, 26), "event": "visit",
                                                        "note": "见了王工, 谈: 价格", "goal": "demo"}])
    assert yamlfile._load_with_plain_log(text)["log"][0]["note"] == "见了王工, 谈: 价格"  # quoted, no escapes


# ---- profile edits -------------------------------------------------------------------------

PROFILE = (
    "# 客户档案\n"
    "name: 天河机场   # the name\n"
    "field:          # 领域\n"
    "contact:\n"
    "  person: 王强    # 主要联系人\n"
    "  phone: \"13985822416\" # 联系电话\n"
    "\n"
    "trust:\n"
    "  people:       # 主要人员\n"
    "                # - {name: 王强, …}\n"
    "\n"
    "# ---- log ----\n"
    "log:\n"
    "- {date: 2026-09-01, event: added, stage: prospect}\n"
)


def test_set_replaces_values_in_place_keeping_comments_in_their_column() -> None:
    after = yamlfile.edit_profile(PROFILE, {("field",): "bank", ("contact", "phone"): "13900000000"})
    assert after == PROFILE.replace("field:          # 领域", "field: bank     # 领域").replace(
        '"13985822416"', '"13900000000"')


def test_unset_empties_a_value_and_keeps_its_comment() -> None:
    after = yamlfile.edit_profile(PROFILE, {("contact", "person"): yamlfile.UNSET, ("name",): yamlfile.UNSET})
    assert after == PROFILE.replace("  person: 王强    # 主要联系人", "  person:         # 主要联系人").replace(
        "name: 天河机场   # the name", "name:            # the name")


def test_a_missing_key_is_added_at_the_end_of_its_mapping_and_a_missing_mapping_before_log() -> None:
    after = yamlfile.edit_profile(PROFILE, {("contact", "postcode"): "430045", ("needs", "estimators"): 12})
    assert after == PROFILE.replace(
        '  phone: "13985822416" # 联系电话\n',
        '  phone: "13985822416" # 联系电话\n  postcode: "430045"\n').replace(
        "                # - {name: 王强, …}\n", "                # - {name: 王强, …}\nneeds:\n  estimators: 12\n")


def test_keys_in_a_one_line_mapping_and_under_an_empty_key() -> None:
    text = "name: A\ncontact: {person: 王强}\nfunds:\ndecision: ~\nlog:\n"
    after = yamlfile.edit_profile(text, {("contact", "phone"): "139", ("funds", "seats"): 3,
                                         ("decision", "users"): "预算科"})
    assert after == ('name: A\ncontact: {person: 王强, phone: "139"}\nfunds:\n  seats: 3\n'
                     "decision: {users: 预算科}\nlog:\n")
    assert yamlfile.edit_profile(after, {("contact", "person"): yamlfile.UNSET}) == after.replace("person: 王强, ", "")


def test_profile_edits_keep_windows_line_endings_and_leave_a_long_log_alone() -> None:
    text = "name: A\r\ncontact:\r\n  person: 王\r\nlog:\r\n" + "- {date: 2026-01-01, event: note, note: x}\r\n" * 3
    assert yamlfile.edit_profile(text, {("contact", "phone"): "1"}) == text.replace(
        "  person: 王\r\n", '  person: 王\r\n  phone: "1"\r\n')


def test_a_value_that_is_not_a_single_value_is_refused() -> None:
    with pytest.raises(DataError, match="`contact` holds several values"):
        yamlfile.edit_profile(PROFILE, {("contact",): "x"})
    with pytest.raises(DataError, match="`name` holds a single value, not keys under it"):
        yamlfile.edit_profile(PROFILE, {("name", "first"): "x"})
    with pytest.raises(DataError, match="multi-line text"):
        yamlfile.edit_profile("name: A\nnote: |\n  two\n  lines\nlog:\n", {("note",): "x"})


def test_people_are_added_updated_and_removed_one_line_each() -> None:
    added = yamlfile.add_list_item(PROFILE, ("trust", "people"), {"name": "王强", "birthday": date(1978, 5, 12)})
    assert added == PROFILE.replace("  people:       # 主要人员\n",
                                    "  people:       # 主要人员\n  - {name: 王强, birthday: 1978-05-12}\n")
    two = yamlfile.add_list_item(added, ("trust", "people"), {"name": "李四", "mobile": "13900000000"})
    assert two == added.replace("birthday: 1978-05-12}\n",
                                'birthday: 1978-05-12}\n  - {name: 李四, mobile: "13900000000"}\n')
    changed = yamlfile.edit_profile(two, {("trust", "people", 0, "hobbies"): "钓鱼",
                                          ("trust", "people", 0, "birthday"): yamlfile.UNSET})
    assert changed == two.replace("{name: 王强, birthday: 1978-05-12}", "{name: 王强, hobbies: 钓鱼}")
    assert yamlfile.remove_list_item(changed, ("trust", "people"), 0) == two.replace(
        "  - {name: 王强, birthday: 1978-05-12}\n", "")
    fresh = yamlfile.add_list_item("name: A\nlog:\n", ("trust", "people"), {"name": "王"})
    assert fresh == "name: A\ntrust:\n  people:\n  - {name: 王}\nlog:\n"


PLAIN_KEY = st.sampled_from(["area", "owner", "project", "field", "size", "alpha", "beta"])
CHILD_KEY = st.sampled_from(["person", "phone", "address", "seats", "vendor"])
SCALAR = st.one_of(st.integers(0, 10_000), st.text("王强科长 abc-0123:#'\"", min_size=0, max_size=8),
                   st.sampled_from(["yes", "null", "2026-01-01", "1e3", "~", "@x", "- a"]))
COMMENT = st.one_of(st.just(""), st.text("备注 note", min_size=1, max_size=6).map(lambda text: f"  # {text}"))


@st.composite
def profiles(draw: st.DrawFn) -> tuple[str, list[tuple[str, ...]]]:
    """A profile text with comments and blank lines, and the key paths of its scalar values."""
    lines, paths = ["# a customer\n"], []
    for key in draw(st.lists(PLAIN_KEY, unique=True, min_size=1, max_size=4)):
        if draw(st.booleans()):
            lines.append(f"{key}:{draw(COMMENT)}\n")
            for child in draw(st.lists(CHILD_KEY, unique=True, min_size=1, max_size=3)):
                lines.append(f"  {child}: {yamlfile.format_scalar(draw(SCALAR))}{draw(COMMENT)}\n")
                paths.append((key, child))
        else:
            lines.append(f"{key}: {yamlfile.format_scalar(draw(SCALAR))}{draw(COMMENT)}\n")
            paths.append((key,))
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(["\n", "# ----\n", "    # more about it\n"])))
    lines.append("log:\n- {date: 2026-09-01, event: added}\n")
    return "".join(lines), paths


@settings(max_examples=150, deadline=None)
@given(profiles(), SCALAR, st.sampled_from(["replace", "unset", "add"]), st.data())
def test_a_profile_edit_changes_only_its_own_lines(profile: tuple[str, list[tuple[str, ...]]], value: object,
                                                  how: str, data: st.DataObject) -> None:
    text, paths = profile
    path = data.draw(st.sampled_from(paths)) if how != "add" else ("added",) if data.draw(st.booleans()) \
        else (paths[0][0], "added") if len(paths[0]) == 2 else ("newgroup", "added")
    new = yamlfile.edit_profile(text, {path: yamlfile.UNSET if how == "unset" else value})
    before, after = text.splitlines(keepends=True), new.splitlines(keepends=True)
    if how == "add":  # every old line kept, in order; the new ones inserted in one place
        assert [line for line in after if line in before] == before
        assert len(after) - len(before) == len(path) - (0 if path[0] not in yaml.safe_load(text) else 1)
    else:  # one line changed: the key's own
        assert len(after) == len(before)
        changed = [index for index, (old, line) in enumerate(zip(before, after)) if old != line]
        assert len(changed) <= 1
        assert all(before[index].lstrip().startswith(f"{path[-1]}:") for index in changed)
    document = yaml.safe_load(new)
    found = document
    for part in path:
        found = found[part]
    assert found == (None if how == "unset" else value)


# ---- the quick append writes what the full edit writes --------------------------------------

@settings(max_examples=300, deadline=None)
@given(customer_files(), st.lists(_event, min_size=1, max_size=3))
def test_the_quick_append_writes_what_the_full_edit_writes(file: tuple[str, list[dict]], new: list[dict]) -> None:
    text, events = file
    quick = yamlfile.append_plain(text, new)
    if quick is None:  # not a log of one-line items: the full edit's business
        return
    after, written = quick
    assert after == yamlfile.append_to_log(text, new)
    inserted = _inserted(events, new)
    at_end = inserted[:len(events)] == events
    assert written == (inserted[len(events):] if at_end else None)


@settings(max_examples=200, deadline=None)
@given(log_files(), st.lists(_event, min_size=1, max_size=2))
def test_the_quick_append_agrees_on_odd_files_too(text: str, new: list[dict]) -> None:
    try:
        slow = yamlfile.append_to_log(text, new)
    except (DataError, YamlProblem):
        return  # the quick way is only asked about files salescli can edit
    quick = yamlfile.append_plain(text, new)
    assert quick is None or quick[0] == slow


def test_the_quick_append_takes_escapes_and_comments_between_events() -> None:
    text = ('name: A\nlog:\n- {date: 2026-01-01, event: added}\n# 备注\n- {date: 2026-02-01, event: note, '
            'note: "tab\\there"}\n\n')
    quick = yamlfile.append_plain(text, [WON])
    assert quick == (text.replace("here\"}\n", "here\"}\n- {date: 2026-11-26, event: won, value: 48000}\n"),
                     [{"date": date(2026, 11, 26), "event": "won", "value": 48000}])


# ---- what check needs to know, and where ------------------------------------------------------

def test_keys_given_twice_are_found_at_any_level() -> None:
    text = ("name: A\ncontact: {person: 王工, person: 李工}\nlog:\n- {date: 2026-01-01, event: added}\n"
            "area: x\nlog:\n- {date: 2026-01-02, event: note, date: 2026-01-03}\n")
    found: list[yamlfile.Duplicate] = []
    document = yamlfile.load(text, duplicates=found)
    assert document["log"] == [{"date": date(2026, 1, 3), "event": "note"}]  # as YAML reads it: the last wins
    assert sorted(found) == [(2, 23, "person"), (6, 1, "log"), (7, 35, "date")]
    found.clear()
    yamlfile.load("name: A\nlog:\n- {date: 2026-01-02, event: note}\n", duplicates=found)
    assert found == []


@pytest.mark.parametrize(("text", "message", "place"), [
    ("name: A\nlog:\n- {date: 2026-01-01, event: note, note: \"a\0b\"}\n",
     "the file holds a control character (U+0000) that YAML does not allow; delete it", (3, 43)),
    ("name: A\nlog:\n- {date: 2026-01-01, event: won, value: " + "9" * 5000 + "}\n",
     "a number of 5000 characters is more than salescli reads; shorten it", (3, 41)),
])
def test_unreadable_values_are_located(text: str, message: str, place: tuple[int, int]) -> None:
    with pytest.raises(YamlProblem) as error:
        yamlfile.load(text)
    assert (error.value.message, (error.value.line, error.value.column)) == (message, place)


def test_text_with_a_lone_surrogate_is_refused_before_it_is_written() -> None:
    with pytest.raises(InvalidValue, match=r"'b\\udcffc' is not valid text \(it holds a lone surrogate"):
        yamlfile.format_scalar("b\udcffc")


@pytest.mark.parametrize("text", ["2026-11-26", "2024-02-29", "2026-02-29", "2026-13-01", "0000-01-01", "9999-12-31",
                                  "1900-01-01", "2026-00-10"])
def test_a_day_in_a_quick_log_reads_as_pyyaml_reads_it(text: str) -> None:
    document = f"name: A\nlog:\n- {{date: {text}, event: note}}\n"
    assert _quick_or_error(document) == _pyyaml(document, yamlfile._BaseLoader)


def _quick_or_error(text: str) -> object:
    try:
        return _typed(yamlfile.load(text))
    except YamlProblem:
        return ("error", "ValueError")


@settings(max_examples=300, deadline=None)
@given(log_files(), st.lists(_event, min_size=1, max_size=3))
def test_the_quick_append_writes_what_the_composed_one_writes(text: str, new: list[dict]) -> None:
    quick = yamlfile._append_to_plain_log(text, new)
    if quick is None:  # not a log it takes: the composed append decides
        return
    assert quick == yamlfile._append_composed(text, new)


def test_a_plain_log_is_extended_without_composing_it() -> None:
    text = "name: A  # c\nlog:\n- {date: 2026-11-01, event: added}\n# between\n- {date: 2026-11-20, event: note}\n"
    back_dated = {"date": date(2026, 11, 10), "event": "visit", "note": "a, b"}
    assert yamlfile._append_to_plain_log(text, [WON, back_dated]) == (
        "name: A  # c\nlog:\n- {date: 2026-11-01, event: added}\n# between\n"
        '- {date: 2026-11-10, event: visit, note: "a, b"}\n- {date: 2026-11-20, event: note}\n'
        "- {date: 2026-11-26, event: won, value: 48000}\n")


# ---- adding keys a file lacks ---------------------------------------------------------------

def test_put_values_adds_what_the_file_lacks_and_keeps_every_other_line() -> None:
    before = ("name: A   # the name\ncontact:\n  person: 王工\nneeds:   # 4.\n\n# the log\nlog:\n"
              "- {date: 2026-11-01, event: added}\n")
    after = yamlfile.put_values(before, {"contact.phone": "13900000000", "needs.scope": "装饰", "company.founded": 1996,
                                         "trust.people": [{"name": "王强", "birthday": date(1980, 1, 2)}], "name": "B"})
    assert after == ('name: B   # the name\ncontact:\n  person: 王工\n  phone: "13900000000"\nneeds:   # 4.\n'
                     "  scope: 装饰\ncompany:\n  founded: 1996\ntrust:\n  people:\n"
                     "  - {name: 王强, birthday: 1980-01-02}\n"
                     "\n# the log\nlog:\n- {date: 2026-11-01, event: added}\n")
    with pytest.raises(DataError, match="`name` holds a single value, not keys under it"):
        yamlfile.put_values(before, {"name.first": "x"})
    assert not yamlfile.can_put(before, "contact.person.mobile") and yamlfile.can_put(before, "contact.mobile")


_key_part = st.sampled_from(["contact", "phone", "company", "founded", "x", "needs", "scope", "new_key"])


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.lists(_key_part, min_size=1, max_size=3).map(".".join),
                       st.one_of(_text, st.integers(), st.dates(), st.lists(st.fixed_dictionaries(
                           {"name": _text, "birthday": st.dates()}), min_size=1, max_size=2)), max_size=4))
def test_put_values_on_the_template_reads_back_as_meant(values: dict) -> None:
    from pathlib import Path

    template = (Path(__file__).parent.parent / "templates" / "customer.yaml").read_text(encoding="utf-8")
    try:
        after = yamlfile.put_values(template, values)
    except DataError as error:  # a key under another's value (x and x.y both given): refused, never garbled
        assert "edit the file by hand" in error.message or "safely" in error.message
        return
    old_lines = template.splitlines()
    assert [line for line in after.splitlines() if line in old_lines or not line.strip()] \
        == [line for line in old_lines if line in after.splitlines() or not line.strip()]
    for loader in LOADERS:
        loaded = yaml.load(after, Loader=loader)
        for path, value in values.items():
            found = loaded
            for part in path.split("."):
                found = found[part]
            assert found == value


def test_a_new_customers_empty_log_takes_the_quick_append_too() -> None:
    from pathlib import Path

    template = (Path(__file__).parent.parent / "templates" / "customer.yaml").read_text(encoding="utf-8")
    items = [{"date": date(2026, 11, 26), "event": "added", "stage": "demo"}, WON]
    quick = yamlfile._append_to_plain_log(template, items)
    assert quick is not None and quick == yamlfile._append_composed(template, items)
    assert quick.endswith("log:\n- {date: 2026-11-26, event: added, stage: demo}\n"
                          "- {date: 2026-11-26, event: won, value: 48000}\n")


def test_an_event_dated_before_a_hand_written_datetime_goes_before_it() -> None:
    text = "name: A\nlog:\n- {date: 2026-11-26 10:00:00, event: note}\n"
    after = yamlfile.append_to_log(text, [{"date": date(2026, 11, 25), "event": "note"}])
    assert after == "name: A\nlog:\n- {date: 2026-11-25, event: note}\n- {date: 2026-11-26 10:00:00, event: note}\n"


def test_a_log_line_written_otherwise_is_read_alone_not_with_the_whole_file(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [f"- {{date: 2026-11-0{number}, event: note, note: n{number}}}" for number in range(1, 8)]
    lines[2] = '- {date: 2026-11-03, event: note, note: "tab\\there"}  # a comment'
    lines[4] = "- {date: 2026-11-05, event: note, note: a, note: b}"
    text = "name: A\nlog:\n" + "\n".join(lines) + "\n"
    parsed: list[str] = []
    real = yamlfile._construct
    monkeypatch.setattr(yamlfile, "_construct",
                        lambda part, loader, found: parsed.append(part) or real(part, loader, found))
    duplicates: list[yamlfile.Duplicate] = []
    assert yamlfile.load(text, duplicates=duplicates) == yaml.load(text, Loader=yaml.SafeLoader)
    assert parsed == [lines[2], lines[4], "name: A\n"]  # the two lines alone, and the profile: never the whole file
    assert duplicates == [(7, lines[4].rindex("note:") + 1, "note")]
    continued = text.replace(lines[2], '- {date: 2026-11-03, event: note,\n   note: "tab\\there"}')
    assert yamlfile.load(continued) == yaml.load(continued, Loader=yaml.SafeLoader)  # (the whole file, then)
