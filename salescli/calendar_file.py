"""Planned visits as an iCalendar file (RFC 5545) that phone and desktop calendars import."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Sequence

from salescli.i18n import N_, translated
from salescli.schedule import Visit

N_("Visit {customer} · {stage}")  # (translated in `_summary`, in the calendar's language)

_EPOCH = date(2000, 1, 1)


def ics(visits: Sequence[Visit], *, today: date, language: str) -> bytes:
    """One all-day event per visit. UIDs are stable (customer, deal and which visit), so importing
    a newer plan updates the events; SEQUENCE grows with the day the file is made."""
    from icalendar import Calendar, Event  # only `schedule --ics` needs it

    calendar = Calendar()
    calendar.add("prodid", "-//salescli//visit plan//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", translated(N_("salescli visits"), language))  # the calendar's name in the app
    stamp = datetime(today.year, today.month, today.day, tzinfo=timezone.utc)
    for visit in visits:
        event = Event()
        event.add("uid", visit.uid)
        event.add("dtstamp", stamp)
        event.add("sequence", (today - _EPOCH).days)
        event.add("dtstart", visit.day)
        event.add("dtend", visit.day + timedelta(days=1))
        event.add("summary", _summary(visit, language))
        event.add("description", visit.goal_text(language))
        address = visit.customer.get("contact.address") or visit.customer.get("area")
        if address:
            event.add("location", str(address))
        event.add("categories", [visit.kind])
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def _summary(visit: Visit, language: str) -> str:
    stage = visit.stage.label(language) if visit.stage else visit.kind
    return translated("Visit {customer} · {stage}", language).format(customer=visit.customer.name, stage=stage)
