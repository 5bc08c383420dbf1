"""The prospecting network (docs/domain.md §5–6): project parties, referrals, the three-party rule. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from salescli.customer import Customer, Status

# Every closed customer should bring three: on every project there are at least these parties.
THREE_PARTIES = ("owner", "contractor", "supervisor")


def parties(customers: Iterable[Customer], project: str) -> list[Customer]:
    """The customers that are a party to `project`."""
    return [customer for customer in customers if project in customer.projects]


def referrer_of(customer: Customer, by_id: dict[str, Customer]) -> Customer | None:
    referrer = customer.get("referred_by")
    return by_id.get(str(referrer)) if referrer else None


def referred_by(customer: Customer, customers: Iterable[Customer]) -> list[Customer]:
    return sorted((c for c in customers if c.get("referred_by") == customer.id), key=lambda c: c.id)


@dataclass(frozen=True)
class ReferralNode:
    customer: Customer
    children: tuple[ReferralNode, ...]
    cycle: bool = False  # this customer already stands higher in the tree: not followed again


def referral_chain(customer: Customer, customers: Sequence[Customer]) -> tuple[list[Customer], bool]:
    """Who referred `customer`, who referred them, … (nearest first); True if the chain loops."""
    by_id = {c.id: c for c in customers}
    chain: list[Customer] = []
    seen = {customer.id}
    current = referrer_of(customer, by_id)
    while current is not None:
        if current.id in seen:
            return chain, True
        chain.append(current)
        seen.add(current.id)
        current = referrer_of(current, by_id)
    return chain, False


def referral_tree(customer: Customer, customers: Sequence[Customer], *,
                  _above: frozenset[str] = frozenset()) -> ReferralNode:
    """Whom `customer` referred, and whom they referred in turn; a cycle is marked, not followed."""
    above = _above | {customer.id}
    children = []
    for child in referred_by(customer, customers):
        if child.id in above:
            children.append(ReferralNode(child, (), cycle=True))
        else:
            children.append(referral_tree(child, customers, _above=above))
    return ReferralNode(customer, tuple(children))


@dataclass(frozen=True)
class MissingParties:
    customer: Customer
    project: str
    missing: tuple[str, ...]  # roles of THREE_PARTIES not yet in the folder for the project


def missing_parties(customers: Sequence[Customer]) -> list[MissingParties]:
    """Won customers whose project's other parties are not yet in the folder: the next to open."""
    found = []
    for customer in customers:
        if not any(deal.status is Status.WON for deal in customer.deals):
            continue
        for project in customer.projects:
            present = {party.role_in(project) for party in parties(customers, project)}
            lacking = tuple(role for role in THREE_PARTIES if role not in present)
            if lacking:
                found.append(MissingParties(customer, project, lacking))
    return found


@dataclass(frozen=True)
class Related:
    """A customer's network: its projects with every party of each (the customer among them), who referred
    it, and whom it referred."""

    customer: Customer
    projects: tuple[tuple[str, tuple[Customer, ...]], ...]
    referrers: tuple[Customer, ...]  # nearest first
    referral_loop: bool
    referred: ReferralNode


def related(customer: Customer, customers: Sequence[Customer]) -> Related:
    chain, loop = referral_chain(customer, customers)
    projects = tuple((project, tuple(parties(customers, project))) for project in customer.projects)
    return Related(customer, projects, tuple(chain), loop, referral_tree(customer, customers))
