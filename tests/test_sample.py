"""The bundled customers/: valid, realistic, and covering every stage and classification."""

from collections import Counter
from pathlib import Path

from salescli import datafolder, repository
from salescli.customer import Status
from salescli.stages import Stage
from salescli.vocab import CHANNELS, FIELDS, ROLES, SIZES
from tests.conftest import REPO


def _sample() -> list:
    read = repository.read_all(datafolder.FolderPaths(REPO))
    assert read.problems == []
    return read.customers


def test_at_least_thirty_customers_with_matching_file_names() -> None:
    customers = _sample()
    assert len(customers) >= 30
    assert all(customer.path is not None and customer.path.stem == customer.id for customer in customers)
    assert len({customer.name for customer in customers}) == len(customers)


def test_every_stage_and_outcome_is_present() -> None:
    deals = [deal for customer in _sample() for deal in customer.deals]
    assert {deal.stage for deal in deals} == set(Stage)
    assert Counter(deal.status for deal in deals).keys() == {Status.OPEN, Status.WON, Status.LOST}
    assert any(len(customer.deals) > 1 for customer in _sample())


def test_every_classification_value_is_used() -> None:
    customers = _sample()
    for name, vocabulary in (("field", FIELDS), ("size", SIZES), ("role", ROLES), ("channel", CHANNELS)):
        assert {customer.get(name) for customer in customers} == {term.key for term in vocabulary.terms}, name


def test_referrers_exist() -> None:
    customers = _sample()
    ids = {customer.id for customer in customers}
    assert all(customer.get("referred_by") in ids for customer in customers if customer.get("referred_by"))


def test_targets_reach_into_next_year() -> None:
    targets = [deal.target_date for customer in _sample() for deal in customer.open_deals if deal.target_date]
    assert max(targets).year == 2027 and min(targets).year == 2026


def test_sample_config_is_valid() -> None:
    assert datafolder.load_config(datafolder.FolderPaths(REPO)).user == "李明"
    assert Path(REPO / "salescli.yaml").read_text(encoding="utf-8").startswith("# salescli settings")
