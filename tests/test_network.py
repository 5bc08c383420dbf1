from datetime import date

from salescli import network
from salescli.customer import Customer, customer_from_document

D = date.fromisoformat


def make(cid: str, **profile: object) -> Customer:
    log = profile.pop("log", [{"date": D("2026-01-01"), "event": "added"}])
    return customer_from_document({"name": cid, **profile, "log": log}, file_id=cid)


def test_referral_chain_and_tree() -> None:
    customers = [make("a"), make("b", referred_by="a"), make("c", referred_by="b"), make("d", referred_by="a")]
    chain, loops = network.referral_chain(customers[2], customers)
    assert [c.id for c in chain] == ["b", "a"] and not loops
    tree = network.referral_tree(customers[0], customers)
    assert [(n.customer.id, [g.customer.id for g in n.children]) for n in tree.children] == [("b", ["c"]), ("d", [])]


def test_a_referral_cycle_is_reported_not_followed() -> None:
    customers = [make("a", referred_by="c"), make("b", referred_by="a"), make("c", referred_by="b")]
    chain, loops = network.referral_chain(customers[0], customers)
    assert [c.id for c in chain] == ["c", "b"] and loops
    tree = network.referral_tree(customers[0], customers)
    b = tree.children[0]
    c = b.children[0]
    assert (b.customer.id, c.customer.id) == ("b", "c")
    assert [(n.customer.id, n.cycle) for n in c.children] == [("a", True)]


def test_projects_include_links() -> None:
    linked = make("a", project="P1", role="contractor", log=[
        {"date": D("2026-01-01"), "event": "added"},
        {"date": D("2026-02-01"), "event": "link", "project": "P2", "role": "supervisor"}])
    assert linked.projects == ("P1", "P2")
    assert linked.role_in("P1") == "contractor" and linked.role_in("P2") == "supervisor"


def test_three_party_rule() -> None:
    won_log = [{"date": D("2026-01-01"), "event": "added"}, {"date": D("2026-02-01"), "event": "won", "value": 1}]
    customers = [
        make("winner", project="P", role="contractor", log=won_log),
        make("own", project="P", role="owner"),
        make("open", project="Q", role="owner"),  # not won: no obligation
        make("solo", project="R", role="supervisor", log=won_log),
    ]
    found = [(m.customer.id, m.project, m.missing) for m in network.missing_parties(customers)]
    assert found == [("winner", "P", ("supervisor",)), ("solo", "R", ("owner", "contractor"))]
