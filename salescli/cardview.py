"""What a business card was read as, shown before it is written (`person --card`, `add --card`, the
web page's card): whose card it is, each field (or that the card does not print it) and the fields
to check; and what the write did to a customer's key people."""

from __future__ import annotations

from typing import TYPE_CHECKING

from salescli import profile
from salescli.card import FIELDS
from salescli.i18n import _, joined
from salescli.render import text_width

if TYPE_CHECKING:
    from salescli.api import CardReading, CardSaved
    from salescli.card import Card

# The card's fields by the names the customer file gives them (a person's details, the contact group's).
_LABELS = {**{field.key: (field.en, field.zh) for field in profile.PERSON},
           "address": (profile.BY_KEY["contact.address"].en, profile.BY_KEY["contact.address"].zh),
           "department": (profile.BY_KEY["contact.department"].en, profile.BY_KEY["contact.department"].zh),
           "company": ("company", "单位")}


def label(key: str, language: str) -> str:
    en, zh = _LABELS[key]
    return zh if language == "zh" else en


def preview(reading: "CardReading", language: str) -> list[str]:
    """The lines that show a card read: a headline, a line a field, what to check."""
    card = reading.card
    labels = {key: label(key, language) for key in FIELDS}
    column = max(text_width(text) for text in labels.values()) + 2
    lines = [_headline(reading)]
    for key in FIELDS:
        value = getattr(card, key)
        shown = value if value else _("(not on the card)")
        mark = "  " + _("← check") if key in card.unsure else ""
        lines.append(f"  {labels[key]}{' ' * (column - text_width(labels[key]))}{shown}{mark}")
    sentence = check_sentence(reading.card, language)
    return lines + ([sentence] if sentence else [])


def check_sentence(card: "Card", language: str) -> str | None:
    """Which fields to check against the card (None: the reading is sure of them all)."""
    if not card.unsure:
        return None
    return _("Check {fields} against the card: the reading is unsure.").format(
        fields=joined(label(key, language) for key in card.unsure))


def _headline(reading: "CardReading") -> str:
    card, customer = reading.card, reading.customer
    said = {"file": reading.file, "person": card.name, "company": card.company or "?"}
    if customer is None:
        return _("{file}: a new customer, {company}, with its key person {person}:").format(**said)
    said.update(customer=customer.name, id=customer.id)
    if reading.person_known:
        return _("{file}: updates {person}, a key person of {customer} ({id}):").format(**said)
    return _("{file}: {person}, a new key person of {customer} ({id}):").format(**said)


def written(saved: "CardSaved", language: str) -> str:
    """What writing a card did to the key people of a customer already in the folder, in a sentence."""
    said = {"person": saved.person, "customer": saved.after.name}
    if saved.added_person:
        return _("Added {person} to the key people of {customer}.").format(**said)
    changed = [label(key, language) for key in FIELDS if key in saved.changed]
    return (_("Updated {person} of {customer}: {fields}.") if changed else
            _("{person} of {customer} already had these details.")).format(**said, fields=joined(changed))


def photo_kept(file: str) -> str:
    return _("The photo is kept as {file}.").format(file=file)
