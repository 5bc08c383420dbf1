import json
from pathlib import Path

import pytest

from tests.conftest import REPO, customer_file, invoke

GOOD = "id: {id}\nname: {name}\nfield: bank\nlog:\n- {{date: 2026-09-01, event: added}}\n"


def write(folder: Path, file_id: str, text: str) -> None:
    customer_file(folder, file_id).write_text(text, encoding="utf-8")


def test_a_clean_folder_passes(folder: Path, run) -> None:
    write(folder, "a", GOOD.format(id="a", name="A"))
    result = run("check")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "1 file checked: no problems\n", "")


def test_the_bundled_sample_passes() -> None:
    result = invoke(REPO, "check", today="2026-11-26")
    assert result.exit_code == 0, result.stdout


def test_each_kind_of_problem_is_named_with_its_place(folder: Path, run) -> None:
    write(folder, "a", GOOD.format(id="a", name="A"))
    write(folder, "syntax", "name: S\nlog:\n- {date: 2026-09-01, event: added\n")
    write(folder, "values", "name: V\nfield: bnak\nrole: 老板\nsize: 系统\nlog:\n"
                            "- {date: 2026-09-01, event: stage, stage: demoo}\n")
    write(folder, "dates", "name: D\nlog:\n- {date: 2026-13-01, event: added}\n")
    write(folder, "order", "name: O\nlog:\n- {date: 2026-09-01, event: added}\n- {date: 2027-01-05, event: note}\n"
                           "- {date: 2026-10-01, event: note}\n- {date: 2026-10-02, event: won}\n"
                           "- {date: 2026-10-03, event: visit, next: soon}\n")
    write(folder, "refs", "id: other\nname: A\nreferred_by: nobody\nlog:\n")
    write(folder, "conflict", "name: C\n<<<<<<< ours\narea: 汉口\n=======\narea: 汉阳\n>>>>>>> theirs\nlog:\n")
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.replace(str(folder / "customers") + "/", "") == (
        "a.yaml:2:7: the name 'A' is also in refs; merge them or tell them apart\n"
        "conflict.yaml:2:1: unresolved merge conflict about `area`: keep one side, delete the "
        "<<<<<<< ======= >>>>>>> lines\n"
        "dates.yaml:3:10: '2026-13-01' is not a valid date; write YYYY-MM-DD\n"
        "order.yaml:4:10: the event is dated 2027-01-05, after today (2026-11-26)\n"
        "order.yaml:5:10: this event (2026-10-01) is dated before the one above it (2027-01-05); "
        "keep the log oldest first\n"
        "order.yaml:6:3: a won event needs the value: add `value: …`\n"
        "order.yaml:7:42: 'soon' is not a date; write YYYY-MM-DD\n"
        "refs.yaml: the customer has no log: its history is gone (salescli starts every customer's log with an "
        "`added` event); restore it from git (`git log -p -- customers/refs.yaml`) or a backup\n"
        "refs.yaml:1:5: the file name says 'refs' but `id:` says 'other'; rename the file or fix the id\n"
        "refs.yaml:2:7: the name 'A' is also in a; merge them or tell them apart\n"
        "refs.yaml:3:14: referred_by 'nobody' is not a customer id here\n"
        "syntax.yaml:3:3: a `{…}` is not closed: end it with `}` on the same line, and put a value holding a comma or "
        "': ' in quotes\n"
        "values.yaml:2:8: unknown field 'bnak' (did you mean 'bank'?); use one of: real-estate, bank, construction, "
        "military, telecom, finance, power, petrochemical, railway, pharma, metallurgy, highway, aviation, "
        "municipal, industrial, college\n"
        "values.yaml:3:7: unknown role '老板'; use one of: 甲方, 中介, 乙方, 监理, 设计\n"
        "values.yaml:4:7: '系统' is not a size key; write 'system'\n"
        "values.yaml:6:43: unknown stage 'demoo' (did you mean 'demo'?); use one of: prospect, prepare, approach, "
        "needs, demo, objections, close, service\n"
    )
    assert result.stderr == "16 problems in 7 of 7 files\n"
    again = run("check")  # every file from the check cache this time: the same report
    assert (again.exit_code, again.stdout, again.stderr) == (result.exit_code, result.stdout, result.stderr)


def test_json_for_tools(folder: Path, run) -> None:
    write(folder, "v", "name: V\nchannel: walk-in\nlog:\n- {date: 2026-09-01, event: added}\n")
    result = run("check", "--format", "json")
    assert result.exit_code == 1
    (problem,) = json.loads(result.stdout)
    assert problem["code"] == "vocabulary" and (problem["line"], problem["column"]) == (2, 10)
    assert problem["file"].endswith("customers/v.yaml")


def test_the_pre_commit_hook_definition() -> None:
    import yaml

    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "salescli-check" and hook["entry"] == "salescli check"


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The YAML texts check parses."""
    from salescli import yamlfile

    texts: list[str] = []
    real = yamlfile.load
    monkeypatch.setattr(yamlfile, "load", lambda text, **options: texts.append(text) or real(text, **options))
    return texts


def _names(texts: list[str]) -> list[str]:
    return sorted(text.split("name: ")[1].split("\n")[0] for text in texts if "name: " in text)  # not the settings


def test_an_unchanged_file_is_not_checked_again(folder: Path, run, parsed: list[str]) -> None:
    write(folder, "a", GOOD.format(id="a", name="A"))
    write(folder, "b", "id: b\nname: B\nfield: bnak\nlog:\n- {date: 2026-09-01, event: added}\n")
    first = run("check", "--format", "json")
    assert _names(parsed) == ["A", "B"]
    parsed.clear()
    assert run("check", "--format", "json").stdout == first.stdout
    assert parsed == []
    write(folder, "b", "id: b\nname: B\nfield: bank\nlog:\n"
                       "- {date: 2026-09-01, event: added}\n")  # fixed, within the same second
    assert run("check").stdout == "2 files checked: no problems\n"
    assert _names(parsed) == ["B"]


def test_new_settings_check_every_file_again(folder: Path, run, parsed: list[str]) -> None:
    write(folder, "a", "id: a\nname: A\nfield: water\nlog:\n- {date: 2026-09-01, event: added}\n")
    assert run("check").exit_code == 1  # 'water' is no field yet
    parsed.clear()
    (folder / "salescli.yaml").write_text("vocabulary:\n  field:\n    water: 水利部门\n", encoding="utf-8")
    assert run("check").exit_code == 0
    assert _names(parsed) == ["A"]


def test_an_event_that_was_ahead_is_checked_again_the_next_day(folder: Path, run, parsed: list[str]) -> None:
    write(folder, "a", "id: a\nname: A\nlog:\n- {date: 2026-11-27, event: note}\n")
    write(folder, "b", GOOD.format(id="b", name="B"))
    assert "after today (2026-11-26)" in run("check", today="2026-11-26").stdout
    parsed.clear()
    assert run("check", today="2026-11-27").stdout == "2 files checked: no problems\n"
    assert _names(parsed) == ["A"]  # b has nothing dated after either day: its result still holds


def test_problems_between_files_are_found_from_the_cache_too(folder: Path, run) -> None:
    write(folder, "a", GOOD.format(id="a", name="中建三局"))
    write(folder, "b", "id: b\nname: 中建三局\nreferred_by: a\nlog:\n- {date: 2026-09-01, event: added}\n")
    assert run("check").exit_code == 1
    write(folder, "c", "id: c\nname: C\nreferred_by: zz\nlog:\n- {date: 2026-09-01, event: added}\n")
    result = run("check")
    assert result.stdout.replace(str(folder / "customers") + "/", "") == (
        "a.yaml:2:7: the name '中建三局' is also in b; merge them or tell them apart\n"
        "b.yaml:2:7: the name '中建三局' is also in a; merge them or tell them apart\n"
        "c.yaml:3:14: referred_by 'zz' is not a customer id here\n")
    customer_file(folder, "b").unlink()
    assert run("check").stdout.replace(str(folder / "customers") + "/", "") == (
        "c.yaml:3:14: referred_by 'zz' is not a customer id here\n")


def test_checking_on_every_core_finds_the_same(folder: Path, run, monkeypatch: pytest.MonkeyPatch) -> None:
    from salescli import parallel

    for number in range(12):
        write(folder, f"c{number:02d}", GOOD.format(id=f"c{number:02d}", name=f"C{number % 10}"))  # two twins
    write(folder, "bad", "name: [\n")
    serial = run("check")
    (folder / "salescli.yaml").write_text("currency: CNY\n", encoding="utf-8")  # new settings: all again
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 4)
    parallel = run("check")
    assert parallel.stdout == serial.stdout and "C0' is also in c10" in serial.stdout
    assert "bad.yaml:2:1:" in serial.stdout


def test_what_would_hide_data_or_stop_a_file_being_read_is_named(folder: Path, run) -> None:
    import os

    write(folder, "dup", "name: D\ncontact: {person: 王工, person: 李工}\nlog:\n- {date: 2026-01-01, event: added}\n"
                         "area: x\nlog:\n- {date: 2026-01-02, event: note, date: 2026-01-03}\n")
    write(folder, "far", "name: F\nlog:\n- {date: 2026-01-01, event: target, by: 9999-12-31}\n"
                         "- {date: 2026-01-02, event: won, value: 10000000000000}\n")
    write(folder, "nul", "name: N\nlog:\n- {date: 2026-01-01, event: note, note: \"a\0b\"}\n")
    write(folder, "log", "name: L\nlog:\n- {date: 2026-01-01, event: added}\n<<<<<<< ours\n=======\n"
                         "- {date: 2026-01-02, event: note}\n>>>>>>> theirs\n")
    os.mkfifo(customer_file(folder, "fifo"))
    customer_file(folder, "loop").symlink_to("loop.yaml")
    result = run("check")
    assert result.exit_code == 1
    hidden = "is given twice here; YAML keeps only the last one, so the earlier is hidden — merge the two or delete one"
    assert result.stdout.replace(str(folder / "customers") + "/", "") == (
        f"dup.yaml:2:23: `person` {hidden}\n"
        f"dup.yaml:6:1: `log` {hidden}\n"
        f"dup.yaml:7:35: `date` {hidden}\n"
        "far.yaml:3:41: 9999-12-31 is outside the years salescli works with (1900–2999)\n"
        "far.yaml:4:41: '10000000000000' is more than salescli takes as an amount (at most 999,999,999,999)\n"
        "fifo.yaml: cannot read: it is a named pipe (FIFO), not a regular file; salescli reads only plain files\n"
        "log.yaml:4:1: unresolved merge conflict about `log: the 2026-01-02 note event`: keep one side, delete the "
        "<<<<<<< ======= >>>>>>> lines\n"
        "loop.yaml: cannot read: it is a symbolic link that loops back on itself\n"
        "nul.yaml:3:43: the file holds a control character (U+0000) that YAML does not allow; delete it\n")


def test_settings_changed_while_check_runs_are_said_not_mixed(folder: Path, run, monkeypatch) -> None:
    from salescli.check import infolder

    write(folder, "a", GOOD.format(id="a", name="A"))
    real = infolder._check_file

    def meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        (folder / "salescli.yaml").write_text("user: 李明\nvisits_per_day: 5\n", encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(infolder, "_check_file", meanwhile)
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {folder / 'salescli.yaml'}: the settings changed while check was running; "
                             "run it again\n")
    monkeypatch.setattr(infolder, "_check_file", real)
    assert run("check").stdout == "1 file checked: no problems\n"


def test_what_check_names_in_a_readable_file_every_command_reading_it_warns_of(folder: Path, run) -> None:
    write(folder, "a", GOOD.format(id="a", name="A"))
    write(folder, "cut", "id: cut\nname: 截断\nfield: bank\n")  # cut before `log:`
    write(folder, "dup", "id: dup\nname: 重复\nlog:\n- {date: 2026-09-01, event: added}\n"
                         "- {date: 2026-10-01, event: won, value: 5000, value: 6000}\n"
                         "log:\n- {date: 2026-09-01, event: added}\n")
    checked = run("check")
    named = {file_id: ["warning: " + line for line in checked.stdout.splitlines() if f"/{file_id}.yaml" in line]
             for file_id in ("cut", "dup")}
    assert [line.split(": ", 2)[2] for line in named["cut"]] == [
        "the customer has no log: its history is gone (salescli starts every customer's log with an `added` event); "
        "restore it from git (`git log -p -- customers/cut.yaml`) or a backup"]
    assert [line.split(": ", 2)[1].rsplit("/", 1)[1] for line in named["dup"]] == ["dup.yaml:5:47", "dup.yaml:6:1"]
    assert all("is given twice here" in line for line in named["dup"])
    for command in (["list"], ["list", "--format", "json"], ["forecast", "--month"], ["schedule", "--week"],
                    ["report", "funnel"], ["show", "dup"], ["show", "cut"]):
        shown = named["dup"] if "dup" in command else named["cut"] if "cut" in command else named["cut"] + named["dup"]
        for _time in range(2):  # read, then from the parse cache
            result = run(*command)
            assert result.exit_code == 0, result
            assert sorted(line for line in result.stderr.splitlines() if line.startswith("warning: ")) == sorted(shown)
    visit = run("visit", "cut", "--note", "n")  # a write is refused (where would the log go?), after the warning
    assert visit.exit_code == 1 and visit.stderr.splitlines()[0] == named["cut"][0]


def test_a_customer_file_over_the_size_limit_is_refused_with_the_way_out(folder: Path, run,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from salescli import repository

    monkeypatch.setattr(repository, "MOST_BYTES", 2_000_000)  # (100 MB: a test would write as much)
    write(folder, "a", GOOD.format(id="a", name="A"))
    write(folder, "big", GOOD.format(id="big", name="B")
          + "- {date: 2026-09-02, event: visit, note: 见了王工}\n" * 40_000)
    size = customer_file(folder, "big").stat().st_size / 1e6
    said = (f"{folder / 'customers' / 'big.yaml'}: {size:.1f} MB is more than salescli reads in one customer file "
            "(2.0 MB); move "
            "the events of deals closed long ago into a file outside customers/ (an archive salescli does not read), "
            "keeping the rest and the customer's first event, then run `salescli check`")
    checked = run("check")
    assert (checked.exit_code, checked.stdout) == (1, said + "\n")
    listed = run("list", "--format", "json")
    assert listed.exit_code == 1 and listed.stderr == f"warning: skipped {said}\n"
    assert [row["id"] for row in json.loads(listed.stdout)] == ["a"]
    visited = run("visit", "big", "--note", "n")
    assert visited.exit_code == 1 and visited.stderr == f"Error: {said}\n"


def test_conflict_markers_are_named_by_what_they_are_about(folder: Path, run) -> None:
    write(folder, "p", "name: P\ntrust:\n  people:\n<<<<<<< ours\n  - {name: 王强, title: 科长}\n=======\n"
                       "  - {name: 王强, title: 处长}\n>>>>>>> theirs\ncontact:\n<<<<<<< ours\n=======\n"
                       "  postcode: '430000'\n>>>>>>> theirs\nlog:\n- {date: 2026-01-01, event: added}\n")
    result = run("check", "--format", "json")
    assert result.exit_code == 1
    assert [(problem["line"], problem["code"], problem["message"].split(":")[0]) for problem in
            json.loads(result.stdout)] == [(4, "conflict", "unresolved merge conflict about `trust.people"),
                                           (10, "conflict", "unresolved merge conflict about `contact.postcode`")]


def test_two_files_claiming_one_id_are_both_named(folder: Path, run) -> None:
    write(folder, "a", GOOD.format(id="a", name="A"))
    write(folder, "b", GOOD.format(id="a", name="B"))
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.replace(str(folder / "customers") + "/", "") == (
        "a.yaml:1:5: the id is also used by b\n"
        "b.yaml:1:5: the file name says 'b' but `id:` says 'a'; rename the file or fix the id\n"
        "b.yaml:1:5: the id is also used by a\n")
    assert result.stderr == "3 problems in 2 of 2 files\n"
