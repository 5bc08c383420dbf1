"""A semantic three-way merge of one customer file, for git's merge driver.

Both sides' log events are kept (no duplicates, in date order); the profile is merged key by key
against the common ancestor. Only a key changed differently on both sides is a conflict: standard
conflict markers around that key alone. The result starts from our text, so comments and layout on
our side stay; their changes are spliced in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import yaml

from salescli import yamlfile

LOG = yamlfile.LOG_KEY


@dataclass(frozen=True)
class MergeResult:
    text: str
    conflicts: tuple[str, ...]  # dotted keys changed differently on both sides


LineMerge = Callable[[str, str, str], "str | None"]


def merge_texts(base: str, ours: str, theirs: str, *, line_merge: LineMerge | None = None) -> MergeResult:
    """Merge three versions of a customer file; raises yamlfile.YamlProblem if one is not YAML.

    `line_merge(base, ours, theirs)` (git merge-file) is tried first on the profile part above
    `log:`, so that comments changed on either side survive; when it conflicts or reads wrong, their
    changes are spliced into our text key by key.
    """
    base_doc, our_doc, their_doc = (_mapping(yamlfile.load(text)) for text in (base, ours, theirs))
    taken, conflicts = _merge_profiles(_leaves(base_doc), _leaves(our_doc), _leaves(their_doc))
    new_events = _new_events(our_doc.get(LOG) or [], their_doc.get(LOG) or [])
    text = _line_merged_profile(base, ours, theirs, _expected(_leaves(our_doc), taken), line_merge) \
        if line_merge and not conflicts else None
    if text is None:
        text = ours
        for path, value in taken.items():
            text = _apply(text, path, value)
    if new_events:
        text = yamlfile.append_to_log(text, new_events)
    if conflicts:
        text = _mark_conflicts(text, {path: _leaves(their_doc).get(path, _MISSING) for path in conflicts})
    else:
        _verify(text, _expected(_leaves(our_doc), taken), [*(our_doc.get(LOG) or []), *new_events])
    return MergeResult(text, tuple(conflicts))


def _line_merged_profile(base: str, ours: str, theirs: str, leaves: dict[str, Any],
                         line_merge: LineMerge) -> str | None:
    """The part above `log:` merged line by line, with our log below; None unless it reads as meant."""
    heads = [_split(text) for text in (base, ours, theirs)]
    if any(head is None for head in heads):
        return None
    (base_head, _), (our_head, our_log), (their_head, _) = heads  # type: ignore[misc]
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
        raise UnsafeMerge("the merged file would not read back as meant")


def _mapping(document: Any) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise yamlfile.YamlProblem("a customer file must be a mapping")
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


def _new_events(ours: list[Any], theirs: list[Any]) -> list[dict[str, Any]]:
    """Their events that we do not have (as many times as they have them more)."""
    counts: dict[str, int] = {}
    for item in ours:
        counts[_key(item)] = counts.get(_key(item), 0) + 1
    new = []
    for item in theirs:
        key = _key(item)
        if counts.get(key, 0) > 0:
            counts[key] -= 1
        elif isinstance(item, dict):
            new.append(item)
    return sorted(new, key=lambda item: str(item.get("date", "")))


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
        log_key = next((k for k, _ in root.value if k.value == LOG), None)
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
        _, key_node, value_node = _find(root, path)
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
