"""How the parse cache keeps a customer: as plain values (what marshal stores), derived from the types.

A customer is kept as three things: its `list` row (`listing.Row`, plain already), its summary
(every field of `Customer` but the events and the path, its deals included, and how many events it
has) and its events. Each field is stored by the rule for its declared type — a date as its ordinal,
an amount as its decimal text, a stage or another enum by its value — so a field added to `Deal`,
`Event` or `Customer` is kept without a line written here; a type with no rule is refused when the
cache is first used (a developer's error, not a user's). `signature()` names every field and type:
the cache's schema stamp is built from it, so a cache kept under other definitions is rebuilt, never
misread.

Profiles and events are unpacked only when looked at (`LazyProfile`, `LazyEvents`): a forecast never
looks at a profile, and most commands at no event.
"""

from __future__ import annotations

import dataclasses
import marshal
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from itertools import islice, repeat
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, NamedTuple, Protocol, Sequence, TypeVar, overload

from salescli import customer as model
from salescli import listing
from salescli.customer import Customer, Event

Item = TypeVar("Item")
Encode = Callable[[Any], Any]
Decode = Callable[[Any], Any]


class Packed(NamedTuple):
    """A customer as the cache keeps it: three blobs (marshalled plain values), as they are stored — what a
    process parsing files sends back is small, and goes into the cache as it is."""

    row: bytes  # its listing.Row
    summary: bytes  # see PROFILE … FIRST_FIELD below
    events: bytes  # its events, a list per field

    def unpacked_row(self) -> tuple[Any, ...]:
        return marshal.loads(self.row)  # type: ignore[no-any-return]

    def unpacked_summary(self) -> tuple[Any, ...]:
        return marshal.loads(self.summary)  # type: ignore[no-any-return]


# ---- codecs derived from the declared types -----------------------------------------------------

class _Layout:
    """The fields of one record type in the order they are stored, each with how it is encoded and decoded."""

    def __init__(self, kind: type, names: Sequence[str]) -> None:
        hints = typing.get_type_hints(kind)
        self.kind, self.names = kind, tuple(names)
        self.codecs = [_codec(hints[name], f"{kind.__name__}.{name}") for name in self.names]
        self._values = _getter(kind, self.names)
        self._encoders = [(at, encode) for at, (encode, _) in enumerate(self.codecs) if encode is not None]

    def encode(self, value: Any) -> tuple[Any, ...]:
        values = list(self._values(value))
        for at, encode in self._encoders:
            values[at] = encode(values[at])
        return tuple(values)

    def encode_columns(self, items: Sequence[Any]) -> list[list[Any]]:
        """Items a field at a time (a list per field), encoded, each distinct value once."""
        columns = [list(column) for column in zip(*map(self._values, items))] if items else [[] for _ in self.names]
        for at, encode in self._encoders:
            columns[at] = _decoded_column(columns[at], encode)
        return columns

    def decode_columns(self, columns: Sequence[Sequence[Any]]) -> list[list[Any]]:
        """Stored columns (a list per field) decoded, each distinct value once: a folder repeats its dates,
        stages and amounts thousands of times."""
        return [list(column) if decode is None else _decoded_column(column, decode)
                if not isinstance(decode, _Each) else _decoded_tuples(column, decode.convert)
                for column, (_, decode) in zip(columns, self.codecs)]

    def position(self, name: str) -> int:
        return self.names.index(name)


def _getter(kind: type, names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """What gives an item's values of these fields, as a tuple."""
    if len(names) == 1:
        return lambda value: (getattr(value, names[0]),)
    if dataclasses.is_dataclass(kind):  # by key from the instance's dict: quicker than attribute by attribute
        values = itemgetter(*names)
        return lambda value: values(vars(value))  # type: ignore[no-any-return]
    return attrgetter(*names)


def _decoded_column(column: Sequence[Any], convert: Callable[[Any], Any]) -> list[Any]:
    """Each value of a column converted (each distinct one once)."""
    known = {value: convert(value) for value in set(column)}
    return list(map(known.__getitem__, column))


def _codec(hint: Any, where: str) -> tuple[Encode | None, Decode | None]:
    """How a value of type `hint` is stored and restored (None: as it is)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [option for option in typing.get_args(hint) if option is not type(None)]
        if len(options) != 1:
            raise TypeError(f"the parse cache cannot keep {where}: {hint}")
        encode, decode = _codec(options[0], where)
        return (None if encode is None else _or_none(encode)), (None if decode is None else _or_none(decode))
    if hint in (str, int, float, bool):
        return None, None
    if hint is date:
        return date.toordinal, date.fromordinal
    if hint is Decimal:
        return str, Decimal
    if isinstance(hint, type) and issubclass(hint, Enum):
        by_value = {member.value: member for member in hint}
        return _value_of, by_value.__getitem__
    if origin is tuple and len(typing.get_args(hint)) == 2 and typing.get_args(hint)[1] is Ellipsis:
        encode, decode = _codec(typing.get_args(hint)[0], where)
        return (None if encode is None else _Each(encode)), (None if decode is None else _Each(decode))
    raise TypeError(f"the parse cache cannot keep {where}: {hint} (add a rule for it in records.py)")


def _value_of(member: Enum) -> Any:
    return member.value


def _or_none(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def converted(value: Any) -> Any:
        return None if value is None else convert(value)

    return converted


class _Each:
    """A tuple's values converted each."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        self.convert = convert

    def __call__(self, values: Iterable[Any]) -> tuple[Any, ...]:
        return tuple(map(self.convert, values))


def _decoded_tuples(column: Sequence[Sequence[Any]], convert: Callable[[Any], Any]) -> list[tuple[Any, ...]]:
    """A column of tuples converted value by value (each distinct value once, over the whole column)."""
    values = iter(_decoded_column([value for each in column for value in each], convert))
    return [tuple(islice(values, len(each))) for each in column]


_NOT_STORED = {"index"}  # an event's position in its log: given by where it is
_NOT_SUMMED = {"events", "path", "profile", "deals"}  # kept apart (events), given (path) or by their own rule


# The record types are looked up when used (not bound at import), so that what the cache stores always
# follows their definitions; each layout is worked out once per type.

@cache
def _layout(kind: type, leave_out: frozenset[str] = frozenset()) -> _Layout:
    names = kind._fields if hasattr(kind, "_fields") else [field.name for field in dataclasses.fields(kind)]
    return _Layout(kind, [name for name in names if name not in leave_out])


def _deal() -> _Layout:
    return _layout(model.Deal)


def _event() -> _Layout:
    return _layout(model.Event, frozenset(_NOT_STORED))


def _customer() -> _Layout:
    return _layout(model.Customer, frozenset(_NOT_SUMMED))


# What a summary holds, in order: the profile (packed) and its keys (a profile need not be unpacked to
# find it has no `trust:`), the deals (a tuple of deal rows), the number of events, then the other fields
# of Customer (see _customer).
PROFILE, PROFILE_KEYS, DEALS, EVENT_COUNT, FIRST_FIELD = 0, 1, 2, 3, 4


def signature() -> tuple[Any, ...]:
    """Every field of every record the cache keeps, with its type: a change to any of them changes the
    cache's schema stamp. (Annotations as written: no type is resolved for a command that needs no record.)"""
    def fields_of(kind: Any, names: Iterable[str]) -> tuple[tuple[str, str], ...]:
        annotations: dict[str, Any] = {}
        for klass in reversed(kind.__mro__):
            annotations.update(getattr(klass, "__annotations__", {}))
        return tuple((name, str(annotations.get(name))) for name in names)

    return (("row", fields_of(listing.Row, listing.Row._fields)), ("deal", fields_of(model.Deal, model.Deal._fields)),
            ("event", fields_of(model.Event, [field.name for field in dataclasses.fields(model.Event)])),
            ("customer", fields_of(model.Customer, [field.name for field in dataclasses.fields(model.Customer)])),
            ("summary", (PROFILE, PROFILE_KEYS, DEALS, EVENT_COUNT, FIRST_FIELD)))


# ---- packing ------------------------------------------------------------------------------------

def pack(customer: Customer, row: listing.Row) -> Packed:
    """What the cache keeps of a customer (and of its `list` row)."""
    profile = customer.profile
    keys = profile.keys_known if isinstance(profile, LazyProfile) else None
    summary = (profile.packed if isinstance(profile, LazyProfile) else pack_profile(profile),
               tuple(profile) if keys is None else keys,
               tuple(map(_deal().encode, customer.deals)), len(customer.events), *_customer().encode(customer))
    return Packed(marshal.dumps(tuple(row)), marshal.dumps(summary), pack_events(customer.events))


_PLAIN, _DATED = b"p", b"d"  # a profile as marshal keeps it, or with values to restore (see storable)


def pack_profile(profile: Mapping[str, Any]) -> bytes:
    values = dict(profile)
    plain = storable(values)
    return (_PLAIN if plain == values else _DATED) + marshal.dumps(plain)  # (nothing equals its tagged tuple)


def unpack_profile(packed: bytes) -> dict[str, Any]:
    value = marshal.loads(packed[1:])
    if not isinstance(value, dict):
        raise ValueError("not a profile")
    return restored(value) if packed[:1] == _DATED else value


_DATE, _DATETIME, _TUPLE, _SET = "d", "dt", "t", "s"


def storable(value: Any) -> Any:
    """YAML values as marshal can keep them (`restored` undoes it): dates and times, and the tuples
    and sets YAML makes of `!!omap`, `!!pairs` and `!!set`, become tagged tuples, in keys as in values.
    Every tuple stored is such a tag, so nothing YAML gives is ever taken for one."""
    if isinstance(value, dict):
        return {storable(key): storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [storable(item) for item in value]
    if isinstance(value, datetime):
        return (_DATETIME, value.isoformat())
    if isinstance(value, date):
        return (_DATE, value.toordinal())
    if isinstance(value, tuple):
        return (_TUPLE, tuple(map(storable, value)))
    if isinstance(value, (set, frozenset)):
        return (_SET, tuple(map(storable, value)))
    return value


def restored(value: Any) -> Any:
    if isinstance(value, dict):
        return {restored(key): restored(item) for key, item in value.items()}
    if isinstance(value, list):
        return [restored(item) for item in value]
    if isinstance(value, tuple):
        kind, stored = value
        if kind == _DATE:
            return date.fromordinal(stored)
        if kind == _DATETIME:
            return datetime.fromisoformat(stored)
        items = map(restored, stored)
        return tuple(items) if kind == _TUPLE else set(items)
    return value


# ---- unpacking ----------------------------------------------------------------------------------

UNPACK_ERRORS = (ValueError, TypeError, KeyError, IndexError, EOFError, ArithmeticError)  # what damage raises


class Origin(Protocol):
    """Where the events of the customers of one read come from (by file name), and a customer's file
    read again when a part of what the cache holds of it does not unpack."""

    def events(self, name: str) -> bytes: ...

    def again(self, name: str) -> Packed: ...


class _Lazy(Sequence[Item]):
    """A sequence made when first looked at (see `_made`)."""

    __slots__ = ()

    def _made(self) -> Sequence[Item]:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> Item: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Item]: ...

    def __getitem__(self, index: int | slice) -> Item | Sequence[Item]:
        return self._made()[index]

    def __iter__(self) -> Iterator[Item]:
        return iter(self._made())


class PackedList(_Lazy[bytes]):
    """A column of packed values kept as one marshalled blob, unpacked when first looked at (the profiles
    of 100,000 customers: a command that looks at none never makes their 100,000 objects)."""

    __slots__ = ("_blob", "_values")

    def __init__(self, blob: bytes) -> None:
        self._blob: bytes | None = blob
        self._values: list[bytes] = []

    def _made(self) -> list[bytes]:
        if self._blob is not None:
            values = marshal.loads(self._blob)
            if not isinstance(values, list):
                raise ValueError("not a column")
            self._values, self._blob = values, None
        return self._values

    def __len__(self) -> int:
        return len(self._made())


def customer(summary: Sequence[Any], events: bytes, path: Path | None) -> Customer:
    """One customer from its summary (unpacked) and packed events; raises one of UNPACK_ERRORS when the
    summary does not unpack."""
    return customers(Summaries.of([summary]), [path], events=[events])[0]


@dataclasses.dataclass
class Summaries:
    """Summaries a field at a time (as the cache's snapshot keeps them): a list per field, the deals
    flattened (a list per deal field, and how many deals each customer has)."""

    profiles: Sequence[bytes]  # a list, or a PackedList
    profile_keys: list[tuple[str, ...]]
    deal_counts: list[int]
    deal_fields: list[list[Any]]
    event_counts: list[int]
    fields: list[list[Any]]  # the other fields of Customer (see _customer)

    @classmethod
    def of(cls, summaries: Iterable[Sequence[Any]]) -> Summaries:
        summaries = list(summaries)
        width = FIRST_FIELD + len(_customer().names)
        if any(len(summary) != width for summary in summaries):
            raise ValueError("a summary of another layout")
        deals = [deal for summary in summaries for deal in summary[DEALS]]
        if any(len(deal) != len(_deal().names) for deal in deals):
            raise ValueError("a deal of another layout")
        deal_fields = [list(column) for column in zip(*deals)] if deals else [[] for _ in _deal().names]
        columns = [list(column) for column in zip(*summaries)] if summaries else [[] for _ in range(width)]
        return cls(columns[PROFILE], columns[PROFILE_KEYS], list(map(len, columns[DEALS])), deal_fields,
                   columns[EVENT_COUNT], columns[FIRST_FIELD:])

    def __len__(self) -> int:
        return len(self.deal_counts)

    def rows(self) -> list[tuple[Any, ...]]:
        """Back to one summary per customer."""
        deals = iter(zip(*self.deal_fields))
        per_customer = [tuple(islice(deals, count)) for count in self.deal_counts]
        return list(zip(self.profiles, self.profile_keys, per_customer, self.event_counts, *self.fields))

    def take(self, positions: Sequence[int]) -> Summaries:
        """The summaries at `positions`, in that order."""
        starts, at = [], 0
        for count in self.deal_counts:
            starts.append(at)
            at += count
        picked = [index for position in positions
                  for index in range(starts[position], starts[position] + self.deal_counts[position])]
        each: list[Sequence[Any]] = [self.profiles, self.profile_keys, self.deal_counts, self.event_counts]
        profiles, profile_keys, deal_counts, event_counts = ([column[p] for p in positions] for column in each)
        return Summaries(profiles, profile_keys, deal_counts,
                         [list(map(column.__getitem__, picked)) for column in self.deal_fields], event_counts,
                         [list(map(column.__getitem__, positions)) for column in self.fields])

    def extend(self, other: Summaries) -> None:
        self.profiles = [*self.profiles, *other.profiles]
        pairs: list[tuple[list[Any], list[Any]]] = [
            (self.profile_keys, other.profile_keys), (self.deal_counts, other.deal_counts),
            (self.event_counts, other.event_counts), *zip(self.deal_fields, other.deal_fields),
            *zip(self.fields, other.fields)]
        for mine, theirs in pairs:
            mine.extend(theirs)


def customers(summaries: Summaries, paths: Sequence[Path | None], *, events: Sequence[bytes] | None = None,
              origin: Origin | None = None, names: Sequence[str] = ()) -> list[Customer]:
    """Customers from their summaries (a column at a time: each distinct date or amount made once) and
    their paths; their events packed (`events`), or fetched from `origin` by their file `names` when first
    looked at. Raises one of UNPACK_ERRORS when a summary does not unpack."""
    deal_layout, layout = _deal(), _customer()
    deal_iterator = iter(list(map(model.Deal._make, zip(*deal_layout.decode_columns(summaries.deal_fields)))))
    deals = [tuple(islice(deal_iterator, count)) for count in summaries.deal_counts]
    fields = dict(zip(layout.names, layout.decode_columns(summaries.fields)))
    keys = _decoded_column(summaries.profile_keys, tuple)  # (one tuple for the customers that have the same keys)
    count = len(summaries)
    named: Sequence[str | None] = names if origin is not None else [None] * count
    fields.update(
        profile=list(map(LazyProfile, repeat(summaries.profiles, count), range(count), keys, repeat(origin), named)),
        events=list(map(LazyEvents, events if events is not None else repeat(None, count), summaries.event_counts,
                        repeat(origin), named)),
        deals=deals, path=list(paths))
    return list(map(model.Customer, *(fields[field.name] for field in dataclasses.fields(model.Customer))))


class LazyProfile(Mapping[str, Any]):
    """A profile kept packed as the cache stores it (the one at `at` of a column), unpacked when first
    looked at (a forecast never does; asking for a key it does not have never does either)."""

    __slots__ = ("_column", "_at", "_keys", "_origin", "_name", "_values")

    def __init__(self, column: Sequence[bytes], at: int, keys: tuple[str, ...] | None = None,
                 origin: Origin | None = None, name: str | None = None) -> None:
        self._column, self._at, self._keys, self._origin, self._name = column, at, keys, origin, name
        self._values: dict[str, Any] | None = None

    def _unpacked(self) -> dict[str, Any]:
        if self._values is None:
            try:
                self._values = unpack_profile(self.packed)
            except UNPACK_ERRORS:
                if self._origin is None or self._name is None:
                    raise
                self._column, self._at = self._origin.again(self._name).unpacked_summary(), PROFILE
                self._values = unpack_profile(self.packed)
        return self._values

    @property
    def packed(self) -> bytes:
        return self._column[self._at]

    @property
    def keys_known(self) -> tuple[str, ...] | None:
        return self._keys

    def __getitem__(self, key: str) -> Any:
        return self._unpacked()[key]

    def get(self, key: str, default: Any = None) -> Any:
        if self._values is None and self._keys is not None and key not in self._keys:
            return default
        return self._unpacked().get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._unpacked())

    def __len__(self) -> int:
        return len(self._unpacked())


def pack_events(events: Sequence[Event]) -> bytes:
    """Events as the cache stores them: a list per field (see _event)."""
    return events.packed() if isinstance(events, LazyEvents) else marshal.dumps(_event().encode_columns(events))


class LazyEvents(_Lazy[Event]):
    """Events kept as the cache stores them (or fetched from `origin` by file name when first needed),
    made into Event objects only when first looked at."""

    __slots__ = ("_packed", "_count", "_origin", "_name", "_events")

    def __init__(self, packed: bytes | None, count: int, origin: Origin | None = None, name: str | None = None
                 ) -> None:
        self._packed = packed  # one object, not hundreds
        self._count, self._origin, self._name = count, origin, name
        self._events: tuple[Event, ...] | None = None

    def packed(self) -> bytes:
        """The events as the cache stores them."""
        if self._packed is None:
            assert self._origin is not None and self._name is not None
            self._packed = self._origin.events(self._name)
        return self._packed

    def _again(self, error: Exception) -> bytes:
        """The events read again from the customer's file (what the cache holds of them does not unpack)."""
        if self._origin is None or self._name is None:
            raise error
        self._packed = self._origin.again(self._name).events
        return self._packed

    def _columns(self) -> list[list[Any]]:
        try:
            return _event_columns(self.packed())
        except UNPACK_ERRORS as error:
            return _event_columns(self._again(error))

    def _made(self) -> tuple[Event, ...]:
        if self._events is None:
            try:
                self._events = _events_of(self._columns())
            except UNPACK_ERRORS as error:
                self._events = _events_of(_event_columns(self._again(error)))
            self._count = len(self._events)
        return self._events

    def __len__(self) -> int:
        return self._count

    def extended(self, events: Sequence[Event]) -> LazyEvents:
        """These events and `events` after them, still packed (a long log is not made into objects)."""
        columns = [[*mine, *more] for mine, more in zip(self._columns(), _event().encode_columns(events))]
        return LazyEvents(marshal.dumps(columns), len(columns[0]))

    def notes(self) -> list[str]:
        """Each event's note, reason and goal that is given (what a search reads), without making the
        events: a search through thousands of customers would otherwise make every one."""
        if self._events is not None:
            return [text for event in self._events for text in (event.note, event.reason, event.goal) if text]
        columns, layout = self._columns(), _event()
        texts = zip(*(columns[layout.position(name)] for name in ("note", "reason", "goal")))
        return [text for each in texts for text in each if text]

    def __eq__(self, other: object) -> bool:
        return tuple(self) == tuple(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None  # type: ignore[assignment]


def _event_columns(packed: bytes) -> list[list[Any]]:
    columns = marshal.loads(packed)
    if not isinstance(columns, list) or len(columns) != len(_event().names) \
            or any(len(column) != len(columns[0]) for column in columns):
        raise ValueError("events of another layout")
    return columns


def _events_of(columns: list[list[Any]]) -> tuple[Event, ...]:
    layout = _event()
    values = dict(zip(layout.names, layout.decode_columns(columns)), index=range(len(columns[0])))
    return tuple(map(model.Event, *(values[field.name] for field in dataclasses.fields(model.Event))))
