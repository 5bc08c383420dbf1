"""What reports and forecasts break their figures down by (`--by`). Pure.

A dimension is a deal's `owner` (the rep its events name, else the customer's owner) or `product`,
the owner's `manager` or `office` from the team table (`team:` in salescli.yaml), or any profile key,
dotted (`channel`, `needs.scope`, `company.revenue`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from salescli.config import Team
from salescli.customer import Customer, Deal, deal_owner
from salescli.errors import InvalidValue
from salescli.exchange import profile_key
from salescli.i18n import N_, _

DEAL_DIMENSIONS = ("owner", "product", "manager", "office")
CHOICES = N_("owner, product, manager, office or a profile key (channel, field, area, needs.scope …)")


@dataclass(frozen=True)
class Dimension:
    key: str
    team: Team = field(default_factory=Team)

    def of(self, customer: Customer, deal: Deal | None = None) -> str | None:
        """The value a deal (or, without one, the customer) has in this dimension; None: none."""
        if self.key == "owner":
            return self.team.name_of(deal_owner(customer, deal))
        if self.key == "product":
            return deal.product if deal else None
        if self.key in ("manager", "office"):
            member = self.team.member(deal_owner(customer, deal))
            return None if member is None else getattr(member, self.key)
        value = customer.get(self.key)
        return None if value is None else str(value)

    @property
    def per_deal(self) -> bool:
        return self.key in DEAL_DIMENSIONS


def dimension(name: str, team: Team) -> Dimension:
    """The dimension `--by NAME` names; InvalidValue for what is none."""
    key = name.strip()
    if key in DEAL_DIMENSIONS:
        if key in ("manager", "office") and not team.members:
            raise InvalidValue(_("--by {key} needs the team table: import it with `salescli import TEAM.csv --team` "
                                 "or write `team:` in salescli.yaml").format(key=key))
        return Dimension(key, team)
    try:
        return Dimension(profile_key(key), team)
    except InvalidValue as error:
        raise InvalidValue(_("--by takes {choices}; {problem}").format(choices=_(CHOICES), problem=error.message)) \
            from None


def unmatched(dimension: Dimension, keys: Iterable[str | None]) -> str | None:
    """A warning when a profile key names nothing any customer has (a typo, most likely)."""
    if dimension.per_deal or any(key is not None for key in keys):
        return None
    return _("no customer has a value for '{key}'; every one is under (none)").format(key=dimension.key)
