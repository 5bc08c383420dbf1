"""The text side of the merge driver (see merge.py): where keys, key people and events stand in a
customer file's text; git's line merge with its conflicting hunks settled line by line (comments kept);
a text brought to what the merge means by splicing in lines from the side a value comes from; and
conflict markers around one key, one key person or one event."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from difflib import SequenceMatcher
from functools import cached_property
from typing import Any, Mapping, NamedTuple

import yaml

from salescli import yamlfile
from salescli.errors import UnsafeMerge, YamlProblem
from salescli.i18n import _

LOG = yamlfile.LOG_KEY
OURS, SEPARATOR, THEIRS = "<<<<<<< ours\n", "=======\n", ">>>>>>> theirs\n"


class Name(NamedTuple):
    """A step of a key path into a list of named entries (the key people): the entry of that name."""

    name: str


Path = tuple[Any, ...]  # keys from the top, a Name for an entry of a list of named entries
MISSING: Any = object()


def event_key(item: Any) -> str:
    """An event as a comparable string: equal for equal events (whatever the order of their keys)."""
    if isinstance(item, dict) and all(type(value) in _FLAT for value in item.values()):
        try:
            return repr(sorted(item.items()))
        except TypeError:  # (keys that do not compare)
            pass
    import json

    return json.dumps(item, sort_keys=True, default=repr, ensure_ascii=False)


_FLAT = {str, int, float, bool, type(None), date, datetime}


def mapping(document: Any) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise YamlProblem(_("a customer file must be a mapping"))
    return document


def log_of(document: Mapping[str, Any]) -> list[Any]:
    log = document.get(LOG)
    return log if isinstance(log, list) else []


def leaves(document: Mapping[Any, Any], prefix: Path = ()) -> dict[Path, Any]:
    """Profile values by key path: mappings are walked into, a list of named entries gives an entry
    per name (so that two reps' key people merge person by person), anything else is one value."""
    found: dict[Path, Any] = {}
    for key, value in document.items():
        if not prefix and key == LOG:
            continue
        path = (*prefix, key)
        if isinstance(value, dict) and value:
            found.update(leaves(value, path))
        elif _named(value):
            found.update({(*path, Name(item["name"])): item for item in value})
        else:
            found[path] = value
    return found


def _named(value: Any) -> bool:
    if not isinstance(value, list) or not value:
        return False
    names = [item.get("name") if isinstance(item, dict) else None for item in value]
    return all(isinstance(name, str) and name for name in names) and len(set(names)) == len(names)


def split_log(text: str) -> tuple[str, str]:
    """(the part above the last top-level `log:` line, the rest); (text, "") without one."""
    at = 0 if text.startswith(f"{LOG}:") else text.rfind(f"\n{LOG}:") + 1
    if at == 0 and not text.startswith(f"{LOG}:"):
        return text, ""
    return text[:at], text[at:]


class Version:
    """One of the three texts, read: its profile by key path, its log, where its keys and events stand."""

    def __init__(self, text: str) -> None:
        self.text = text
        found: list[yamlfile.Duplicate] = []
        self.document = mapping(yamlfile.load(text, duplicates=found)) if text.strip() else {}
        self.duplicates = len(found)
        self.leaves = leaves(self.document)
        self.log = log_of(self.document)

    @cached_property
    def keys(self) -> list[str]:
        """Its log's events as event_key gives them."""
        return list(map(event_key, self.log))

    @cached_property
    def head(self) -> str:
        return split_log(self.text)[0]

    @cached_property
    def root(self) -> yaml.Node | None:
        return _root(self.head)

    @cached_property
    def tail(self) -> str:
        return split_log(self.text)[1]

    @cached_property
    def events(self) -> list[Span]:
        return event_spans(self.tail, len(self.log))

    def lines(self, path: Path, column: int) -> str | None:
        """The lines of the key or entry at `path`, at `column`; None where they are not whole lines."""
        try:
            place = find(self.head, self.root, path)
        except UnsafeMerge:
            return None
        return None if place is None else reindented(self.head[place.start:place.end], place.column, column)

    def value(self, path: Path) -> Any:
        value: Any = self.document
        for step in path:
            value = _step(value, step)
        return value

    def event(self, index: int, column: int, *, comments: bool = False) -> str:
        """Event `index`'s lines as written on this side (with the comment lines above it), at `column`."""
        span = self.events[index]
        text = reindented(self.tail[span.comments if comments else span.start:span.end], span.column, column)
        if text is None:
            raise UnsafeMerge("an event's lines cannot be moved to another indentation")
        return text


def _step(value: Any, step: Any) -> Any:
    """What a key, or a Name, holds in a value (MISSING where it holds nothing of that name)."""
    if isinstance(step, Name):
        items = value if isinstance(value, list) else []
        return next((item for item in items if isinstance(item, dict) and item.get("name") == step.name), MISSING)
    return value.get(step, MISSING) if isinstance(value, dict) else MISSING


def _root(text: str) -> yaml.Node | None:
    return yamlfile.compose(text) if text.strip() else None


def reindented(text: str, column: int, to: int) -> str | None:
    """Lines moved from `column` to `to`; None when a line has too little indentation to move left."""
    if column == to:
        return text
    lines = text.splitlines(keepends=True)
    if to > column:
        return "".join(" " * (to - column) + line if line.strip() else line for line in lines)
    cut = column - to
    if any(line.strip() and not line.startswith(" " * cut) for line in lines):
        return None
    return "".join(line[cut:] if line.strip() else line for line in lines)


# ---- where a key or an entry stands -----------------------------------------------------------

@dataclass(frozen=True)
class Place:
    """A key with its value, or an entry of a list: its whole lines [start, end) and its column."""

    start: int
    end: int
    column: int
    node: yaml.Node  # the value (for an entry: the entry)


def find(text: str, root: yaml.Node | None, path: Path) -> Place | None:
    """Where the key or entry at `path` stands in `text`; None when it is missing or not on lines of its own."""
    depth, place = reach(text, root, path)
    return place if depth == len(path) else None


def reach(text: str, root: yaml.Node | None, path: Path) -> tuple[int, Place | None]:
    """How many steps of `path` are in `text`, and where the last one found stands (None: the top)."""
    node, place = root, None
    for depth, step in enumerate(path):
        pair = _child(node, step)
        if pair is None:
            return depth, place
        first, node = pair
        place = _place(text, first, node, entry=isinstance(step, Name))
        if place is None:
            raise UnsafeMerge("a key or entry to merge is not on lines of its own")
    return len(path), place


def _child(node: yaml.Node | None, step: Any) -> tuple[yaml.Node, yaml.Node] | None:
    """(the node that starts its lines, the value) of a key or a named entry."""
    if isinstance(step, Name) and isinstance(node, yaml.SequenceNode):
        item = next((item for item in node.value if _name_of(item) == step.name), None)
        return None if item is None else (item, item)
    if not isinstance(step, Name) and isinstance(node, yaml.MappingNode):
        return next(((key, value) for key, value in node.value if getattr(key, "value", None) == str(step)), None)
    return None


def _name_of(item: yaml.Node) -> str | None:
    if isinstance(item, yaml.MappingNode):
        return next((value.value for key, value in item.value if getattr(key, "value", None) == "name"
                     and isinstance(value, yaml.ScalarNode)), None)
    return None


def _place(text: str, first: yaml.Node, value: yaml.Node, *, entry: bool) -> Place | None:
    start = text.rfind("\n", 0, first.start_mark.index) + 1
    lead = text[start:first.start_mark.index]
    if lead.strip(" ") != ("-" if entry else ""):
        return None  # not the first thing on its line (a flow mapping, `- key:` of a block entry)
    column = len(lead) - len(lead.lstrip(" "))
    return Place(start, _end_of_line(text, yamlfile.content_end(text, value)), column, value)


def _end_of_line(text: str, index: int) -> int:
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


def _after(text: str, index: int, column: int) -> int:
    """After the line at `index` and the comment lines indented under it (they belong to it)."""
    at = _end_of_line(text, index)
    while at < len(text):
        line = text[at:_end_of_line(text, at)]
        if not line.lstrip(" ").startswith("#") or len(line) - len(line.lstrip(" ")) <= column:
            break
        at += len(line)
    return at


# ---- a profile brought to what the merge means ------------------------------------------------

def reconciled_profile(head: str, meant: dict[Path, Any], ours: Version, theirs: Version) -> str:
    """`head` (the part above `log:`) with every value as `meant`, one key or entry at a time (the
    deepest first: an entry before the list it is in), each from the side that has it as meant."""
    for _attempt in range(2 * len(meant) + 20):
        document = mapping(yamlfile.load(head)) if head.strip() else {}
        if LOG in document:
            raise UnsafeMerge("`log:` is not the last key")
        have = leaves(document)
        wrong = [path for path in dict.fromkeys([*meant, *have])
                 if have.get(path, MISSING) != meant.get(path, MISSING) and not _above(path, meant)]
        if not wrong:
            return head
        path = max(wrong, key=len)
        fixed = _fixed(head, path, meant.get(path, MISSING), ours, theirs)
        if fixed == head:
            break
        head = fixed
    raise UnsafeMerge("the merged profile would not read back as meant")


def _above(path: Path, meant: dict[Path, Any]) -> bool:
    """Whether keys or entries are meant under `path` (then it is what holds them, not a value)."""
    return any(len(other) > len(path) and other[:len(path)] == path for other in meant)


def _fixed(head: str, path: Path, value: Any, ours: Version, theirs: Version) -> str:
    root = _root(head)
    place = find(head, root, path)
    if value is MISSING:
        if place is None:
            raise UnsafeMerge("a key to remove is not on lines of its own")
        return head[:place.start] + head[place.end:]
    source = next((side for side in (theirs, ours) if side.leaves.get(path, MISSING) == value), None)
    if place is None:
        return _inserted(head, root, path, value, source)
    if _plain(place, path, value):
        return yamlfile.set_values(head, {".".join(path): value})  # (keeps the comment after it in its column)
    return head[:place.start] + _lines(source, path, len(path) - 1, value, place.column) + head[place.end:]


def _plain(place: Place, path: Path, value: Any) -> bool:
    """Whether the value at `path` is a scalar that set_values can replace, as `salescli set` does."""
    return isinstance(place.node, yaml.ScalarNode) and value is not None and not isinstance(value, (dict, list)) \
        and all(isinstance(step, str) and "." not in step for step in path)


def _lines(source: Version | None, path: Path, depth: int, value: Any, column: int) -> str:
    """Lines for the step of `path` at `depth` and what it holds: the side's it comes from, else written out."""
    lines = source.lines(path[:depth + 1], column) if source is not None else None
    return lines if lines is not None else _generated(path[depth:], value, column)


def _inserted(head: str, root: yaml.Node | None, path: Path, value: Any, source: Version | None) -> str:
    """`head` with the key or entry at `path` added: their lines (or ours) for the first step missing."""
    depth, place = reach(head, root, path)
    holder = place.node if place is not None else root
    if holder is None:  # nothing above `log:`
        return _lines(source, path, 0, value, 0) + head
    at, column = _new_place(head, holder, path[depth], source, path[:depth])
    if at is None:
        return _under_empty(head, holder, path, depth, value)
    prefix = head[:at] if not head[:at] or head[:at].endswith("\n") else head[:at] + "\n"
    return prefix + _lines(source, path, depth, value, column) + head[at:]


def _under_empty(head: str, holder: yaml.Node, path: Path, depth: int, value: Any) -> str:
    """A key or entry added under an empty key (`contact:`, `people:  # …`), as `salescli set` adds one."""
    if not _empty(holder) or not all(isinstance(step, str) for step in path[:depth]):
        raise UnsafeMerge("a value cannot be added where the other side has something else")
    if isinstance(path[depth], Name) and depth == len(path) - 1:
        return yamlfile.add_list_item(head, path[:depth], value)
    return yamlfile.edit_profile(head, {tuple(path): value})


def _empty(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null") and node.value in ("", "~", "null")


def _new_place(text: str, holder: yaml.Node, step: Any, source: Version | None,
               prefix: Path) -> tuple[int | None, int]:
    """Where a new key (after the one before it on the side it comes from) or entry (last) goes
    in a block mapping or list, and its column; (None, 0) where it cannot go in lines of its own."""
    if getattr(holder, "flow_style", False) or not isinstance(holder, (yaml.MappingNode, yaml.SequenceNode)) \
            or not holder.value or isinstance(step, Name) != isinstance(holder, yaml.SequenceNode):
        return None, 0
    items = [pair[0] if isinstance(pair, tuple) else pair for pair in holder.value]
    lead = text[text.rfind("\n", 0, items[0].start_mark.index) + 1:items[0].start_mark.index]
    column = len(lead) - len(lead.lstrip(" "))
    if isinstance(holder, yaml.SequenceNode):  # (right after the last entry: comment lines below are the list's)
        return _end_of_line(text, yamlfile.content_end(text, holder.value[-1])), column
    keys = {key.value: value for key, value in holder.value}
    before = _keys_before(source, prefix, step)
    last = next((keys[key] for key in reversed(before) if key in keys), holder.value[-1][1])
    return _after(text, yamlfile.content_end(text, last), column), column


def _keys_before(source: Version | None, prefix: Path, step: Any) -> list[str]:
    """The keys before `step` in the mapping at `prefix` on the side a new key comes from."""
    holder = source.value(prefix) if source is not None else MISSING
    keys = [str(key) for key in holder] if isinstance(holder, dict) else []
    return keys[:keys.index(str(step))] if str(step) in keys else []


def _generated(path: Path, value: Any, column: int) -> str:
    """Lines for a value no side has as lines of its own: `key:` lines down to it, then it in flow style."""
    indent = " " * column
    step, rest = path[0], path[1:]
    if isinstance(step, Name):
        return f"{indent}- {_flow(_nested(rest, value))}\n"
    if rest:
        return f"{indent}{yamlfile.format_scalar(step)}:\n" + _generated(rest, value, column + (
            0 if isinstance(rest[0], Name) else 2))
    return f"{indent}{yamlfile.format_scalar(step)}: {_flow(value)}".rstrip(" ") + "\n"


def _nested(path: Path, value: Any) -> Any:
    for step in reversed(path):
        value = [value] if isinstance(step, Name) else {step: value}
    return value


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{yamlfile.format_scalar(key, flow=True)}: {_flow(item)}"
                               for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    return repr(value) if isinstance(value, float) else yamlfile.format_scalar(value, flow=True)


def marked_profile(head: str, conflicts: list[Path], ours: Version, theirs: Version) -> str:
    """Conflict markers around each conflicting key or entry alone: our lines, then theirs. Where
    we have no such key, the markers stand where theirs would go (an empty side: we deleted it)."""
    if not conflicts:
        return head
    root = _root(head)
    blocks: dict[tuple[int, int], list[str]] = {}
    for path in conflicts:
        start, end, column, at = _conflict_place(head, root, path, theirs)
        their = theirs.value(at)
        lines = "" if their is MISSING else theirs.lines(at, column) or _generated(at[-1:], their, column)
        blocks.setdefault((start, end), [])
        if lines not in blocks[start, end]:
            blocks[start, end].append(lines)
    spans = sorted(blocks)
    if any(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:])):
        raise UnsafeMerge("two conflicts overlap")
    for start, end in reversed(spans):
        mine = head[start:end] if not head[start:end] or head[start:end].endswith("\n") else head[start:end] + "\n"
        head = head[:start] + OURS + mine + SEPARATOR + "".join(blocks[start, end]) + THEIRS + head[end:]
    return head


def _conflict_place(head: str, root: yaml.Node | None, path: Path, theirs: Version) -> tuple[int, int, int, Path]:
    """The span of our lines for a conflict, the column of theirs, and the path whose lines are theirs."""
    depth, place = reach(head, root, path)
    if depth == len(path) and place is not None:
        return place.start, place.end, place.column, path
    holder = place.node if place is not None else root
    at, column = _new_place(head, holder, path[depth], theirs, path[:depth]) if holder is not None else (len(head), 0)
    if at is not None:
        return at, at, column, path[:depth + 1]
    if place is None:
        raise UnsafeMerge("a conflict has no place in our text")
    return place.start, place.end, place.column, path[:depth]


# ---- the log ----------------------------------------------------------------------------------

class Span(NamedTuple):
    """An event's lines: the comment lines above it from `comments`, its own from `start` to `end`."""

    comments: int
    start: int
    end: int
    column: int


def event_spans(tail: str, count: int) -> list[Span]:
    """Where each of the `count` events of a log (`tail` starts with `log:`) stands."""
    spans = _plain_spans(tail)
    if spans is None or len(spans) != count:
        spans = _composed_spans(tail)
    if len(spans) != count:
        raise UnsafeMerge("a log that is not a block list cannot be merged event by event")
    return spans


def _plain_spans(tail: str) -> list[Span] | None:
    """The spans read from the lines: each `- ` at one column starts an event, lines right after it
    indented deeper continue it; None for anything else (then the text is composed)."""
    spans: list[Span] = []
    column = None
    at = above = _end_of_line(tail, 0)  # `above`: where the comment lines above the next event start
    while at < len(tail):
        end = _end_of_line(tail, at)
        line = tail[at:end]
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if _comment_only(line):
            at = end
            continue
        if column is not None and indent > column and spans and spans[-1].end == at:
            spans[-1] = spans[-1]._replace(end=end)  # a line of a block event
        elif (stripped.startswith("- ") or stripped.rstrip("\r\n") == "-") and column in (None, indent):
            column = indent
            spans.append(Span(above, at, end, indent))
        else:
            return None
        at = above = end
    return spans


def _composed_spans(tail: str) -> list[Span]:
    root = _root(tail)
    log = next((value for key, value in getattr(root, "value", []) if getattr(key, "value", None) == LOG), None)
    if not isinstance(log, yaml.SequenceNode) or log.flow_style:
        return []
    spans = []
    previous = _end_of_line(tail, 0)
    for node in log.value:
        start = tail.rfind("\n", 0, node.start_mark.index) + 1
        lead = tail[start:node.start_mark.index]
        if lead.strip(" ") != "-":
            return []
        end = _end_of_line(tail, yamlfile.content_end(tail, node))
        spans.append(Span(previous, start, end, len(lead) - len(lead.lstrip(" "))))
        previous = end
    return spans


def reconciled_log(tail: str, held: list[tuple[str, int]], ours: Version, theirs: Version) -> str:
    """`tail` (from `log:` on) holding the events `held` (side, index), in that order: events that
    are not as meant are replaced or added with the lines of the side they come from, comments too."""
    sides = {"ours": ours, "theirs": theirs}
    meant = [sides[side].keys[index] for side, index in held]
    have = [event_key(item) for item in _tail_log(tail)]
    if have == meant:
        return tail
    if not tail:
        raise UnsafeMerge("the file has no `log:` to add events to")
    spans = event_spans(tail, len(have))
    column = spans[0].column if spans else sides[held[0][0]].events[held[0][1]].column
    written = _Written([sides[side] for side, _index in held], [index for _side, index in held], column,
                       {line for line in tail.splitlines(keepends=True) if line.lstrip(" ").startswith("#")})
    edits = [edit for opcode in SequenceMatcher(None, have, meant, autojunk=False).get_opcodes()
             for edit in _log_edits(tail, spans, opcode, written)]
    for start, end, replacement in sorted(edits, key=lambda edit: (edit[0], edit[1]), reverse=True):
        tail = tail[:start] + replacement + tail[end:]
    return tail


def _tail_log(tail: str) -> list[Any]:
    document = mapping(yamlfile.load(tail)) if tail.strip() else {}
    if set(document) - {LOG}:
        raise UnsafeMerge("`log:` is not the last key")
    return log_of(document)


@dataclass(frozen=True)
class _Written:
    """The merged log's events as the sides they come from wrote them, at the log's column."""

    sides: list[Version]
    indexes: list[int]
    column: int
    present: set[str]  # the comment lines the log holds already

    def lines(self, number: int, *, comments: bool = False) -> str:
        """Event `number`'s lines; with the comment lines above it, less those the log holds already
        (the other side's, above the place it was added at)."""
        text = self.sides[number].event(self.indexes[number], self.column, comments=comments)
        return "".join(line for line in text.splitlines(keepends=True) if line not in self.present)


def _log_edits(tail: str, spans: list[Span], opcode: tuple[str, int, int, int, int],
               written: _Written) -> list[tuple[int, int, str]]:
    """The edits that make our events `first:last` (of `spans`) the merged events `start:end`: one
    for one replaced (the comment lines above them stay), the rest removed, or added with the comment
    lines above them."""
    operation, first, last, start, end = opcode
    if operation == "equal":
        return []
    paired = min(last - first, end - start)
    edits = [(spans[first + offset].start, spans[first + offset].end, written.lines(start + offset))
             for offset in range(paired)]
    edits += [(spans[at].start, spans[at].end, "") for at in range(first + paired, last)]
    if start + paired < end:
        at = spans[first + paired - 1].end if paired else spans[first].comments if first < len(spans) \
            else _log_end(tail, spans)
        edits.append((at, at, "".join(written.lines(number, comments=True) for number in range(start + paired, end))))
    return edits


def _log_end(tail: str, spans: list[Span]) -> int:
    if spans:
        return spans[-1].end
    header = tail[:_end_of_line(tail, 0)]
    if header.split("#", 1)[0].strip() != f"{LOG}:" or not header.endswith("\n"):
        raise UnsafeMerge("`log:` is not a block list")
    return len(header)


def marked_log(tail: str, conflicts: list[tuple[int, tuple[bool, int | None]]], theirs: Version) -> str:
    """Conflict markers around each conflicting event (`position`: its index among the events the
    log holds; where we deleted it, the markers stand after the event before)."""
    if not conflicts:
        return tail
    spans = event_spans(tail, len(_tail_log(tail)))
    column = spans[0].column if spans else 0
    edits = []
    for number, (position, (ours, their_index)) in enumerate(conflicts):
        their = theirs.event(their_index, column) if their_index is not None else ""
        if ours:
            span = spans[position]
            edits.append((span.start, number, span.end, OURS + tail[span.start:span.end] + SEPARATOR + their + THEIRS))
        else:
            at = spans[position - 1].end if position else _end_of_line(tail, 0)
            edits.append((at, number, at, OURS + SEPARATOR + their + THEIRS))
    for start, _number, end, replacement in sorted(edits, reverse=True):
        tail = tail[:start] + replacement + tail[end:]
    return tail


def side_of(text: str, side: str) -> str:
    """The text with one side of each of our conflict markers taken."""
    kept, taking = [], "both"
    for line in text.splitlines(keepends=True):
        if line in (OURS, SEPARATOR, THEIRS):
            taking = {OURS: "ours", SEPARATOR: "theirs", THEIRS: "both"}[line]
        elif taking in ("both", side):
            kept.append(line)
    return "".join(kept)


# ---- git's line merge, its conflicting hunks settled ------------------------------------------

_MARKS = {"<<<<<<< ours": "ours", "||||||| base": "base", "=======": "theirs", ">>>>>>> theirs": "end"}


def resolve_hunks(merged: str) -> str | None:
    """git merge-file --diff3's text (labels ours, base, theirs) with each conflicting hunk settled
    by `settled`; None if the markers do not read as git writes them."""
    out: list[str] = []
    hunk: dict[str, list[str]] = {}
    section = None
    for line in merged.splitlines(keepends=True):
        mark = _MARKS.get(line.rstrip("\r\n"))
        if mark == "ours" and section is None:
            section, hunk = "ours", {"ours": [], "base": [], "theirs": []}
        elif mark in ("base", "theirs") and section in ("ours", "base"):
            section = mark
        elif mark == "end" and section == "theirs":
            out += settled(hunk["base"], hunk["ours"], hunk["theirs"])
            section = None
        elif section is not None:
            hunk[section].append(line if line.endswith("\n") else line + "\n")
        else:
            out.append(line)
    return None if section is not None else "".join(out)


def settled(base: list[str], ours: list[str], theirs: list[str]) -> list[str]:
    """The lines of a hunk both sides changed, each side's lines paired with the ancestor's by their
    values: a line's value as the side that changed it has it (ours where both did: the merge then
    splices in the value it means), its comment likewise, both sides' comments where both changed one;
    the lines either side added, ours first."""
    if ours == theirs or theirs == base:
        return ours
    if ours == base:
        return theirs
    mine, other = _Counterparts(base, ours), _Counterparts(base, theirs)
    lines: list[str] = []
    for index in range(len(base) + 1):
        lines += mine.added[index] + [line for line in other.added[index] if line not in mine.added[index]]
        if index < len(base):
            lines += _line(base[index], mine.lines[index], other.lines[index])
    return lines


class _Counterparts:
    """A side's lines against the ancestor's: each ancestor line's counterpart (None: deleted), and
    the lines added before each ancestor line (the last: at the end)."""

    def __init__(self, base: list[str], side: list[str]) -> None:
        self.lines: list[str | None] = [None] * len(base)
        self.added: list[list[str]] = [[] for _ in range(len(base) + 1)]
        was, now = _contents(base), _contents(side)
        for operation, first, last, start, end in SequenceMatcher(None, was, now, autojunk=False).get_opcodes():
            pending: list[str] = []
            for at, pair in zip(range(start, end), _pairs(was[first:last], now[start:end], first)):
                if pair is None:
                    pending.append(side[at])
                else:
                    self.lines[pair], self.added[pair] = side[at], self.added[pair] + pending
                    pending = []
            self.added[last] += pending


def _pairs(was: list[str], now: list[str], offset: int) -> list[int | None]:
    """For each line of `now`, the ancestor line (offset + its index in `was`) it is a changed version
    of, in order: the first of those left that holds the same key (None: a line added)."""
    pairs: list[int | None] = []
    after = 0
    for line in now:
        index = next((index for index in range(after, len(was)) if _identity(was[index]) == _identity(line)), None)
        pairs.append(None if index is None else offset + index)
        after = after if index is None else index + 1
    return pairs


def _identity(content: str) -> str:
    """What a line is about, whatever it says of it: its indentation and key (`  phone:`), or an
    entry's first key and value (`- {date: 2026-10-05`, `  - {name: 王强`)."""
    if content.lstrip(" ").startswith("- {"):
        return re.split("[,}]", content, maxsplit=1)[0]
    return content.split(":", 1)[0] if ":" in content else content


def _contents(lines: list[str]) -> list[str]:
    return [_split(line)[0] for line in lines]


def _comment_only(line: str) -> bool:
    return not line.strip() or line.lstrip().startswith("#")


def _line(base: str, ours: str | None, theirs: str | None) -> list[str]:
    """One line of the ancestor both sides changed: its value as one side changed it, its comment as
    either or both did; a line one side deleted, gone unless the other changed it (ours then)."""
    if ours is None or theirs is None:
        return [ours] if ours is not None and ours != base else []
    if ours == theirs or theirs == base:
        return [ours]
    if ours == base:
        return [theirs]
    (content, mine), (their_content, their) = _split(ours), _split(theirs)
    if not content.strip() and not their_content.strip():
        return [ours, theirs]  # two comment lines
    base_content, was = _split(base)
    line = theirs if content == base_content else ours
    comment = mine if their in (mine, was, "") else their if mine in (was, "") else f"{mine}  {their}"
    return [line if comment == _split(line)[1] else _commented(line, comment)]


def _commented(line: str, comment: str) -> str:
    """`line` with `comment` in place of its own (where its own stood, or two spaces after the value)."""
    content, own = _split(line)
    body = line.rstrip("\r\n")
    at = body.rindex(own) if own else len(content)
    gap = body[len(content):at] or "  "
    return content + gap + comment + line[len(body):]


_QUOTE_AFTER = re.compile(r"(^|[\[{,]|[:?-]\s)\s*$")  # where a quoted scalar may start


def _split(line: str) -> tuple[str, str]:
    """(a YAML line's content, its comment), its content without the space before the comment."""
    quote = None
    index = 0
    body = line.rstrip("\r\n")
    while index < len(body):
        character = body[index]
        if quote is not None:
            if character == "\\" and quote == '"':
                index += 1
            elif character == quote:
                quote = None
        elif character in "'\"" and _QUOTE_AFTER.search(body[:index]):
            quote = character
        elif character == "#" and (index == 0 or body[index - 1] in " \t"):
            return body[:index].rstrip(" \t"), body[index:]
        index += 1
    return body.rstrip(" \t"), ""
