import itertools
import re
from datetime import date
from decimal import Decimal

import pytest

from salescli import profile
from salescli.errors import InvalidValue
from salescli.vocab import BUILTIN

TODAY = date(2026, 11, 26)


def parse(key: str, text: str) -> object:
    return profile.BY_KEY[key].parse(text, vocabularies=BUILTIN, today=TODAY)


@pytest.mark.parametrize(("name", "key"), [
    ("contact.phone", "contact.phone"), ("phone", "contact.phone"), ("联系电话", "contact.phone"),
    ("电话", "contact.phone"), ("decision-maker", "decision.decision_maker"), ("决策人", "decision.decision_maker"),
    ("预算人员数量", "needs.estimators"), ("Number of estimators", "needs.estimators"), ("领域", "field"),
    ("ＦＩＥＬＤ", "field"), ("referred by", "referred_by"), ("负责人", "owner"),
])
def test_a_field_by_any_of_its_names(name: str, key: str) -> None:
    assert profile.field_for(name).key == key


def test_an_unknown_field_gets_the_closest() -> None:
    with pytest.raises(InvalidValue, match=r"^unknown field 'phon' \(did you mean 'contact.phone'\?\)$"):
        profile.field_for("phon")


def test_every_field_has_labels_a_kind_and_a_unique_option() -> None:
    options = [field.option for field in profile.PROFILE if field.option]
    assert len(options) == len(set(options))
    assert all(field.en and field.zh for field in (*profile.PROFILE, *profile.PERSON))
    grouped = {field.group for field in profile.PROFILE if field.group}
    assert {group.key for group in profile.GROUPS} == grouped | {"trust"}


@pytest.mark.parametrize(("key", "text", "value"), [
    ("field", "房地产", "real-estate"), ("role", "乙方", "contractor"), ("channel", "referral", "referral"),
    ("funds.seats", "12", 12), ("funds.seats", "12套", 12), ("needs.estimators", "１２人", 12),
    ("funds.amount", "4.8万", Decimal(48000)), ("contact.phone", "027-8765 4321 转 8001", "027-8765 4321 转 8001"),
    ("contact.phone", "13900000000", "13900000000"), ("contact.person", " 王强 ", "王强"),
])
def test_values_are_parsed_by_kind(key: str, text: str, value: object) -> None:
    assert parse(key, text) == value


@pytest.mark.parametrize(("key", "text", "message"), [
    ("funds.seats", "many", "funds.seats: 'many' is not a whole number"),
    ("contact.phone", "call Wang", "contact.phone: 'call Wang' is not a phone number"),
    ("funds.amount", "lots", "funds.amount: 'lots' is not an amount"),
    ("field", "bnak", "unknown field 'bnak' (did you mean 'bank'?)"),
])
def test_a_bad_value_names_the_field(key: str, text: str, message: str) -> None:
    with pytest.raises(InvalidValue) as error:
        parse(key, text)
    assert error.value.message.startswith(message)


def test_a_persons_birthday_is_a_date() -> None:
    birthday = next(field for field in profile.PERSON if field.key == "birthday")
    assert birthday.parse("1978年5月12日", vocabularies={}, today=TODAY) == date(1978, 5, 12)


def test_changes_from_assignments() -> None:
    found = profile.changes(["电话=13900000000", "seats=8", "field=银行", "needs.view="], ["decision.users"],
                            vocabularies=BUILTIN, today=TODAY)
    assert found == {"contact.phone": "13900000000", "funds.seats": 8, "field": "bank",
                     "needs.view": profile.UNSET, "decision.users": profile.UNSET}
    assert profile.changes(["tender.no：ZB-7"], custom=True, vocabularies=BUILTIN, today=TODAY) == {"tender.no": "ZB-7"}
    referrer = profile.changes(["referred_by=中建"], vocabularies=BUILTIN, today=TODAY, customer_id=lambda _: "zj")
    assert referrer == {"referred_by": "zj"}


def test_changes_refuse_what_cannot_be_set() -> None:
    with pytest.raises(InvalidValue, match="unknown field 'tender.no'.*--custom keeps a field of your own"):
        profile.changes(["tender.no=1"], vocabularies=BUILTIN, today=TODAY)
    with pytest.raises(InvalidValue, match="the id cannot be set"):
        profile.changes(["id=x"], vocabularies=BUILTIN, today=TODAY)
    with pytest.raises(InvalidValue, match="salescli person"):
        profile.changes(["trust.people=王强"], vocabularies=BUILTIN, today=TODAY)
    with pytest.raises(InvalidValue, match="is not KEY=VALUE"):
        profile.changes(["phone"], vocabularies=BUILTIN, today=TODAY)
    with pytest.raises(InvalidValue, match="the log cannot be set"):
        profile.changes(["log.x=1"], custom=True, vocabularies=BUILTIN, today=TODAY)
    with pytest.raises(InvalidValue, match="cannot be a key"):
        profile.changes(["x..y=1"], custom=True, vocabularies=BUILTIN, today=TODAY)


def test_problems_found_in_files() -> None:
    seats = profile.BY_KEY["funds.seats"]
    assert seats.problem(6, BUILTIN) is None and seats.problem(None, BUILTIN) is None
    assert seats.problem("six", BUILTIN) == "`funds.seats`: 'six' is not a whole number"
    assert profile.BY_KEY["field"].problem("房地产", BUILTIN) == "'房地产' is not a field key; write 'real-estate'"
    assert profile.BY_KEY["contact.person"].problem(["王强", "李四"], BUILTIN) == \
        "`contact.person` should be a single value, not a list"


def test_the_channel_implies_the_source() -> None:
    assert profile.implied_source("acquaintance") == "acquaintance"
    assert profile.implied_source("referral") == "referral"
    assert profile.implied_source("cold") is None and profile.implied_source(None) is None


def test_a_person_is_found_by_name() -> None:
    people = [{"name": "王强"}, "not a person", {"name": "Li Si"}]
    assert profile.person_index(people, " 王 强 ") == 0
    assert profile.person_index(people, "li si") == 2
    assert profile.person_index(people, "赵六") is None and profile.person_index(None, "x") is None


TEMPLATES = ["templates/customer.yaml", "salescli/templates/customer.yaml", "salescli/templates/customer.zh.yaml"]


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_customer_template_lists_the_registry_s_fields(template: str) -> None:
    """A new customer's file holds every field of the registry, in its order, and nothing else (besides the
    id, the key people and the log); each classification's comment names its vocabulary's terms, in order."""
    from salescli.yamlfile import fields_of
    from tests.conftest import REPO

    text = (REPO / template).read_text(encoding="utf-8")
    assert fields_of(text) == ["id", *profile.KEYS, profile.PEOPLE_KEY, "log"]
    for key in profile.CLASSIFICATION:
        vocabulary = BUILTIN[profile.BY_KEY[key].vocabulary or ""]
        comment = text.split(f"\n{key}:", 1)[1].split("\n", 1)[0]
        following = text.split(f"\n{key}:", 1)[1].split("\n")[1:]
        continued = itertools.takewhile(lambda line: line.startswith(" " * 16 + "#"), following)
        comment += " ".join(continued)
        assert re.findall(r"\b([a-z][a-z-]*) [^\x00-\x7f]", comment) == [term.key for term in vocabulary.terms], key
