"""How customer YAML is read and edited — the only module that knows YAML's text.

Reading is safe (no Python tags, no aliases) and fast (the C loader when present). Writing is
surgical: new text is spliced in at the offsets PyYAML's composer reports, so every other byte of
the file — comments, key order, blank lines, quoting — stays as the user left it. Each edit is
checked by parsing the result and comparing it with what was meant; a mismatch is refused.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Mapping, Sequence

import yaml

from salescli.errors import BrokenFile, DataError, InvalidValue, UnsafeWrite, YamlProblem
from salescli.i18n import N_, _, joined
from salescli.profile import UNSET

try:
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader


class _Unusual(Exception):
    """A node the quick construction leaves to PyYAML's own (merge keys, tags, errors)."""


_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """PyYAML's safe loader, quicker on customer files (the tests check it agrees on every document).

    Parsing and composing stay PyYAML's (libyaml's when present); what changes is the Python that
    follows, which was two thirds of the time: each scalar's tag is looked up in a memo of
    PyYAML's own answers, and plain maps, lists and strings are built directly, scalars of other
    tags by PyYAML's own constructors. Anything else — merge keys, explicit tags, unhashable
    keys, deep nesting — is handed back whole to PyYAML's construction, errors included.
    """

    _tags: dict[tuple[str, bool, bool], str] = {}
    _dates: dict[str, Any] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        key = (value, implicit[0], implicit[1])  # SafeLoader has no path resolvers: this decides the tag
        tag = self._tags.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(self._tags) < 50_000:
                self._tags[key] = tag
        return tag

    def construct_document(self, node: Any) -> Any:
        try:
            return self._build(node)
        except (_Unusual, TypeError, RecursionError, ValueError, OverflowError):
            return super().construct_document(node)  # PyYAML's way, and its error if there is one

    duplicates: list[Duplicate] | None = None  # where to note keys given twice (None: do not look)

    def _note_duplicates(self, node: Any) -> None:
        seen = set()
        for key_node, _value in node.value:
            key = self._build(key_node)
            if key in seen:
                mark = key_node.start_mark
                self.duplicates.append((mark.line + 1, mark.column + 1, str(key)))  # type: ignore[union-attr]
            seen.add(key)

    def _build(self, node: Any) -> Any:
        kind = node.__class__
        if kind is yaml.ScalarNode:
            if node.tag == _STR:
                return node.value
            if node.tag == _TIMESTAMP:  # dates repeat (and are immutable): PyYAML's answer, memoised
                day = self._dates.get(node.value)
                if day is None:
                    day = self.construct_yaml_timestamp(node)
                    if len(self._dates) < 50_000:
                        self._dates[node.value] = day
                return day
            construct = _SCALARS.get(node.tag)
            if construct is None:
                raise _Unusual
            return construct(self, node)
        if kind is yaml.MappingNode and node.tag == _MAP:
            result = {}
            for key_node, value_node in node.value:
                if key_node.tag not in _PLAIN_KEYS:
                    raise _Unusual  # merge (<<), value (=) or other key tags: PyYAML's rules
                result[self._build(key_node)] = self._build(value_node)  # TypeError if unhashable
            if len(result) < len(node.value) and self.duplicates is not None:
                self._note_duplicates(node)
            return result
        if kind is yaml.SequenceNode and node.tag == _SEQ:
            return [self._build(item) for item in node.value]
        raise _Unusual


# ---- the log as salescli writes it, read without YAML's machinery --------------------------------
#
# Most of a customer file is its log, one flow mapping a line: `- {date: 2026-11-26, event: visit}`.
# When every line after a last top-level `log:` is such an item, or blank, or a comment, and every
# key and value is a plain scalar of the simplest kind (no flow indicators, no colon, no character
# that starts a YAML construct) or a value quoted without escapes, YAML's reading of the line is
# known exactly: keys and values split at ", " and ": ". Each plain scalar still gets its tag from
# PyYAML's resolver and its value from PyYAML's constructors, and the part above `log:` is read by
# PyYAML. Anything else — escapes, comments at line ends, other indentation, CR line ends, document
# markers — is read by PyYAML whole. The tests check the two readings agree wherever both answer.

_NEVER = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")  # in no quick log
_SIMPLE = r"""[^\s,\[\]{}#&*!|>'"%@`:?\-<=~\\]"""  # starts or ends a plain scalar
_INNER = r"[^,\[\]{}#:\\\t\n\r]"  # inside one (spaces too)
_SCALAR = f"{_SIMPLE}(?:{_INNER}*{_SIMPLE})?"
_QUOTED = r"""(?:"[^"\\\n]*"|'[^'\n]*')"""  # no escapes in them: the text between is the value
_PAIR = f"({_SCALAR}): ({_SCALAR}|{_QUOTED})"
_ITEM = re.compile(f"( *)- {{{_PAIR}((?:, {_PAIR})*)}} *")
_PAIRS = re.compile(f", {_PAIR}")
_SKIPPED = re.compile(r" *(#.*)?")
_DOCUMENT_MARKER = re.compile(r"^(---|\.\.\.)", re.MULTILINE)


def _log_header(text: str) -> tuple[int, int] | None:
    """Where the last top-level `log:` line starts and ends, when nothing follows `log:` on it."""
    if text.startswith(f"{LOG_KEY}:"):
        start = 0
    else:
        start = text.rfind(f"\n{LOG_KEY}:") + 1
        if start == 0:
            return None
    header_end = text.find("\n", start)
    if header_end == -1 or text[start + len(LOG_KEY) + 1:header_end].strip() or "\r" in text:
        return None
    return start, header_end


def _load_with_plain_log(text: str, duplicates: list[Duplicate] | None = None) -> dict[str, Any] | None:
    """The document, when its log is all plain one-line items; else None (for PyYAML to read)."""
    header = _log_header(text)
    if header is None:
        return None
    start, header_end = header
    log_text = text[header_end + 1:]
    if _NEVER.search(log_text):  # control characters, line separators, a byte-order mark: PyYAML decides
        return None
    in_log: list[Duplicate] = []
    log = _plain_log(log_text.split("\n"), text.count("\n", 0, header_end + 1) + 1, in_log)
    profile_text = text[:start]
    if log is None or _DOCUMENT_MARKER.search(profile_text):
        return None
    found: list[Duplicate] = []
    try:  # the part above `log:` must be a whole mapping on its own (not, say, an open quote)
        profile = _construct(profile_text, _Loader, found) if profile_text.strip() else {}
    except yaml.YAMLError:
        return None
    if not isinstance(profile, dict) or LOG_KEY in profile:  # (two `log:` keys: PyYAML reads it, and says so)
        return None
    if duplicates is not None:
        duplicates.extend(found + in_log)
    profile[LOG_KEY] = log  # as YAML would: the last `log:` key wins
    return profile


def _plain_log(lines: list[str], first: int = 1, duplicates: list[Duplicate] | None = None
               ) -> list[dict[Any, Any]] | None:
    """The items of log lines (the first at line `first` of the file), each line a whole item: read as
    above, or, for an item written otherwise (an escape, a comment after it, a key given twice), by
    PyYAML on its own (see _lone_item). None where a line is no whole item (PyYAML reads the file)."""
    items: list[dict[Any, Any]] = []
    indent = None
    known = _plain_scalars
    for number, line in enumerate(lines, start=first):
        match = _ITEM.fullmatch(line)
        item: dict[Any, Any] | None = None
        if match is not None:
            item = {}
            for key, value in [(match.group(2), match.group(3)), *_PAIRS.findall(match.group(4))]:
                key = known[key] if key in known else _plain_scalar(key)
                if value[0] in "\"'":
                    value = value[1:-1]
                else:
                    value = known[value] if value in known else _plain_scalar(value)
                if type(key) is not str or value is _UNUSUAL or key in item:  # (a key twice: PyYAML says where)
                    item = None
                    break
                item[key] = value
        elif _SKIPPED.fullmatch(line):
            continue
        if item is None:
            match = _FLOW_ITEM.match(line)
            item = None if match is None else _lone_item(line, number, duplicates)
            if item is None:
                return None
        assert match is not None
        if indent is None:
            indent = match.group(1)
        elif match.group(1) != indent:
            return None
        items.append(item)
    return items or None


_FLOW_ITEM = re.compile(r"( *)- \{")  # an item whose flow mapping the quick reading leaves to PyYAML


def _lone_item(line: str, number: int, duplicates: list[Duplicate] | None) -> dict[Any, Any] | None:
    """A log line holding an item as a flow mapping, read by PyYAML on its own. An item whole on its line
    reads alone as it reads within the file (a flow mapping's meaning does not depend on what is around
    it), so one escaped note does not send a log of thousands of events to PyYAML whole (minutes, and
    gigabytes, for the longest). None when the line is no such item alone (a flow mapping continued on
    the next line, say), or PyYAML's two loaders read it differently (libyaml takes some plain scalars the
    pure-Python one refuses, and edits compose with the latter): PyYAML then reads the file."""
    found: list[Duplicate] = []
    try:
        value = _construct(line, _Loader, found)
        if type(value) is not list or len(value) != 1 or type(value[0]) is not dict \
                or yaml.load(line, Loader=_EditLoader) != value:
            return None
    except (yaml.YAMLError, ValueError, OverflowError):
        return None
    if duplicates is not None:
        duplicates.extend((number, column, key) for _line, column, key in found)
    return value[0]  # type: ignore[no-any-return]


_UNUSUAL = object()
_plain_scalars: dict[str, Any] = {}  # text → value: all of them immutable (str, int, float, bool, None, date)


_ISO_DAY = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")  # PyYAML's resolver makes it a timestamp, and a date of it


def _plain_scalar(text: str) -> Any:
    """A plain scalar as PyYAML reads it (its resolver's tag, its constructors' value), memoised."""
    if _ISO_DAY.fullmatch(text):  # the commonest by far (a log has a date a line): as PyYAML would, quicker
        try:
            day: Any = date.fromisoformat(text)
        except ValueError:  # 2026-13-01: PyYAML reads the file and says where
            day = _UNUSUAL
        if len(_plain_scalars) < 100_000:
            _plain_scalars[text] = day
        return day
    loader = _scalar_loader()
    tag = loader.resolve(yaml.ScalarNode, text, (True, False))
    value: Any = _UNUSUAL
    if tag == _STR:
        value = text
    elif tag == _TIMESTAMP or tag in _SCALARS:
        try:
            value = loader._build(yaml.ScalarNode(tag, text))
        except (ValueError, OverflowError):  # e.g. 2026-13-01: PyYAML reads the file and says where
            value = _UNUSUAL
    if len(_plain_scalars) < 100_000:
        _plain_scalars[text] = value
    return value


_scalar_loaders: list[Any] = []


def _scalar_loader() -> Any:
    if not _scalar_loaders:
        _scalar_loaders.append(_Loader(""))
    return _scalar_loaders[0]


_SCALARS = {f"tag:yaml.org,2002:{name}": getattr(yaml.constructor.SafeConstructor, f"construct_yaml_{name}")
            for name in ("null", "bool", "int", "float", "timestamp")}
_PLAIN_KEYS = {_STR, *_SCALARS}

# Edits compose with the pure-Python loader: its marks index the Python string exactly (libyaml's
# skip a leading byte-order mark), and an edit touches one file, so its speed does not matter.
_EditLoader = yaml.SafeLoader

LOG_KEY = "log"


Duplicate = tuple[int, int, str]  # line, column (1-based) and the key repeated there


def load(text: str, *, loader: type | None = None, duplicates: list[Duplicate] | None = None) -> Any:
    """Parse one YAML document safely; raise YamlProblem with the place of the error. A key given
    twice in one mapping (YAML keeps the last) is added to `duplicates`, when given a list."""
    loader = loader or _Loader
    try:
        if "&" in text or "*" in text:
            _refuse_aliases(text, loader)
        if loader is _Loader:
            document = _load_with_plain_log(text, duplicates)
            if document is not None:
                return document
        return _construct(text, loader, duplicates)
    except yaml.reader.ReaderError:
        raise _bad_character(text) from None
    except yaml.MarkedYAMLError as error:
        raise _placed_problem(text, error) from None
    except yaml.YAMLError as error:
        raise YamlProblem(_("not valid YAML: {problem}").format(problem=error)) from None
    except (ValueError, OverflowError):  # a scalar that looks like a date or number but is none
        raise _bad_scalar(text) from None


def _placed_problem(text: str, error: yaml.MarkedYAMLError) -> YamlProblem:
    """A PyYAML error that knows its place, in the rep's words (_problem_text), at the line to fix."""
    problem = error.problem or error.context or N_("not valid YAML")
    mark = error.problem_mark or error.context_mark
    if error.context_mark is not None and (problem.startswith("could not find expected ':'")
                                           or (error.context or "").startswith("while parsing a flow")):
        mark = error.context_mark  # the line that lacks the colon, the bracket not closed: PyYAML notices later
    if mark is None:
        return YamlProblem(_problem_text(problem))
    if problem.endswith("cannot start any token") and _character_at(text, mark.line, mark.column) == "\t":
        problem = "found character '\\t' that cannot start any token"  # (libyaml does not say which character)
    return YamlProblem(_problem_text(problem), mark.line + 1, mark.column + 1)


def _character_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    return lines[line][column:column + 1] if line < len(lines) else ""


def _construct(text: str, loader_class: type, duplicates: list[Duplicate] | None) -> Any:
    """yaml.load, with `duplicates` handed to our loader."""
    loader = loader_class(text)
    loader.duplicates = duplicates
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _bad_character(text: str) -> YamlProblem:
    """The place of the first character YAML does not allow in a file (a NUL, other control characters)."""
    found = _NON_PRINTABLE.search(text)
    if found is None:
        return YamlProblem(_("the file holds a character YAML does not allow"))
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    return YamlProblem(_("the file holds a control character (U+{code}) that YAML does not allow; delete it").format(
        code=f"{ord(found.group()):04X}"), line, column)


def _bad_scalar(text: str) -> YamlProblem:
    """Find the date- or number-like scalar that the loader could not turn into a value."""
    constructor = yaml.constructor.SafeConstructor()
    kinds = {":timestamp": constructor.construct_yaml_timestamp, ":int": constructor.construct_yaml_int,
             ":float": constructor.construct_yaml_float}
    stack = [yaml.compose(text, Loader=_EditLoader)]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            kind = next((kind for kind in kinds if node.tag.endswith(kind)), None)
            if kind is None:
                continue
            try:
                kinds[kind](node)
            except (ValueError, OverflowError):
                mark = node.start_mark
                message = _("'{value}' is not a valid date; write YYYY-MM-DD").format(value=node.value) \
                    if kind == ":timestamp" else _("a number of {count} characters is more than salescli reads; "
                                                   "shorten it").format(count=len(node.value))
                return YamlProblem(message, mark.line + 1, mark.column + 1)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in reversed(node.value) for part in reversed(pair))
    return YamlProblem(_("a value could not be read (not a valid date or number?)"))


def _problem_text(problem: str) -> str:
    """What to fix, for what PyYAML says of a file it cannot read (its own words are a parser's)."""
    if "could not determine a constructor" in problem:
        return _("tags like !!python are not allowed in customer files; remove the tag")
    fix = next((message for pattern, message in _FIXES if pattern.match(problem)), None)
    if fix is not None:
        return _(fix)
    return _("{problem} (YAML syntax: fix the file here)").format(problem=problem)


# What PyYAML says most often of a file it cannot read, and what to do about it: a rep who typed
# `area:洪山` or indented a line by one space more needs to hear that, not the parser's words.
_INDENTATION = N_("the indentation does not fit: indent this line as the lines of the same level above it (with "
                  "spaces), and check the line above too")
_FIXES = [(re.compile(pattern), message) for pattern, message in (
    (r"could not find expected ':'", N_("this line is not `key: value`: the colon, or the space after it, may be "
                                        "missing (write `area: 洪山`)")),
    (r"mapping values are not allowed", N_("a second ': ' on this line: put a value that holds a colon in "
                                                 "quotes (note: '他说: 好'), or indent this line as the line above")),
    (r"expected <block end>, but found", _INDENTATION),
    (r"expected <document start>", _INDENTATION),
    (r"did not find expected key", _INDENTATION),
    (r"did not find expected '-' indicator", _INDENTATION),
    (r"block sequence entries are not allowed", N_("a list entry (`- …`) cannot start here: indent it as the "
                                                    "entries above it, and check the line above")),
    (r"(did not find expected|expected) ',' or '\}'", N_("a `{…}` is not closed: end it with `}` on the same line, "
                                                         "and put a value holding a comma or ': ' in quotes")),
    (r"(did not find expected|expected) ',' or '\]'", N_("a `[…]` is not closed: end it with `]` on the same line, "
                                                         "and put a value holding a comma in quotes")),
    (r"did not find expected node content|expected the node content",
     N_("a value is missing here: write it after the colon, or close the bracket opened before it")),
    (r"found (a tab character|character '\\t')", N_("a tab is used to indent: indent with spaces")),
    (r"found character (.* )?that cannot start any token", N_("a value cannot start with this character (@, `, % …): "
                                                           "put the value in quotes")),
    (r"found unexpected end of stream", N_("the file ends inside a quoted value: a closing quote is missing")),
    (r"found unknown escape character", N_("a backslash inside double quotes: write it twice (\\\\), or use single "
                                            "quotes")),
    (r"found undefined alias", N_("`*` starts a value: put the value in quotes")),
)]


def _refuse_aliases(text: str, loader: type) -> None:
    for event in yaml.parse(text, Loader=loader):
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent) or anchor:
            mark = event.start_mark
            raise YamlProblem(
                _("anchors and aliases (&name, *name) are not allowed in customer files; write the value out"),
                mark.line + 1 if mark else None,
                mark.column + 1 if mark else None,
            )


def locate(text: str, where: Sequence[str | int]) -> tuple[int, int] | None:
    """The 1-based (line, column) of the node at key path `where`, as far as it exists."""
    try:
        node = yaml.compose(text, Loader=_EditLoader)
    except yaml.YAMLError:
        return None
    found = node
    for step in where:
        child = _child(found, step)
        if child is None:
            break
        found = child
    if found is None:
        return None
    return found.start_mark.line + 1, found.start_mark.column + 1


def _child(node: yaml.Node | None, step: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode) and isinstance(step, str):
        found: yaml.Node | None = next((value for key, value in node.value if key.value == step), None)
        return found
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
        item: yaml.Node = node.value[step]
        return item
    return None


# ---- formatting values the way a person would write them -------------------------------------

def format_scalar(value: Any, *, flow: bool = False) -> str:
    """YAML text for a scalar: plain when that reads back as the same value, else double-quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, int)):
        return value.isoformat() if isinstance(value, date) else str(value)
    if isinstance(value, Decimal):
        return str(value) if value != value.to_integral() else str(int(value))
    text = str(value)
    if _SURROGATE.search(text):  # YAML cannot hold one, escaped or not
        shown = text.encode("utf-8", "backslashreplace").decode("utf-8")
        raise InvalidValue(_("'{text}' is not valid text (it holds a lone surrogate, as bytes that are not UTF-8 "
                             "become); nothing was written").format(text=shown))
    if _reads_back_plain(text, flow=flow):
        return text
    # A JSON string is a valid YAML double-quoted scalar once the characters YAML does not accept
    # raw in a file (DEL, C1 controls, surrogates, U+FFFE/U+FFFF) or read as line breaks are escaped too.
    return _UNSAFE_RAW.sub(_escaped, json.dumps(text, ensure_ascii=False))


_UNSAFE_RAW = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _reads_back_plain(text: str, *, flow: bool) -> bool:
    known = _READS_BACK.get((text, flow))
    if known is None:
        known = _READS_BACK[(text, flow)] = _reads_back_plain_checked(text, flow=flow)
        if len(_READS_BACK) > 100_000:  # a bulk import writes many distinct texts; keep the memo small
            _READS_BACK.clear()
    return known


_READS_BACK: dict[tuple[str, bool], bool] = {}


def _reads_back_plain_checked(text: str, *, flow: bool) -> bool:
    if not text or text != text.strip() or "\n" in text or "#" in text or _UNSAFE_RAW.search(text):
        return False
    if flow and any(char in text for char in ",[]{}"):
        return False
    probe = f"{{k: {text}}}" if flow else f"k: {text}"
    try:  # both loaders must agree: libyaml takes some plain scalars (`0?` in flow) that PyYAML refuses
        return all(yaml.load(probe, Loader=loader) == {"k": text} for loader in {_Loader, _EditLoader})
    except (yaml.YAMLError, ValueError, OverflowError):  # (2026-02-30 looks like a date, and is none: quote it)
        return False


def format_flow_mapping(item: Mapping[str, Any]) -> str:
    """`{date: 2026-11-26, event: won, value: 48000}`: one event, one line, easy to diff and grep."""
    parts = (f"{key}: {_flow(value)}" for key, value in item.items() if value is not None)
    return "{" + ", ".join(parts) + "}"


# ---- appending to a log as salescli writes it, without parsing the whole file -----------------
#
# A visit on a customer with years of history must not cost a parse of every event (composing a
# 1 MB file with PyYAML's pure-Python composer, as the general edit does, takes half a minute). When
# the file is known to be valid YAML (salescli only edits files it has read) and its shape is the
# one salescli writes — the profile above a last top-level `log:`, a mapping on its own without a
# `log` key, and below it only one-line flow mappings `- {…}` at one indentation, blank lines and
# comments — new item lines spliced between those lines are new items of the log and change nothing
# else; the new lines themselves are checked with both loaders. The result is the general edit's,
# byte for byte (the tests compare them).

_QUOTED_ANY = r"""(?:"(?:[^"\\\n]|\\[^\n])*"|'(?:[^'\n]|'')*')"""  # escapes too
_PAIR_ANY = f"(?:{_SCALAR}|{_QUOTED_ANY}): (?:{_SCALAR}|{_QUOTED_ANY})"
_ITEM_SHAPE = re.compile(f"( *)- {{{_PAIR_ANY}(?:, {_PAIR_ANY})*}} *")


def append_plain(text: str, items: Sequence[Mapping[str, Any]], *, shaped: bool = False
                 ) -> tuple[str, list[dict[str, Any]] | None] | None:
    """`append_to_log(text, items)` the quick way, for a valid file of the shape salescli writes; None
    for any other (append_to_log reads it whole). With it, the items as the file now reads them, in
    file order, when they all went at the end (None when some went before later events). `shaped`: this
    very text is known to be of that shape (an earlier append made it, or checked it), so its lines are
    only found, not checked again (one regular expression a line: 0.75 s for a log of 400,000 events)."""
    header = _log_header(text)
    if not items or header is None or _DOCUMENT_MARKER.search(text, 0, header[0]):
        return None
    start, header_end = header
    lines = text[header_end + 1:].split("\n")
    if not shaped and _NEVER.search(text, header_end):
        return None
    item_lines, indent = _item_starts(lines) if shaped else _item_lines(lines)
    if not item_lines or not _profile_alone(text[:start]):
        return None
    gaps: dict[int, list[Mapping[str, Any]]] = {}
    try:
        for item in items:
            at = _first_later_line(lines, item_lines, item.get("date"))
            gaps.setdefault(len(item_lines) if at is None else at, []).append(item)
    except _Unusual:
        return None
    result = text
    for gap in sorted(gaps, reverse=True):  # last first, so that earlier offsets hold
        line = item_lines[-1] + 1 if gap == len(item_lines) else item_lines[gap]
        offset = len(text) + 1 - sum(len(rest) + 1 for rest in lines[line:]) if line < len(lines) else len(text)
        block = _by_date(gaps[gap])
        if not _reads_as_items(block, indent):
            return None
        result = _insert_lines(result, offset, block, indent, "\n")
    at_end = list(gaps) == [len(item_lines)]
    return result, [_as_loaded(item) for item in _by_date(items)] if at_end else None


def _item_lines(lines: list[str]) -> tuple[list[int], str]:
    """The numbers of the lines that are log items, and their indentation; ([], "") unless every line
    is an item at that indentation, blank or a comment."""
    found = []
    indent = None
    for number, match in enumerate(map(_ITEM_SHAPE.fullmatch, lines)):
        if match is None:
            if _SKIPPED.fullmatch(lines[number]) is None:
                return [], ""
            continue
        if indent is None:
            indent = match.group(1)
        elif match.group(1) != indent:
            return [], ""
        found.append(number)
    return found, indent or ""


def _item_starts(lines: list[str]) -> tuple[list[int], str]:
    """`_item_lines` for lines known to pass it: where the items are, found by how they start."""
    first = next((line for line in lines if not _SKIPPED.fullmatch(line)), None)
    match = None if first is None else _FLOW_ITEM.match(first)
    if match is None:
        return [], ""
    start = match.group(0)
    return [number for number, line in enumerate(lines) if line.startswith(start)], match.group(1)


def _profile_alone(profile_text: str) -> bool:
    """Whether the part above `log:` is a mapping on its own, without a `log` key of its own."""
    try:
        profile = yaml.load(profile_text, Loader=_Loader) if profile_text.strip() else {}
    except (yaml.YAMLError, ValueError, OverflowError):
        return False
    return isinstance(profile, dict) and LOG_KEY not in profile


def _first_later_line(lines: list[str], item_lines: list[int], day: Any) -> int | None:
    """`_first_later` for the item lines: the index of the first of the items at the end dated after
    `day`, or None for the very end."""
    day = _day(day)
    if day is None:
        return None
    position = len(item_lines)
    for index in range(len(item_lines) - 1, -1, -1):
        other = _day(_line_item(lines[item_lines[index]]).get("date"))
        if other is not None and other > day:
            position = index
        else:
            break
    return position if position < len(item_lines) else None


def _line_item(line: str) -> dict[Any, Any]:
    found = _plain_log([line])
    if found is None:
        try:
            found = yaml.load(f"{LOG_KEY}:\n{line.strip()}\n", Loader=_Loader)[LOG_KEY]
        except (yaml.YAMLError, ValueError, OverflowError, TypeError):
            raise _Unusual from None
    if not found or not isinstance(found[0], dict):
        raise _Unusual
    return found[0]


def _reads_as_items(items: Sequence[Mapping[str, Any]], indent: str) -> bool:
    """Whether the lines written for `items` are items of that shape that both loaders read as meant."""
    lines = [f"{indent}- {format_flow_mapping(item)}" for item in items]
    if not all(_ITEM_SHAPE.fullmatch(line) for line in lines):
        return False
    expected = {LOG_KEY: [_as_loaded(item) for item in items]}
    block = f"{LOG_KEY}:\n" + "".join(line + "\n" for line in lines)
    try:
        return all(yaml.load(block, Loader=loader) == expected for loader in {_Loader, _EditLoader})
    except (yaml.YAMLError, ValueError, OverflowError):
        return False


# ---- surgical edits -------------------------------------------------------------------------

def append_to_log(text: str, items: Sequence[Mapping[str, Any]]) -> str:
    """`text` with `items` added to its top-level `log:` list, each in date order — after the last
    event dated on or before it, so a back-dated entry lands where it belongs — nothing else changed."""
    quick = _append_to_plain_log(text, items)
    return quick if quick is not None else _append_composed(text, items)


def _append_composed(text: str, items: Sequence[Mapping[str, Any]]) -> str:
    """`append_to_log` for any log, its places from the composed document."""
    root = _compose_root(text)
    log_key, log_node = _log_entry(root)
    newline = "\r\n" if "\r\n" in text else "\n"
    if isinstance(log_node, yaml.SequenceNode) and not log_node.flow_style and log_node.value:
        indent = " " * log_node.start_mark.column
        log = load(text).get(LOG_KEY)
        gaps: dict[int, list[Mapping[str, Any]]] = {}
        for item in items:
            at = _first_later(log, item.get("date"))
            gaps.setdefault(len(log_node.value) if at is None else at, []).append(item)
        result = text
        for gap in sorted(gaps, reverse=True):  # last first, so that earlier offsets hold
            if gap == len(log_node.value):
                offset = _end_of_line(text, content_end(text, log_node.value[-1]))
            else:
                offset = text.rfind("\n", 0, log_node.value[gap].start_mark.index) + 1
            result = _insert_lines(result, offset, _by_date(gaps[gap]), indent, newline)
    elif _is_empty(log_node):
        result = _drop_empty_flow_list(text, log_node)
        result = _insert_lines(result, _end_of_line(result, log_key.end_mark.index), _by_date(items), "", newline)
    else:
        raise UnsafeWrite(_("`log:` is not a block list (`- {…}` one per line); salescli will not rewrite it"))
    _verify_append(text, result, items)
    return result


def _append_to_plain_log(text: str, items: Sequence[Mapping[str, Any]]) -> str | None:
    """`append_to_log` for a log as salescli writes it (one plain item a line, see _load_with_plain_log):
    the places come from the lines rather than from composing the whole document with the pure-Python
    loader, which a log of thousands of events makes slow. The result is read back by the quick
    reading, which reads such a log exactly as both of PyYAML's loaders do (the tests check it), each
    value written having been checked with both (format_scalar). None: not such a log."""
    if not items or text.count(f"\n{LOG_KEY}:") + text.startswith(f"{LOG_KEY}:") != 1:
        return None  # (two `log:` keys: the composed append refuses the file)
    old = _load_with_plain_log(text)
    if old is None:
        return _append_to_empty_log(text, items)
    log = old[LOG_KEY]
    lines = _log_item_lines(text)
    if len(lines) != len(log):
        return None
    indent = _ITEM.fullmatch(text[lines[0]:_end_of_line(text, lines[0])].rstrip("\n"))
    if indent is None:
        return None
    gaps = _gaps(log, items)
    result = text
    for gap in sorted(gaps, reverse=True):  # last first, so that earlier offsets hold
        offset = _end_of_line(text, lines[-1]) if gap == len(log) else lines[gap]
        result = _insert_lines(result, offset, _by_date(gaps[gap]), indent.group(1), "\n")
    return result if _verify_plain_append(old, result, gaps) else None


def _append_to_empty_log(text: str, items: Sequence[Mapping[str, Any]]) -> str | None:
    """The quick append for a bare `log:` (a new customer from the template): the items go below it."""
    start = 0 if text.startswith(f"{LOG_KEY}:") else text.rfind(f"\n{LOG_KEY}:") + 1
    header_end = _end_of_line(text, start)
    if "\r" in text or text[start:header_end].rstrip() != f"{LOG_KEY}:" or any(
            not _SKIPPED.fullmatch(line) for line in text[header_end:].split("\n")):
        return None
    try:
        old = load(text)
    except YamlProblem:
        return None
    if not isinstance(old, dict) or old.get(LOG_KEY) is not None:
        return None
    result = _insert_lines(text, header_end, _by_date(items), "", "\n")
    return result if _verify_plain_append({**old, LOG_KEY: []}, result, {0: items}) else None


def _log_item_lines(text: str) -> list[int]:
    """Where each item line of the (last) top-level `log:` starts, in a log _load_with_plain_log read."""
    start = 0 if text.startswith(f"{LOG_KEY}:") else text.rfind(f"\n{LOG_KEY}:") + 1
    offsets = []
    at = _end_of_line(text, start)
    while at < len(text):
        end = _end_of_line(text, at)
        if not _SKIPPED.fullmatch(text[at:end].rstrip("\n")):
            offsets.append(at)
        at = end
    return offsets


def _verify_plain_append(old: Mapping[str, Any], new_text: str,
                         gaps: Mapping[int, Sequence[Mapping[str, Any]]]) -> bool:
    """Whether the result reads as meant; False when the quick reading cannot tell (an added value it
    leaves to PyYAML); a result that reads otherwise is refused."""
    new = _load_with_plain_log(new_text)
    if new is None:
        return False
    if new != {**old, LOG_KEY: _with_gaps(list(old[LOG_KEY]), gaps)}:
        raise UnsafeWrite(_("the log could not be extended safely (the result would read differently); "
                            "the file was not changed — check that `log:` is the last key"))
    return True


def _gaps(log: Any, items: Sequence[Mapping[str, Any]]) -> dict[int, list[Mapping[str, Any]]]:
    """Where in the log each item goes: the index of the event it goes before (len: at the end)."""
    gaps: dict[int, list[Mapping[str, Any]]] = {}
    for item in items:
        at = _first_later(log, item.get("date"))
        gaps.setdefault(len(log) if at is None else at, []).append(item)
    return gaps


def _with_gaps(original: list[Any], gaps: Mapping[int, Sequence[Mapping[str, Any]]]) -> list[Any]:
    """The log as it should read with the items in their gaps."""
    log: list[Any] = []
    for index in range(len(original) + 1):
        log += [_as_loaded(item) for item in _by_date(gaps.get(index, []))]
        if index < len(original):
            log.append(original[index])
    return log


def _by_date(items: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Stable: items of one day keep the order they were given in."""
    return sorted(items, key=lambda item: _day(item.get("date")) or date.min)


def _day(value: Any) -> date | None:
    """The day a log's `date:` holds (a hand-written `2026-11-26 10:00` is a datetime: its day)."""
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _insert_lines(text: str, offset: int, items: Sequence[Mapping[str, Any]], indent: str, newline: str) -> str:
    prefix = text[:offset]
    if prefix and not prefix.endswith("\n"):
        prefix += newline
    block = "".join(f"{indent}- {format_flow_mapping(item)}{newline}" for item in items)
    return prefix + block + text[offset:]


def _first_later(log: Any, day: Any) -> int | None:
    """Where an event dated `day` goes: the index of the first of the events at the end of the log
    dated after it, or None for the very end."""
    day = _day(day)
    if not isinstance(log, list) or day is None:
        return None
    position = len(log)
    for index in range(len(log) - 1, -1, -1):
        other = _day(log[index].get("date")) if isinstance(log[index], Mapping) else None
        if other is not None and other > day:
            position = index
        else:
            break
    return position if position < len(log) else None


def compose(text: str) -> yaml.Node:
    """The node tree of `text`, with marks that index the Python string exactly."""
    node = yaml.compose(text, Loader=_EditLoader)
    if node is None:
        raise BrokenFile(_("the file is empty"))
    return node


def _compose_root(text: str) -> yaml.MappingNode:
    try:
        root = yaml.compose(text, Loader=_EditLoader)
    except yaml.YAMLError as error:
        raise BrokenFile(_("cannot edit a file that is not valid YAML ({problem})").format(problem=error)) from None
    if not isinstance(root, yaml.MappingNode):
        raise BrokenFile(_("the file is not a mapping of keys; salescli will not edit it"))
    return root


def _log_entry(root: yaml.MappingNode) -> tuple[yaml.Node, yaml.Node]:
    entries = [(key, value) for key, value in root.value if key.value == LOG_KEY]
    if len(entries) != 1:
        raise UnsafeWrite(_("the file has no single top-level `log:` key; add `log:` as the last line"))
    return entries[0]


def _is_empty(node: yaml.Node) -> bool:
    if isinstance(node, yaml.ScalarNode):
        return node.tag.endswith(":null") and node.value in ("", "~", "null")
    return isinstance(node, yaml.SequenceNode) and not node.value


def _drop_empty_flow_list(text: str, node: yaml.Node) -> str:
    """`log: []` → `log:`, so that block items can follow."""
    if isinstance(node, yaml.ScalarNode) and node.value == "":
        return text
    start, end = node.start_mark.index, node.end_mark.index
    return text[:start].rstrip(" ") + text[end:]


def content_end(text: str, node: yaml.Node) -> int:
    """Where the last character of a node's own text is (its block-scalar tail trimmed)."""
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    end = node.end_mark.index
    while end > node.start_mark.index and text[end - 1] in " \t\r\n":
        end -= 1
    return max(end, node.start_mark.index)


def _end_of_line(text: str, index: int) -> int:
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


def _verify_append(old_text: str, new_text: str, items: Sequence[Mapping[str, Any]]) -> None:
    old = load(old_text)
    expected = dict(old)
    original = list(old.get(LOG_KEY) or [])
    expected[LOG_KEY] = _with_gaps(original, _gaps(original, items))
    for loader in {_Loader, _EditLoader}:
        try:
            new = load(new_text, loader=loader)
        except YamlProblem:
            new = None
        if new != expected or list(new) != list(old):
            raise UnsafeWrite(_("the log could not be extended safely (the result would read differently); "
                                "the file was not changed — check that `log:` is the last key"))


def _as_loaded(item: Mapping[str, Any]) -> dict[str, Any]:
    return {key: (int(value) if isinstance(value, Decimal) and value == value.to_integral() else
                  float(value) if isinstance(value, Decimal) else value)
            for key, value in item.items() if value is not None}


def set_values(text: str, values: Mapping[str, Any]) -> str:
    """`text` with the scalars at dotted key paths replaced by `values`; for filling templates.

    Every path must already exist in `text`; the edits are spliced last first so offsets hold.
    """
    root = _compose_root(text)
    edits: list[tuple[int, int, str]] = []
    for path, value in values.items():
        node = _node_at(root, path)
        if not isinstance(node, yaml.ScalarNode):
            raise UnsafeWrite(_("the template has no plain value at `{key}`").format(key=path))
        edits.append(_scalar_edit(text, node, format_scalar(value)))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    _verify_values(text, values)
    return text


def _scalar_edit(text: str, node: yaml.ScalarNode, replacement: str) -> tuple[int, int, str]:
    """Replace a scalar's text, keeping a comment after it in its column where the padding allows:
    `field:        # 领域` becomes `field: construction # 领域`, not a shifted comment."""
    start, end = node.start_mark.index, node.end_mark.index
    line_end = text.find("\n", end)
    rest = text[end : len(text) if line_end < 0 else line_end]
    padding = len(rest) - len(rest.lstrip(" "))
    if start == end:  # an empty value: it follows the key's colon directly
        replacement = ("" if text[:start].endswith(" ") else " ") + replacement
    if not rest.strip().startswith("#"):
        return start, end, replacement
    room = _width(text[start:end]) + padding - 1  # the comment keeps one space before it at least
    grow = _width(replacement) - _width(text[start:end])
    if start == end and text[:start].endswith(" "):
        room, grow = room + 1, grow + 1
    taken = max(0, min(padding - 1, grow))
    return start, end + taken, replacement + " " * max(0, -grow if room >= 0 else 0)
def _node_at(root: yaml.Node, path: str) -> yaml.Node | None:
    node: yaml.Node | None = root
    for part in path.split("."):
        node = _child(node, part)
    return node


def _verify_values(text: str, values: Mapping[str, Any]) -> None:
    try:
        document = load(text)
    except YamlProblem:
        raise UnsafeWrite(_("could not set {keys} safely").format(keys=joined(f"`{path}`" for path in values))) \
            from None
    for path, value in values.items():
        found: Any = document
        for part in path.split("."):
            found = found.get(part) if isinstance(found, Mapping) else None
        if found != _as_loaded({"v": value})["v"]:
            raise UnsafeWrite(_("could not set `{key}` to {value!r} safely").format(key=path, value=value))


def fields_of(text: str) -> list[str]:
    """The dotted paths of the scalar values in a mapping document (for checking templates)."""
    root = _compose_root(text)
    paths: list[str] = []

    def walk(node: yaml.Node, prefix: str) -> None:
        for key, value in node.value:
            path = f"{prefix}{key.value}"
            if isinstance(value, yaml.MappingNode):
                walk(value, path + ".")
            elif isinstance(value, yaml.ScalarNode):
                paths.append(path)

    walk(root, "")
    return paths



# ---- profile edits: set, add and remove values above `log:` ----------------------------------
#
# `set`, `person` and `visit --learned` change the profile: a value at a key path is replaced in
# place (its quoting chosen afresh, a comment after it kept), a missing key is added at the end
# of its mapping (a missing mapping is made, before `log:`), an item is added to or removed from
# a list of one-line entries. Only the part above a last top-level `log:` is composed, so a long
# log costs nothing; the result is read back by both loaders and compared with what was meant.

Path = tuple[str | int, ...]  # UNSET as a value: empty that key (in a one-line `{…}` mapping: remove it)


def edit_profile(text: str, changes: Mapping[Path, Any]) -> str:
    """`text` with each key path set to its value (UNSET: emptied); every other line as it was."""
    head, tail = _split_at_log(text)
    new_head = head
    for path, value in changes.items():
        new_head = _edit_path(new_head, path, value)
    _verify_profile(head, new_head, changes)
    return new_head + tail


def add_list_item(text: str, path: Path, item: Mapping[str, Any]) -> str:
    """`text` with `item` added as a one-line `- {…}` entry at the end of the list at `path`
    (made where it is missing or empty)."""
    head, tail = _split_at_log(text)
    old = load(head) if head.strip() else {}
    items = _value_at(old, path)
    count = len(items) if isinstance(items, list) else 0
    new_head = _edit_path(head, (*path, count), dict(item), append=True)
    expected = _with_value(old, path, [*(items if isinstance(items, list) else []), _as_loaded(item)])
    _verify_document(new_head, expected, _("the entry could not be added safely"))
    return new_head + tail


def remove_list_item(text: str, path: Path, index: int) -> str:
    """`text` without the entry at `index` of the block list at `path` (its lines removed)."""
    head, tail = _split_at_log(text)
    root = _compose_root(head)
    node = _node_at_path(root, path)
    if not isinstance(node, yaml.SequenceNode) or node.flow_style or not 0 <= index < len(node.value):
        raise UnsafeWrite(_("`{key}` has no entry {number} written one per line; edit the file by hand").format(
            key=_dotted(path), number=index + 1))
    item = node.value[index]
    start = head.rfind("\n", 0, item.start_mark.index) + 1
    if head[start:item.start_mark.index].strip(" ") not in ("", "-"):
        raise UnsafeWrite(_("the entry of `{key}` shares its line with other text; edit the file by hand").format(
            key=_dotted(path)))
    new_head = head[:start] + head[_end_of_line(head, content_end(head, item)):]
    old = load(head)
    items = list(_value_at(old, path))
    del items[index]
    expected = _with_value(old, path, items or None)
    _verify_document(new_head, expected, _("the entry could not be removed safely"))
    return new_head + tail


def _split_at_log(text: str) -> tuple[str, str]:
    """(the part above a last top-level `log:` line, the rest) when the part above reads as a whole
    mapping on its own; else (text, "")."""
    start = 0 if text.startswith(f"{LOG_KEY}:") else text.rfind(f"\n{LOG_KEY}:") + 1
    if start <= 0 and not text.startswith(f"{LOG_KEY}:"):
        return text, ""
    head = text[:start]
    try:
        document = load(head) if head.strip() else {}
    except YamlProblem:
        return text, ""
    if not isinstance(document, dict) or LOG_KEY in document or _DOCUMENT_MARKER.search(head):
        return text, ""
    return head, text[start:]


def _edit_path(text: str, path: Path, value: Any, *, append: bool = False) -> str:
    root = _compose_root(text) if text.strip() else None
    if root is None:  # nothing above `log:` yet
        return _block_lines(path, value, 0, _newline(text)) + text
    node: yaml.Node = root
    for depth, part in enumerate(path):
        child = _child_pair(node, part)
        if child is None:
            if value is UNSET:
                return text  # nothing there to empty
            return _insert(text, root, node, path[depth:], value, append=append)
        key_node, value_node = child
        if depth == len(path) - 1:
            return _replace(text, node, key_node, value_node, value, _dotted(path))
        if isinstance(value_node, (yaml.MappingNode, yaml.SequenceNode)):
            node = value_node
            continue
        if value is UNSET:
            return text
        if _is_empty(value_node) and isinstance(key_node, yaml.ScalarNode):
            return _insert_under_key(text, key_node, value_node, path[depth + 1:], value)
        raise UnsafeWrite(_("`{key}` holds a single value, not keys under it; edit the file by hand").format(
            key=_dotted(path[:depth + 1])))
    raise AssertionError("unreachable: a path has at least one part")


def _child_pair(node: yaml.Node, part: str | int) -> tuple[yaml.Node | None, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        return next(((key, value) for key, value in node.value if key.value == part), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return None, node.value[part]
    return None


def _replace(text: str, parent: yaml.Node, key_node: yaml.Node | None, node: yaml.Node, value: Any,
             where: str) -> str:
    flow = bool(getattr(parent, "flow_style", False))
    if isinstance(node, yaml.ScalarNode) and node.style not in ("|", ">"):
        if value is UNSET:
            return _remove_pair(text, parent, key_node, node) if flow else _empty_scalar(text, node)
        if isinstance(value, (dict, list)):
            if not _is_empty(node):
                raise UnsafeWrite(_("`{key}` holds a single value; edit the file by hand").format(key=where))
            return _insert_under_key(text, key_node, node, (), value) if key_node is not None else text
        start, end, replacement = _scalar_edit(text, node, format_scalar(value, flow=flow))
        return text[:start] + replacement + text[end:]
    if value is UNSET and isinstance(node, yaml.SequenceNode) and not node.value:
        return text
    message = _("`{key}` holds a list; salescli sets single values only — edit the file by hand") \
        if isinstance(node, yaml.SequenceNode) else \
        _("`{key}` holds several values; salescli sets single values only — edit the file by hand") \
        if isinstance(node, yaml.MappingNode) else \
        _("`{key}` holds a multi-line text; salescli sets single values only — edit the file by hand")
    raise UnsafeWrite(message.format(key=where))


def _empty_scalar(text: str, node: yaml.ScalarNode) -> str:
    """A value taken out: a comment after it stays in its column, a line without one loses its tail."""
    start, end = node.start_mark.index, node.end_mark.index
    if start == end:
        return text
    line_end = text.find("\n", end)
    rest = text[end : len(text) if line_end < 0 else line_end]
    if rest.strip(" \r") == "":
        return text[:start].rstrip(" ") + text[end:]
    return text[:start] + " " * _width(text[start:end]) + text[end:]


def _width(text: str) -> int:
    """Terminal columns: comments are aligned by eye, and Chinese characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(character) in "WF" else 1 for character in text)


def _remove_pair(text: str, parent: yaml.Node, key_node: yaml.Node | None, node: yaml.Node) -> str:
    """A key and its value out of a one-line `{…}` mapping, with the comma that separated it."""
    assert isinstance(parent, yaml.MappingNode) and key_node is not None
    pairs = parent.value
    index = next(position for position, (key, _) in enumerate(pairs) if key is key_node)
    start, end = key_node.start_mark.index, node.end_mark.index
    if index + 1 < len(pairs):
        end = pairs[index + 1][0].start_mark.index
    elif index > 0:
        start = content_end(text, pairs[index - 1][1])
    return text[:start] + text[end:]


def _insert(text: str, root: yaml.MappingNode, parent: yaml.Node, rest: Path, value: Any, *, append: bool) -> str:
    newline = _newline(text)
    if isinstance(parent, yaml.SequenceNode):
        if not append or parent.flow_style:
            raise UnsafeWrite(_("salescli adds to lists written one entry per line only; edit the file by hand"))
        if not parent.value:
            return text  # an empty `[]`: left to the caller's check (never made by salescli)
        last = parent.value[-1]
        at = _end_of_line(text, content_end(text, last))
        indent = " " * parent.start_mark.column  # where its `- ` entries stand
        line = f"{indent}- {_flow(value)}{newline}" if not rest[1:] else ""
        return _with_line_break(text, at, newline) + line + text[at:]
    assert isinstance(parent, yaml.MappingNode)
    if parent.flow_style:
        closing = parent.end_mark.index - 1
        if text[closing] != "}":
            raise UnsafeWrite(_("a one-line `{…}` mapping salescli cannot read back exactly; edit the file by hand"))
        pair = f"{format_scalar(rest[0], flow=True)}: {_flow(_nested(rest[1:], value))}"
        separator = ", " if parent.value else ""
        return text[:closing].rstrip(" ") + separator + pair + text[closing:]
    pairs = [pair for pair in parent.value if not (parent is root and pair[0].value == LOG_KEY)]
    if pairs:  # after the last key (before `log:`, which stays last)
        column = pairs[0][0].start_mark.column
        at = _after_block(text, content_end(text, pairs[-1][1]), column)
    elif parent.value:  # only `log:`: before it
        column, at = 0, text.rfind("\n", 0, parent.value[0][0].start_mark.index) + 1
    else:  # an empty block mapping cannot be (it would be a null): a root without keys
        column, at = 0, len(text)
    return _with_line_break(text, at, newline) + _block_lines(rest, value, column, newline) + text[at:]


def _insert_under_key(text: str, key_node: yaml.Node | None, node: yaml.Node, rest: Path, value: Any) -> str:
    """Keys (or list entries) under a key whose value is empty (`contact:`, `people:  # …`)."""
    assert key_node is not None
    newline = _newline(text)
    if node.start_mark.index != node.end_mark.index:  # an explicit null (~, null): made a one-line value
        start, end = node.start_mark.index, node.end_mark.index
        return text[:start] + _flow(_nested(rest, value)) + text[end:]
    column = key_node.start_mark.column
    at = _end_of_line(text, key_node.end_mark.index)
    if not rest and isinstance(value, list):  # list entries at the key's own indentation, as the sample writes them
        lines = "".join(f"{' ' * column}- {_flow(item)}{newline}" for item in value)
    else:
        lines = _block_lines(rest, value, column + (0 if isinstance(rest[0], int) else 2), newline)
    return _with_line_break(text, at, newline) + lines + text[at:]


def _block_lines(path: Path, value: Any, column: int, newline: str) -> str:
    """`key:` lines for a chain of keys ending in `value` (a list as one-line entries)."""
    indent = " " * column
    first, rest = path[0], path[1:]
    if isinstance(first, int):  # a new list entry
        return f"{indent}- {_flow(_nested(rest, value))}{newline}"
    key = format_scalar(first)  # quoted where YAML would read it otherwise (`no`, `2026`)
    if rest:  # list entries stand at their key's own column, as the sample's `people:` entries do
        return f"{indent}{key}:{newline}" + _block_lines(rest, value, column + (0 if isinstance(rest[0], int) else 2),
                                                         newline)
    if isinstance(value, list):
        return f"{indent}{key}:{newline}" + "".join(f"{indent}- {_flow(item)}{newline}" for item in value)
    return f"{indent}{key}: {_flow(value) if isinstance(value, (Mapping, list)) else format_scalar(value)}{newline}"


def _nested(path: Path, value: Any) -> Any:
    for part in reversed(path):
        value = [value] if isinstance(part, int) else {part: value}
    return value


def _flow(value: Any) -> str:
    if isinstance(value, Mapping):
        return format_flow_mapping(value)
    if isinstance(value, list):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    return format_scalar(value, flow=True)


def _after_block(text: str, end: int, column: int) -> int:
    """Where a new key of a block mapping whose keys stand at `column` goes: after its last value's
    line and the comment lines indented under it (they belong to it), before a blank line or a
    comment at or left of `column` (the next section's heading)."""
    at = _end_of_line(text, end)
    while at < len(text):
        line_end = _end_of_line(text, at)
        line = text[at:line_end].rstrip("\r\n")
        stripped = line.lstrip(" ")
        if not stripped.startswith("#") or len(line) - len(stripped) <= column:
            break
        at = line_end
    return at


def _with_line_break(text: str, at: int, newline: str) -> str:
    prefix = text[:at]
    return prefix if not prefix or prefix.endswith("\n") else prefix + newline


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _node_at_path(root: yaml.Node, path: Path) -> yaml.Node | None:
    node: yaml.Node | None = root
    for part in path:
        pair = _child_pair(node, part) if node is not None else None
        node = pair[1] if pair else None
    return node


def _dotted(path: Path) -> str:
    return ".".join(str(part + 1) if isinstance(part, int) else part for part in path)


def _value_at(document: Any, path: Path) -> Any:
    for part in path:
        if isinstance(part, int):
            document = document[part] if isinstance(document, list) and part < len(document) else None
        else:
            document = document.get(part) if isinstance(document, Mapping) else None
    return document


def _with_value(document: Any, path: Path, value: Any) -> Any:
    """A copy of `document` with `path` set to `value` (mappings made where missing); UNSET: emptied."""
    if not path:
        return value
    part, rest = path[0], path[1:]
    if isinstance(part, int):
        items = list(document) if isinstance(document, list) else []
        child = items[part] if part < len(items) else None
        if part < len(items):
            items[part] = _with_value(child, rest, value)
        else:
            items.append(_with_value(None, rest, value))
        return items
    copy = dict(document) if isinstance(document, Mapping) else {}
    copy[part] = _with_value(copy.get(part), rest, value)
    return copy


def _verify_profile(old_text: str, new_text: str, changes: Mapping[Path, Any]) -> None:
    old = load(old_text) if old_text.strip() else {}
    new = load(new_text) if new_text.strip() else {}
    expected = old
    for path, value in changes.items():
        if value is UNSET:  # emptied (None) in a block, removed from a one-line mapping: both mean no value
            found = _value_at(new, path)
            if found is not None:
                raise UnsafeWrite(_("could not empty `{key}` safely; the file was not changed").format(
                    key=_dotted(path)))
            if _value_at(old, path) is not None or _has_key(new, path):
                expected = _with_value(expected, path, None) if _has_key(new, path) else _without(expected, path)
        else:
            expected = _with_value(expected, path, _as_loaded({"v": value})["v"])
    _verify_document(new_text, expected, _("the change could not be written safely (the file would read "
                                           "differently); the file was not changed"))


def _has_key(document: Any, path: Path) -> bool:
    parent = _value_at(document, path[:-1])
    return isinstance(parent, Mapping) and path[-1] in parent


def _without(document: Any, path: Path) -> Any:
    parent = _value_at(document, path[:-1])
    if not isinstance(parent, Mapping) or path[-1] not in parent:
        return document
    return _with_value(document, path[:-1], {key: value for key, value in parent.items() if key != path[-1]})


def _verify_document(text: str, expected: Any, message: str) -> None:
    for loader in {_Loader, _EditLoader}:
        try:
            found = load(text, loader=loader) if text.strip() else {}
        except YamlProblem:
            raise UnsafeWrite(message) from None
        if found != expected or list(found or ()) != list(expected or ()):
            raise UnsafeWrite(message)


# ---- values at dotted keys, for imports, templates and the team table --------------------------

def put_values(text: str, values: Mapping[str, Any]) -> str:
    """`text` with each dotted path holding its value, as `edit_profile` places it: a scalar already
    there replaced in place, a key the document lacks added under its parent (a top-level one before
    `log:`), a list under an empty key written one `- {…}` line per entry (as `trust.people` is kept).
    A path under a value that is not a mapping is refused."""
    return edit_profile(text, {tuple(path.split(".")): value for path, value in values.items()})


def filled_template(template: str, values: Mapping[str, Any], items: Sequence[Mapping[str, Any]]) -> str:
    """A new customer's text: the template with its profile `values` (by dotted key) and `items` in its log."""
    text = put_values(template, values)
    return append_to_log(text, items) if items else text


def put_entries(text: str, key: str, entries: Mapping[str, Mapping[str, Any]]) -> str:
    """`text` with each entry added to the top-level mapping `key` (made at the end when missing),
    one `name: {…}` line each (a rep's team in salescli.yaml: the names may hold dots)."""
    return edit_profile(text, {(key, name): dict(entry) for name, entry in entries.items()})


def can_put(text: str, path: str) -> bool:
    """Whether `put_values` can place a value at `path` (no other value in its way)."""
    try:
        put_values(text, {path: "?"})
    except DataError:
        return False
    return True
