"""A semantic three-way merge of one customer file, for git's merge driver.

The log is merged against the common ancestor: events either side added are kept (once, in date
order); an event one side deleted or changed, and the other left alone, is deleted or changed;
an event changed differently on both sides (or changed on one and deleted on the other) is a
conflict. The profile is merged key by key against the ancestor; only a key changed differently on
both sides is a conflict. Conflicts get standard markers around that key or event alone. The result
starts from our text, so comments and layout on our side stay; their changes are spliced in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, Callable, Mapping

import yaml

from salescli import yamlfile
from salescli.i18n import _

LOG = yamlfile.LOG_KEY


@dataclass(frozen=True)
class MergeResult:
    text: str
    conflicts: tuple[str, ...]  # dotted keys, and log events, changed differently on both sides


LineMerge = Callable[[str, str, str], "str | None"]


def merge_texts(base: str, ours: str, theirs: str, *, line_merge: LineMerge | None = None) -> MergeResult:
    """Merge three versions of a customer file; raises yamlfile.YamlProblem if one is not YAML (an
    empty base, as git gives when both sides added the file, is an empty customer).

    `line_merge(base, ours, theirs)` (git merge-file) is tried first on the profile part above
    `log:`, so that comments changed on either side survive; when it conflicts or reads wrong, their
    changes are spliced into our text key by key.
    """
    base_doc = _mapping(yamlfile.load(base)) if base.strip() else {}
    our_doc, their_doc = (_mapping(yamlfile.load(text)) for text in (ours, theirs))
    taken, conflicts = _merge_profiles(_leaves(base_doc), _leaves(our_doc), _leaves(their_doc))
    logs = _merge_logs(_log(base_doc), _log(our_doc), _log(their_doc))
    edited = _edit_log(ours, theirs, logs)
    text = _line_merged_profile(base, edited, theirs, _expected(_leaves(our_doc), taken), line_merge) \
        if line_merge and not conflicts and base.strip() else None
    if text is None:
        text = edited
        for path, value in taken.items():
            text = _apply(text, path, value)
    if logs.added:
        text = yamlfile.append_to_log(text, logs.added)
    if conflicts:
        text = _mark_conflicts(text, {path: _leaves(their_doc).get(path, _MISSING) for path in conflicts})
    if logs.conflicts:
        text = _mark_log_conflicts(text, ours, theirs, logs)
    if not conflicts and not logs.conflicts:
        _verify(text, _expected(_leaves(our_doc), taken), [*logs.result, *logs.added])
    return MergeResult(text, (*conflicts, *(conflict.label for conflict in logs.conflicts)))


def _log(document: Mapping[str, Any]) -> list[Any]:
    log = document.get(LOG)
    return log if isinstance(log, list) else []


def _line_merged_profile(base: str, ours: str, theirs: str, leaves: dict[str, Any],
                         line_merge: LineMerge) -> str | None:
    """The part above `log:` merged line by line, with our log below; None unless it reads as meant."""
    heads = [_split(text) for text in (base, ours, theirs)]
    if any(head is None for head in heads):
        return None
    (base_head, _base_log), (our_head, our_log), (their_head, _their_log) = heads  # type: ignore[misc]
    merged = line_merge(base_head, our_head, their_head)
    if merged is None:
        return None
    text = merged + our_log
    try:
        return text if _leaves(_mapping(yamlfile.load(text))) == leaves else None
    except yamlfile.YamlProblem:
        return None


def _split(text: str) -> tuple[str, str] | None:
    """(everything above the `log:` line, the rest) when `log:` is the last top-level key."""
    root = yamlfile.compose(text)
    if not isinstance(root, yaml.MappingNode) or not root.value or root.value[-1][0].value != LOG:
        return None
    at = text.rfind("\n", 0, root.value[-1][0].start_mark.index) + 1
    return text[:at], text[at:]


class UnsafeMerge(Exception):
    """The spliced text would not read as the merge meant: fall back to a line merge."""


def _expected(ours: dict[str, Any], taken: dict[str, Any]) -> dict[str, Any]:
    merged = dict(ours)
    for path, value in taken.items():
        if value is _MISSING:
            merged.pop(path, None)
        else:
            merged[path] = value
    return merged


def _verify(text: str, leaves: dict[str, Any], log: list[Any]) -> None:
    result = _mapping(yamlfile.load(text))
    if _leaves(result) != leaves or sorted(map(_key, result.get(LOG) or [])) != sorted(map(_key, log)):
        raise UnsafeMerge(_("the merged file would not read back as meant"))


def _mapping(document: Any) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise yamlfile.YamlProblem(_("a customer file must be a mapping"))
    return document


_MISSING = object()


def _leaves(document: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Profile values by dotted key; mappings are walked into, anything else is one value."""
    found: dict[str, Any] = {}
    for key, value in document.items():
        if not prefix and key == LOG:
            continue
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            found.update(_leaves(value, path + "."))
        else:
            found[path] = value
    return found


def _merge_profiles(base: dict[str, Any], ours: dict[str, Any],
                    theirs: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Their changes to take (path → value, _MISSING for a removal) and the conflicting paths."""
    taken: dict[str, Any] = {}
    conflicts = []
    for path in dict.fromkeys([*ours, *theirs, *base]):
        o, a, b = base.get(path, _MISSING), ours.get(path, _MISSING), theirs.get(path, _MISSING)
        if a == b or b == o:
            continue
        if a == o:
            taken[path] = b
        else:
            conflicts.append(path)
    return taken, conflicts


def _key(item: Any) -> str:
    return json.dumps(item, sort_keys=True, default=str, ensure_ascii=False)


# ---- the log, three ways --------------------------------------------------------------------

@dataclass(frozen=True)
class LogConflict:
    """An event changed differently on both sides (or changed on one, deleted on the other)."""

    label: str
    ours: int | None  # our event's index (None: we deleted it)
    theirs: int | None  # their event's index (None: they deleted it)
    after: int | None = None  # when we deleted it: the index of our event it came after (None: the start)


@dataclass
class LogMerge:
    """What to do to our log: events to drop, events to replace by theirs (their index), events
    to add, conflicts; and our log as it then reads (before the additions)."""

    dropped: set[int] = field(default_factory=set)
    replaced: dict[int, int] = field(default_factory=dict)
    added: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[LogConflict] = field(default_factory=list)
    result: list[Any] = field(default_factory=list)


class _Side:
    """What one side did to the ancestor's log: which events it kept or changed (ancestor index →
    its index), deleted, and added (its indexes)."""

    def __init__(self, base: list[Any], log: list[Any]) -> None:
        self.kept: dict[int, int] = {}
        self.changed: dict[int, int] = {}
        self.deleted: set[int] = set()
        self.added: list[int] = []
        matcher = SequenceMatcher(None, list(map(_key, base)), list(map(_key, log)), autojunk=False)
        for operation, base_start, base_end, start, end in matcher.get_opcodes():
            if operation == "equal":
                self.kept.update(zip(range(base_start, base_end), range(start, end)))
                continue
            paired = min(base_end - base_start, end - start)  # replaced one for one: changed
            self.changed.update(zip(range(base_start, base_start + paired), range(start, start + paired)))
            self.deleted.update(range(base_start + paired, base_end))
            self.added.extend(range(start + paired, end))

    def index(self, base_index: int) -> int | None:
        return self.kept.get(base_index, self.changed.get(base_index))


def _merge_logs(base: list[Any], ours: list[Any], theirs: list[Any]) -> LogMerge:
    mine, other = _Side(base, ours), _Side(base, theirs)
    merge = LogMerge()
    for position in range(len(base)):
        if position in other.kept or position in mine.deleted and position in other.deleted:
            continue
        our_index, their_index = mine.index(position), other.index(position)
        if position in mine.kept:
            if their_index is None:
                merge.dropped.add(mine.kept[position])
            else:
                merge.replaced[mine.kept[position]] = their_index
        elif our_index is None or their_index is None or _key(ours[our_index]) != _key(theirs[their_index]):
            earlier = (mine.index(before) for before in range(position - 1, -1, -1))
            after = next((index for index in earlier if index is not None), None)
            merge.conflicts.append(LogConflict(_label(base[position]), our_index, their_index, after))
    merge.result = [theirs[merge.replaced[index]] if index in merge.replaced else item
                    for index, item in enumerate(ours) if index not in merge.dropped]
    have: dict[str, int] = {}
    for item in merge.result:
        have[_key(item)] = have.get(_key(item), 0) + 1
    for index in other.added:  # theirs that the result lacks (an event both sides added is kept once)
        key = _key(theirs[index])
        if have.get(key, 0) > 0:
            have[key] -= 1
        elif isinstance(theirs[index], dict):
            merge.added.append(theirs[index])
    return merge


def _label(item: Any) -> str:
    if isinstance(item, Mapping) and item.get("event"):
        return _("log: the {date} {event} event").format(date=item.get("date", "?"), event=item["event"])
    if isinstance(item, Mapping) and item.get("date"):
        return _("log: the event of {date}").format(date=item["date"])
    return _("log: an event")


_PLACEHOLDER = "# salescli merge: conflict {number}\n"


def _edit_log(ours: str, theirs: str, merge: LogMerge) -> str:
    """Our text with their deletions and changes made to our log, and each conflicting event replaced
    by a placeholder comment (the markers go in last: they are not YAML)."""
    if not (merge.dropped or merge.replaced or merge.conflicts):
        return ours
    our_lines, their_lines = _event_lines(ours), _event_lines(theirs)
    if len(our_lines) != len(_log(_mapping(yamlfile.load(ours)))) or \
            len(their_lines) != len(_log(_mapping(yamlfile.load(theirs)))):
        raise UnsafeMerge(_("a log that is not a block list cannot be merged event by event"))
    edits: list[tuple[int, int, str]] = []
    for index in merge.dropped:
        edits.append((*our_lines[index][:2], ""))
    for index, their_index in merge.replaced.items():
        edits.append((*our_lines[index][:2], _reindented(their_lines[their_index], our_lines[index])))
    for number, conflict in enumerate(merge.conflicts):
        placeholder = _PLACEHOLDER.format(number=number)
        if conflict.ours is not None:
            edits.append((*our_lines[conflict.ours][:2], placeholder))
        else:
            at = our_lines[conflict.after][1] if conflict.after is not None else _after_log_key(ours)
            edits.append((at, at, placeholder))
    text = ours
    for start, end, replacement in sorted(edits, key=lambda edit: (edit[0], edit[1]), reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


Lines = tuple[int, int, str, int]  # an event's lines: start, end, the text, its indentation


def _event_lines(text: str) -> list[Lines]:
    """Where each event of the log is in `text`: whole lines (comments at their ends included)."""
    root = yamlfile.compose(text)
    log = next((value for key, value in getattr(root, "value", []) if getattr(key, "value", None) == LOG), None)
    if not isinstance(log, yaml.SequenceNode) or log.flow_style:
        return []
    found = []
    for node in log.value:
        start = text.rfind("\n", 0, node.start_mark.index) + 1
        end = _end_of_line(text, yamlfile.content_end(text, node))
        found.append((start, end, text[start:end] if text[start:end].endswith("\n") else text[start:end] + "\n",
                      node.start_mark.column))
    return found


def _reindented(theirs: Lines, ours: Lines) -> str:
    """Their event's lines as they wrote them, when they sit at our indentation; else written anew."""
    if theirs[3] == ours[3]:
        return theirs[2]
    item = yamlfile.load(f"{LOG}:\n{theirs[2]}")[LOG][0]
    return f"{' ' * ours[3]}- {_flow(item)}\n"


def _after_log_key(text: str) -> int:
    root = yamlfile.compose(text)
    key = next(key for key, _value in root.value if key.value == LOG)
    return _end_of_line(text, key.end_mark.index)


def _mark_log_conflicts(text: str, ours: str, theirs: str, merge: LogMerge) -> str:
    """Replace each placeholder by conflict markers around our event's lines and theirs."""
    our_lines, their_lines = _event_lines(ours), _event_lines(theirs)
    indent = our_lines[0] if our_lines else None
    for number, conflict in enumerate(merge.conflicts):
        mine = our_lines[conflict.ours][2] if conflict.ours is not None else ""
        other = "" if conflict.theirs is None else \
            _reindented(their_lines[conflict.theirs], our_lines[conflict.ours] if conflict.ours is not None
                        else indent or their_lines[conflict.theirs])
        block = f"<<<<<<< ours\n{mine}=======\n{other}>>>>>>> theirs\n"
        text = text.replace(_PLACEHOLDER.format(number=number), block, 1)
    return text


# ---- splicing their changes into our text ---------------------------------------------------

def _apply(text: str, path: str, value: Any) -> str:
    root = yamlfile.compose(text)
    parent, key_node, value_node = _find(root, path)
    if value is _MISSING:
        return _delete(text, key_node, value_node) if key_node is not None else text
    if value_node is not None and isinstance(value_node, yaml.ScalarNode) and not isinstance(value, (dict, list)):
        return yamlfile.set_values(text, {path: value})
    if value_node is not None:
        start, end = value_node.start_mark.index, value_node.end_mark.index
        return text[:start] + _flow(value) + _trailing_newline(text, start, end) + text[end:]
    return _insert(text, root, parent, path.rsplit(".", 1)[-1], value)


def _find(root: yaml.Node, path: str) -> tuple[yaml.Node | None, yaml.Node | None, yaml.Node | None]:
    parent: yaml.Node | None = root
    key_node = value_node = None
    parts = path.split(".")
    for depth, part in enumerate(parts):
        if not isinstance(parent, yaml.MappingNode):
            return None, None, None
        pair = next(((k, v) for k, v in parent.value if k.value == part), None)
        if pair is None:
            return (parent if depth == len(parts) - 1 else None), None, None
        key_node, value_node = pair
        if depth < len(parts) - 1:
            parent = value_node
    return parent, key_node, value_node


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return yamlfile.format_flow_mapping(value)
    if isinstance(value, list):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    return yamlfile.format_scalar(value, flow=True)


def _trailing_newline(text: str, start: int, end: int) -> str:
    """A block value's span ends after its newline; its flow replacement must keep one."""
    return "\n" if end > start and text[end - 1] == "\n" else ""


def _insert(text: str, root: yaml.Node, parent: yaml.Node | None, key: str, value: Any) -> str:
    if parent is None or not isinstance(parent, yaml.MappingNode):
        return text  # their new key sits under something we changed shape of: ours is kept
    if parent is root:
        log_key = next((k for k, _value in root.value if k.value == LOG), None)
        if log_key is not None:  # top-level keys go before `log:`, which stays last
            at = text.rfind("\n", 0, log_key.start_mark.index) + 1
            return text[:at] + f"{key}: {_flow(value)}\n" + text[at:]
    last_key, last_value = parent.value[-1]
    at = _end_of_line(text, yamlfile.content_end(text, last_value))
    line = f"{' ' * last_key.start_mark.column}{key}: {_flow(value)}\n"
    prefix = text[:at] if text[:at].endswith("\n") else text[:at] + "\n"
    return prefix + line + text[at:]


def _delete(text: str, key_node: yaml.Node, value_node: yaml.Node | None) -> str:
    start = text.rfind("\n", 0, key_node.start_mark.index) + 1
    end_at = yamlfile.content_end(text, value_node) if value_node is not None else key_node.end_mark.index
    return text[:start] + text[_end_of_line(text, end_at):]


def _end_of_line(text: str, index: int) -> int:
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


def _mark_conflicts(text: str, theirs: Mapping[str, Any]) -> str:
    """Conflict markers around each conflicting key alone (their value written out below ours)."""
    root = yamlfile.compose(text)
    blocks = []
    for path, value in theirs.items():
        _parent, key_node, value_node = _find(root, path)
        if key_node is None:
            continue
        start = text.rfind("\n", 0, key_node.start_mark.index) + 1
        end = _end_of_line(text, yamlfile.content_end(text, value_node) if value_node else key_node.end_mark.index)
        indent = " " * key_node.start_mark.column
        their_line = f"{indent}{path.rsplit('.', 1)[-1]}: {_flow(value)}\n" if value is not _MISSING else ""
        blocks.append((start, end, their_line))
    for start, end, their_line in sorted(blocks, reverse=True):
        ours_part = text[start:end] if text[start:end].endswith("\n") else text[start:end] + "\n"
        text = (text[:start] + "<<<<<<< ours\n" + ours_part + "=======\n" + their_line + ">>>>>>> theirs\n"
                + text[end:])
    return text
