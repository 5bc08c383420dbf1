"""A semantic three-way merge of one customer file, for git's merge driver.

What the merged file must hold is worked out from the three documents (`_plan`): the profile key by
key; a list of named entries (the key people) entry by entry, by name; the log event by event against
the common ancestor (events either side added are kept once, in date order; an event one side deleted
or changed and the other left alone is deleted or changed). Only a key, an entry or an event changed
differently on both sides (a change against a deletion too) is a conflict: it keeps our version, with
standard markers around it alone that show theirs.

The text is made from git's line merge of the three texts where it reads back, so that comments either
side changed or added survive (where both changed one comment, both are kept), else from our text. Then
whatever does not read as the plan says is spliced in from the side it comes from, with that side's
lines and comments (`mergetext`), and the result is read back with either side taken at each conflict
and compared with the plan.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from difflib import SequenceMatcher
from typing import Any, Callable, Iterator, Mapping, NamedTuple, Sequence

import yaml

from salescli import mergetext, yamlfile
from salescli.errors import SalesError, UnsafeMerge, YamlProblem
from salescli.i18n import _
from salescli.mergetext import MISSING, Name, Path, Version, event_key

LOG = yamlfile.LOG_KEY
LineMerge = Callable[[str, str, str], "str | None"]  # git merge-file --diff3: markers where it conflicts

__all__ = ["LineMerge", "MergeResult", "event_label", "label", "merge_texts"]


@dataclass(frozen=True)
class MergeResult:
    text: str
    conflicts: tuple[str, ...]  # the keys, key people and log events changed differently on both sides


def merge_texts(base: str, ours: str, theirs: str, *, line_merge: LineMerge | None = None) -> MergeResult:
    """Merge three versions of a customer file; raises YamlProblem if one is not YAML (an
    empty base, as git gives when both sides added the file, is an empty customer), UnsafeMerge when
    no text reads back as the merge means (the driver then merges line by line).

    `line_merge(base, ours, theirs)` (git merge-file --diff3) gives the first text to start from."""
    versions = [Version(text) for text in (base, ours, theirs)]
    plan = _plan(*versions)
    for start in _starts(versions, line_merge):
        try:
            text = _made(start, plan, versions[1], versions[2])
            _verify(text, plan, versions[1], versions[2])
        except (UnsafeMerge, YamlProblem, SalesError, yaml.YAMLError):
            continue  # the next start (our text), or the line merge
        return MergeResult(text, plan.labels())
    raise UnsafeMerge(_("the merged file would not read back as meant"))


def _starts(versions: Sequence[Version], line_merge: LineMerge | None) -> Iterator[str]:
    base, ours, theirs = versions
    if line_merge is not None and base.text.strip():
        merged = line_merge(base.text, ours.text, theirs.text)
        resolved = mergetext.resolve_hunks(merged) if merged is not None else None
        if resolved is not None and resolved != ours.text:
            yield resolved
    yield ours.text


# ---- what the merged file must hold ---------------------------------------------------------

class _Slot(NamedTuple):
    """One event of the merged log: ours (its index in our log) or theirs; at a conflict both (either
    None where that side deleted it), our event staying in the file with theirs in markers."""

    ours: int | None
    theirs: int | None
    conflict: str | None = None  # the conflict's label

    def held(self) -> tuple[str, int] | None:
        """The side and index of the event the file holds here (ours at a conflict); None: none."""
        if self.ours is not None:
            return "ours", self.ours
        return ("theirs", self.theirs) if self.theirs is not None and self.conflict is None else None


@dataclass(frozen=True)
class _Plan:
    leaves: dict[Path, Any]  # the profile as merged (our value where it conflicts)
    conflicts: list[Path]
    log: list[_Slot]

    def labels(self) -> tuple[str, ...]:
        return (*map(label, self.conflicts), *(slot.conflict for slot in self.log if slot.conflict))


def _plan(base: Version, ours: Version, theirs: Version) -> _Plan:
    leaves, conflicts = _merge_profiles(base.leaves, ours.leaves, theirs.leaves)
    return _Plan(leaves, conflicts, _merge_logs(base, ours, theirs))


def _merge_profiles(base: dict[Path, Any], ours: dict[Path, Any],
                    theirs: dict[Path, Any]) -> tuple[dict[Path, Any], list[Path]]:
    """The merged profile by key path (a key person is one path), and the paths in conflict."""
    merged: dict[Path, Any] = {}
    conflicts = []
    for path in dict.fromkeys([*ours, *theirs, *base]):
        o, a, b = base.get(path, MISSING), ours.get(path, MISSING), theirs.get(path, MISSING)
        value = b if a == o and b != o else a
        if a != o and b != o and a != b:
            conflicts.append(path)
        if value is not MISSING:
            merged[path] = value
    return merged, conflicts


def label(path: Path) -> str:
    """A key path as the user reads it: `contact.phone`, `trust.people: 王强`."""
    keys = ".".join(str(step) for step in path if not isinstance(step, Name))
    names = [step.name for step in path if isinstance(step, Name)]
    return f"{keys}: {names[-1]}" if names else keys


class _Side:
    """What one side did to the ancestor's log: which events it kept or changed (ancestor index →
    its index), deleted, and added (its indexes)."""

    def __init__(self, base: list[str], log: list[str]) -> None:
        self.kept: dict[int, int] = {}
        self.changed: dict[int, int] = {}
        self.deleted: list[int] = []
        self.added: list[int] = []
        matcher = SequenceMatcher(None, base, log, autojunk=False)
        for operation, base_start, base_end, start, end in matcher.get_opcodes():
            if operation == "equal":
                self.kept.update(zip(range(base_start, base_end), range(start, end)))
                continue
            paired = min(base_end - base_start, end - start)  # replaced one for one: changed
            self.changed.update(zip(range(base_start, base_start + paired), range(start, start + paired)))
            self.deleted.extend(range(base_start + paired, base_end))
            self.added.extend(range(start + paired, end))
        self.origin = {index: position for position, index in (*self.kept.items(), *self.changed.items())}

    def index(self, position: int) -> int | None:
        return self.kept.get(position, self.changed.get(position))


def _merge_logs(base: Version, ours: Version, theirs: Version) -> list[_Slot]:
    """The merged log: ours, with what they did to the ancestor's events done to it, conflicts where
    both sides did something different, and the events they added in date order."""
    mine, other = _Side(base.keys, ours.keys), _Side(base.keys, theirs.keys)
    slots, at = _our_slots(mine, other, base, ours, theirs)
    for position in reversed(mine.deleted):  # deleted by us, changed by them
        if position in other.changed:
            anchor = max((slot for earlier, slot in at.items() if earlier < position), default=-1)
            slots.insert(anchor + 1, _Slot(None, other.changed[position], event_label(base.log[position])))
    _add_theirs(slots, other.added, ours, theirs)
    return slots


def _our_slots(mine: _Side, other: _Side, base: Version, ours: Version, theirs: Version
               ) -> tuple[list[_Slot], dict[int, int]]:
    """A slot for each of our events (those they deleted dropped), and each ancestor event's slot
    (where it was dropped: the slot before)."""
    slots: list[_Slot] = []
    at: dict[int, int] = {}  # ancestor index → its slot
    for index in range(len(ours.log)):
        position = mine.origin.get(index)
        slot = _Slot(index, None) if position is None else _our_event(position, index, mine, other, base, ours, theirs)
        if slot is not None:
            slots.append(slot)
        if position is not None:
            at[position] = len(slots) - 1
    return slots, at


def _add_theirs(slots: list[_Slot], added: list[int], ours: Version, theirs: Version) -> None:
    """The events they added put in date order among the slots (an event both sides added is kept once)."""
    present = Counter(_held(slot, ours, theirs, "keys") for slot in slots)
    for index in added:
        if present[theirs.keys[index]] > 0:
            present[theirs.keys[index]] -= 1
        else:
            slots.insert(_date_place(slots, theirs.log[index], ours, theirs), _Slot(None, index))


def _our_event(position: int, index: int, mine: _Side, other: _Side, base: Version, ours: Version,
               theirs: Version) -> _Slot | None:
    """What becomes of our event `index`, the ancestor's event `position` (None: they deleted it)."""
    their_index = other.index(position)
    if position in mine.kept:
        if their_index is None:
            return None
        return _Slot(None, their_index) if position in other.changed else _Slot(index, None)
    if position in other.kept or their_index is not None and theirs.keys[their_index] == ours.keys[index]:
        return _Slot(index, None)
    return _Slot(index, their_index, event_label(base.log[position]))


def _held(slot: _Slot, ours: Version, theirs: Version, what: str = "log") -> Any:
    """The event a slot holds (its key, with what="keys"); None where it holds none."""
    held = slot.held()
    if held is None:
        return None
    return getattr(ours if held[0] == "ours" else theirs, what)[held[1]]


def _date_place(slots: list[_Slot], item: Any, ours: Version, theirs: Version) -> int:
    """Where an event goes: after the last event dated on or before it (before the later ones at the
    end), as salescli appends one."""
    day = _day(item)
    place = len(slots)
    while day is not None and place > 0:
        other = _day(_held(slots[place - 1], ours, theirs))
        if other is None or other <= day:
            break
        place -= 1
    return place


def _day(item: Any) -> date | None:
    value = item.get("date") if isinstance(item, Mapping) else None
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def event_label(item: Any) -> str:
    """A log event as a conflict names it: by its date and kind."""
    if isinstance(item, Mapping) and item.get("event"):
        return _("log: the {date} {event} event").format(date=item.get("date", "?"), event=item["event"])
    if isinstance(item, Mapping) and item.get("date"):
        return _("log: the event of {date}").format(date=item["date"])
    return _("log: an event")


# ---- the text -------------------------------------------------------------------------------

def _made(start: str, plan: _Plan, ours: Version, theirs: Version) -> str:
    head, tail = mergetext.split_log(start)
    head = mergetext.reconciled_profile(head, plan.leaves, ours, theirs)
    held = [slot.held() for slot in plan.log]
    tail = mergetext.reconciled_log(tail, [side for side in held if side is not None], ours, theirs)
    conflicts = [(slot.ours is not None, slot.theirs) for slot in plan.log if slot.conflict]
    positions = [sum(1 for earlier in held[:number] if earlier is not None)
                 for number, slot in enumerate(plan.log) if slot.conflict]
    return (mergetext.marked_profile(head, plan.conflicts, ours, theirs)
            + mergetext.marked_log(tail, list(zip(positions, conflicts)), theirs))


def _verify(text: str, plan: _Plan, ours: Version, theirs: Version) -> None:
    """The text read with our side of every conflict taken is the plan; with theirs, each conflict is theirs."""
    for side in ("ours", "theirs"):
        duplicates: list[yamlfile.Duplicate] = []
        document = mergetext.mapping(yamlfile.load(mergetext.side_of(text, side), duplicates=duplicates))
        leaves = mergetext.leaves(document)
        if [event_key(item) for item in mergetext.log_of(document)] != _meant_log(plan, ours, theirs, side):
            raise UnsafeMerge("the merged log would not read back as meant")
        if side == "ours" and (leaves != plan.leaves or len(duplicates) > ours.duplicates) or \
                any(leaves.get(path, MISSING) != theirs.leaves.get(path, MISSING) for path in plan.conflicts
                    if side == "theirs"):
            raise UnsafeMerge("the merged profile would not read back as meant")


def _meant_log(plan: _Plan, ours: Version, theirs: Version, side: str) -> list[str]:
    """The merged log's events with `side` taken at each conflict."""
    meant = []
    for slot in plan.log:
        if slot.conflict is not None and side == "theirs":
            held: tuple[str, int] | None = None if slot.theirs is None else ("theirs", slot.theirs)
        else:
            held = slot.held()
        if held is not None:
            meant.append((ours if held[0] == "ours" else theirs).keys[held[1]])
    return meant
