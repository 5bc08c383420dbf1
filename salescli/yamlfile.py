"""How customer YAML is read and edited — the only module that knows YAML's text.

Reading is safe (no Python tags, no aliases) and fast (the C loader when present). Writing is
surgical: new text is spliced in at the offsets PyYAML's composer reports, so every other byte of
the file — comments, key order, blank lines, quoting — stays as the user left it. Each edit is
checked by parsing the result and comparing it with what was meant; a mismatch is refused.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from typing import Any, Mapping, Sequence

import yaml

from salescli.errors import DataError

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


def _load_with_plain_log(text: str) -> dict[str, Any] | None:
    """The document, when its log is all plain one-line items; else None (for PyYAML to read)."""
    if text.startswith(f"{LOG_KEY}:"):
        start = 0
    else:
        start = text.rfind(f"\n{LOG_KEY}:") + 1
        if start == 0:
            return None
    header_end = text.find("\n", start)
    if header_end == -1 or text[start + len(LOG_KEY) + 1:header_end].strip() or "\r" in text:
        return None
    log_text = text[header_end + 1:]
    if _NEVER.search(log_text):  # control characters, line separators, a byte-order mark: PyYAML decides
        return None
    log = _plain_log(log_text.split("\n"))
    profile_text = text[:start]
    if log is None or _DOCUMENT_MARKER.search(profile_text):
        return None
    try:  # the part above `log:` must be a whole mapping on its own (not, say, an open quote)
        profile = yaml.load(profile_text, Loader=_Loader) if profile_text.strip() else {}
    except yaml.YAMLError:
        return None
    if not isinstance(profile, dict):
        return None
    profile[LOG_KEY] = log  # as YAML would: the last `log:` key wins
    return profile


def _plain_log(lines: list[str]) -> list[dict[Any, Any]] | None:
    items: list[dict[Any, Any]] = []
    indent = None
    known = _plain_scalars
    for line in lines:
        match = _ITEM.fullmatch(line)
        if match is None:
            if _SKIPPED.fullmatch(line):
                continue
            return None
        if indent is None:
            indent = match.group(1)
        elif match.group(1) != indent:
            return None
        item = {}
        for key, value in [(match.group(2), match.group(3)), *_PAIRS.findall(match.group(4))]:
            key = known[key] if key in known else _plain_scalar(key)
            if value[0] in "\"'":
                value = value[1:-1]
            else:
                value = known[value] if value in known else _plain_scalar(value)
            if type(key) is not str or value is _UNUSUAL:
                return None
            item[key] = value
        items.append(item)
    return items or None


_UNUSUAL = object()
_plain_scalars: dict[str, Any] = {}  # text → value: all of them immutable (str, int, float, bool, None, date)


def _plain_scalar(text: str) -> Any:
    """A plain scalar as PyYAML reads it (its resolver's tag, its constructors' value), memoised."""
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


class YamlProblem(Exception):
    """Text that is not acceptable YAML; line and column are 1-based."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def load(text: str, *, loader: type | None = None) -> Any:
    """Parse one YAML document safely; raise YamlProblem with the place of the error."""
    loader = loader or _Loader
    try:
        if "&" in text or "*" in text:
            _refuse_aliases(text, loader)
        if loader is _Loader:
            document = _load_with_plain_log(text)
            if document is not None:
                return document
        return yaml.load(text, Loader=loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "not valid YAML"
        if mark is None:
            raise YamlProblem(problem) from None
        raise YamlProblem(_problem_text(problem), mark.line + 1, mark.column + 1) from None
    except yaml.YAMLError as error:
        raise YamlProblem(f"not valid YAML: {error}") from None
    except (ValueError, OverflowError):  # a scalar that looks like a date but is none (2026-13-01)
        raise _bad_timestamp(text) from None


def _bad_timestamp(text: str) -> YamlProblem:
    """Find the date-like scalar that the loader could not turn into a date."""
    constructor = yaml.constructor.SafeConstructor()
    stack = [yaml.compose(text, Loader=_EditLoader)]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":timestamp"):
            try:
                constructor.construct_yaml_timestamp(node)
            except (ValueError, OverflowError):
                mark = node.start_mark
                return YamlProblem(f"'{node.value}' is not a valid date; write YYYY-MM-DD",
                                   mark.line + 1, mark.column + 1)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            stack.extend(value for _, value in reversed(node.value))
    return YamlProblem("a value could not be read (not a valid date or number?)")


def _problem_text(problem: str) -> str:
    if "could not determine a constructor" in problem:
        return "tags like !!python are not allowed in customer files; remove the tag"
    return f"{problem} (YAML syntax: fix the file here)"


def _refuse_aliases(text: str, loader: type) -> None:
    for event in yaml.parse(text, Loader=loader):
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent) or anchor:
            mark = event.start_mark
            raise YamlProblem(
                "anchors and aliases (&name, *name) are not allowed in customer files; write the value out",
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
    if _reads_back_plain(text, flow=flow):
        return text
    # A JSON string is a valid YAML double-quoted scalar once the characters YAML does not accept
    # raw in a file (DEL, C1 controls, surrogates, U+FFFE/U+FFFF) or read as line breaks are escaped too.
    return _UNSAFE_RAW.sub(_escaped, json.dumps(text, ensure_ascii=False))


_UNSAFE_RAW = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


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
    except yaml.YAMLError:
        return False


def format_flow_mapping(item: Mapping[str, Any]) -> str:
    """`{date: 2026-11-26, event: won, value: 48000}`: one event, one line, easy to diff and grep."""
    parts = (f"{key}: {format_scalar(value, flow=True)}" for key, value in item.items() if value is not None)
    return "{" + ", ".join(parts) + "}"


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
        raise DataError("`log:` is not a block list (`- {…}` one per line); salescli will not rewrite it")
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


def _verify_plain_append(old: Mapping[str, Any], new_text: str, gaps: Mapping[int, Sequence[Mapping[str, Any]]]) -> bool:
    """Whether the result reads as meant; False when the quick reading cannot tell (an added value it
    leaves to PyYAML); a result that reads otherwise is refused."""
    new = _load_with_plain_log(new_text)
    if new is None:
        return False
    if new != {**old, LOG_KEY: _with_gaps(list(old[LOG_KEY]), gaps)}:
        raise DataError("the log could not be extended safely (the result would read differently); "
                        "the file was not changed — check that `log:` is the last key")
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
    return sorted(items, key=lambda item: item.get("date") or date.min)


def _insert_lines(text: str, offset: int, items: Sequence[Mapping[str, Any]], indent: str, newline: str) -> str:
    prefix = text[:offset]
    if prefix and not prefix.endswith("\n"):
        prefix += newline
    block = "".join(f"{indent}- {format_flow_mapping(item)}{newline}" for item in items)
    return prefix + block + text[offset:]


def _first_later(log: Any, day: Any) -> int | None:
    """Where an event dated `day` goes: the index of the first of the events at the end of the log
    dated after it, or None for the very end."""
    if not isinstance(log, list) or not isinstance(day, date):
        return None
    position = len(log)
    for index in range(len(log) - 1, -1, -1):
        other = log[index].get("date") if isinstance(log[index], Mapping) else None
        if isinstance(other, date) and other > day:
            position = index
        else:
            break
    return position if position < len(log) else None


def compose(text: str) -> yaml.Node:
    """The node tree of `text`, with marks that index the Python string exactly."""
    node = yaml.compose(text, Loader=_EditLoader)
    if node is None:
        raise DataError("the file is empty")
    return node


def _compose_root(text: str) -> yaml.MappingNode:
    try:
        root = yaml.compose(text, Loader=_EditLoader)
    except yaml.YAMLError as error:
        raise DataError(f"cannot edit a file that is not valid YAML ({error})") from None
    if not isinstance(root, yaml.MappingNode):
        raise DataError("the file is not a mapping of keys; salescli will not edit it")
    return root


def _log_entry(root: yaml.MappingNode) -> tuple[yaml.Node, yaml.Node]:
    entries = [(key, value) for key, value in root.value if key.value == LOG_KEY]
    if len(entries) != 1:
        raise DataError("the file has no single top-level `log:` key; add `log:` as the last line")
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
            raise DataError("the log could not be extended safely (the result would read differently); "
                            "the file was not changed — check that `log:` is the last key")


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
            raise DataError(f"the template has no plain value at `{path}`")
        edits.append(_scalar_edit(text, node, format_scalar(value)))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    _verify_values(text, values)
    return text


def _scalar_edit(text: str, node: yaml.ScalarNode, replacement: str) -> tuple[int, int, str]:
    """Replace a scalar's text; an empty value takes the padding before a trailing comment,
    so `field:        # 领域` becomes `field: construction # 领域`, not a shifted comment."""
    start, end = node.start_mark.index, node.end_mark.index
    if start != end:
        return start, end, replacement
    line_end = text.find("\n", start)
    rest = text[start : len(text) if line_end < 0 else line_end]
    padding = len(rest) - len(rest.lstrip(" "))
    if rest.strip().startswith("#"):
        taken = max(0, min(padding - 1, len(replacement) + 1))
        return start, start + taken, " " + replacement
    return start, start, ("" if text[:start].endswith(" ") else " ") + replacement


def _node_at(root: yaml.Node, path: str) -> yaml.Node | None:
    node: yaml.Node | None = root
    for part in path.split("."):
        node = _child(node, part)
    return node


def _verify_values(text: str, values: Mapping[str, Any]) -> None:
    document = load(text)
    for path, value in values.items():
        found: Any = document
        for part in path.split("."):
            found = found.get(part) if isinstance(found, Mapping) else None
        if found != _as_loaded({"v": value})["v"]:
            raise DataError(f"could not set `{path}` to {value!r} safely")


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



# ---- adding keys a document lacks ------------------------------------------------------------

def put_values(text: str, values: Mapping[str, Any]) -> str:
    """`text` with each dotted path holding its value: a scalar already there is replaced in place
    (as `set_values` does); a key the document lacks is added under its parent, a top-level one
    before the `log:` section; a list or a mapping is written as block lines under its key (a list
    of mappings one `- {…}` line each, as `trust.people` is kept). A path under a value that is not
    a mapping is refused. The result is read back by both loaders and compared with what was meant."""
    return _put(text, [(tuple(path.split(".")), value) for path, value in values.items()], flow=False)


def filled_template(template: str, values: Mapping[str, Any], items: Sequence[Mapping[str, Any]]) -> str:
    """A new customer's text: the template with its profile `values` (by dotted key) and `items` in its log."""
    text = put_values(template, values)
    return append_to_log(text, items) if items else text


def put_entries(text: str, key: str, entries: Mapping[str, Mapping[str, Any]]) -> str:
    """`text` with each entry added to the top-level mapping `key` (made at the end when missing),
    one `name: {…}` line each (a rep's team in salescli.yaml: the names may hold dots)."""
    return _put(text, [((key, name), dict(entry)) for name, entry in entries.items()], flow=True)


def can_put(text: str, path: str) -> bool:
    """Whether `put_values` can place a value at `path` (no scalar, list or flow mapping in its way)."""
    try:
        return _place(_compose_root(text), tuple(path.split(".")), text) is not None
    except DataError:
        return False


def _put(text: str, placed: Sequence[tuple[tuple[str, ...], Any]], *, flow: bool) -> str:
    old = load(text) if text.strip() else {}
    if not isinstance(old, Mapping):
        raise DataError("the file is not a mapping of keys; salescli will not edit it")
    root = _compose_root(text) if text.strip() else None
    scalars = {".".join(parts): value for parts, value in placed
               if root is not None and not isinstance(value, (list, dict))
               and all("." not in part for part in parts)
               and isinstance(_node_at(root, ".".join(parts)), yaml.ScalarNode)}
    result = set_values(text, scalars) if scalars else text
    for parts, value in placed:
        if ".".join(parts) not in scalars:
            result = _put_one(result, parts, value, flow=flow)
    expected = _loaded_form(old)
    for parts, value in placed:
        target = expected
        for part in parts[:-1]:
            if not isinstance(target.get(part), dict):
                target[part] = {}
            target = target[part]
        target[parts[-1]] = _loaded_form(value)
    for loader in {_Loader, _EditLoader}:
        try:
            new = load(result, loader=loader)
        except YamlProblem:
            new = None
        if new != expected:
            raise DataError(f"could not add {', '.join('.'.join(parts) for parts, _ in placed)} safely")
    return result


def _loaded_form(value: Any) -> Any:
    """A value as it reads back from YAML (Decimals as int or float, containers copied)."""
    if isinstance(value, Mapping):
        return {key: _loaded_form(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_loaded_form(item) for item in value]
    return _as_loaded({"v": value})["v"] if isinstance(value, Decimal) else value


def _put_one(text: str, parts: tuple[str, ...], value: Any, *, flow: bool) -> str:
    newline = "\r\n" if "\r\n" in text else "\n"
    if not text.strip():
        return "".join(line + newline for line in _block_lines(parts, value, "", flow=flow))
    root = _compose_root(text)
    place = _place(root, parts, text)
    if place is None:
        raise DataError(f"cannot add `{'.'.join(parts)}`: a value that is not a mapping is in its way")
    offset, indent, remaining = place
    lines = _block_lines(remaining, value, indent, flow=flow)
    prefix = text[:offset] if not offset or text[:offset].endswith("\n") else text[:offset] + newline
    return prefix + "".join(line + newline for line in lines) + text[offset:]


def _place(root: yaml.MappingNode, parts: tuple[str, ...], text: str) -> tuple[int, str, tuple[str, ...]] | None:
    """Where the lines for `parts` go: the offset, their indent and the keys still to write; None when
    a scalar with a value, a list or a flow mapping is in the way."""
    node: yaml.Node = root
    key_node: yaml.Node | None = None
    for depth, part in enumerate(parts):
        if not isinstance(node, yaml.MappingNode):
            break
        pair = next(((k, v) for k, v in node.value if k.value == part), None)
        if pair is None:
            break
        key_node, node = pair
    else:
        depth = len(parts)
    if depth == len(parts):  # the whole path is there: only an empty value can take a list or a mapping
        if key_node is None or not _is_empty(node):
            return None
        return _end_of_line(text, key_node.end_mark.index), " " * key_node.start_mark.column, ()
    if node is root:
        return _before_log(text, root), "", parts[depth:]
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        first_key, _ = node.value[0]
        _, last_value = node.value[-1]
        return _end_of_line(text, content_end(text, last_value)), " " * first_key.start_mark.column, parts[depth:]
    if key_node is not None and _is_empty(node):
        return _end_of_line(text, key_node.end_mark.index), " " * (key_node.start_mark.column + 2), parts[depth:]
    return None


def _before_log(text: str, root: yaml.MappingNode) -> int:
    """Where a new top-level key goes: above the `log:` key and the comments and blank line over it
    (the end of the file when there is no log)."""
    log_key = next((key for key, _ in root.value if key.value == LOG_KEY), None)
    if log_key is None:
        return len(text)
    at = text.rfind("\n", 0, log_key.start_mark.index) + 1
    while at > 0:
        above = text.rfind("\n", 0, at - 1) + 1
        line = text[above:at].strip()
        if line.startswith("#"):
            at = above
            continue
        if not line:
            at = above
        break
    return at


def _block_lines(parts: tuple[str, ...], value: Any, indent: str, *, flow: bool) -> list[str]:
    """The lines that write `value` at the keys `parts` (none: the value alone, under a key already there)."""
    if not parts:
        if isinstance(value, list):
            return [f"{indent}- {_flow(item)}" for item in value]
        return [line for key, item in value.items() for line in _block_lines((str(key),), item, indent, flow=flow)]
    key = format_scalar(parts[0])
    if len(parts) > 1:
        return [f"{indent}{key}:", *_block_lines(parts[1:], value, indent + "  ", flow=flow)]
    if isinstance(value, (list, dict)) and value and not (flow and isinstance(value, dict)):
        inner = indent if isinstance(value, list) else indent + "  "
        return [f"{indent}{key}:", *_block_lines((), value, inner, flow=flow)]
    return [f"{indent}{key}: {_flow(value) if isinstance(value, (list, dict)) else format_scalar(value)}".rstrip()]


def _flow(value: Any) -> str:
    """A value on one line in YAML's flow style."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{format_scalar(str(key), flow=True)}: {_flow(item)}"
                               for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    return "null" if value is None else format_scalar(value, flow=True)
