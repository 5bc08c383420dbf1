import pytest

from salescli.errors import InvalidValue
from salescli.vocab import CHANNELS, FIELDS, ROLES, SIZES, SOURCES


def test_the_course_vocabularies() -> None:
    assert len(FIELDS.terms) == 16
    assert [term.zh for term in SIZES.terms] == ["系统", "散户", "个人"]
    assert [term.key for term in ROLES.terms] == ["owner", "intermediary", "contractor", "supervisor", "designer"]
    assert [term.zh for term in CHANNELS.terms] == ["陌拜", "缘故", "转介绍"]
    assert SOURCES.get("site-sign") is not None


@pytest.mark.parametrize(
    ("typed", "key"),
    [("real-estate", "real-estate"), ("房地产企业", "real-estate"), ("房地产", "real-estate"),
     ("REAL", "real-estate"), ("银行", "bank"), ("construction", "construction"), ("院校", "college")],
)
def test_fields_resolve_in_english_and_chinese(typed: str, key: str) -> None:
    assert FIELDS.resolve(typed).key == key


def test_unknown_value_suggests_the_closest() -> None:
    with pytest.raises(InvalidValue) as error:
        FIELDS.resolve("constructon")
    assert error.value.message.startswith("unknown field 'constructon' (did you mean 'construction'?)")


def test_ambiguous_prefix_is_refused() -> None:
    with pytest.raises(InvalidValue, match="unknown role ''"):
        ROLES.resolve("")
    with pytest.raises(InvalidValue, match="could be several fields"):
        FIELDS.resolve("p")  # power, petrochemical, pharma


def test_extended_vocabulary_keeps_builtins() -> None:
    extended = FIELDS.extended({"water": "水利部门"})
    assert extended.resolve("水利").key == "water"
    assert extended.resolve("bank").key == "bank"
    assert len(extended.terms) == 17


def test_a_word_typed_in_chinese_gets_chinese_choices() -> None:
    with pytest.raises(InvalidValue) as error:
        CHANNELS.resolve("朋友")
    assert error.value.message == "unknown channel '朋友'; use one of: 陌拜, 缘故, 转介绍"
    with pytest.raises(InvalidValue) as typo:
        CHANNELS.resolve("缘固")
    assert typo.value.message == "unknown channel '缘固' (did you mean '缘故'?); use one of: 陌拜, 缘故, 转介绍"
    with pytest.raises(InvalidValue) as english:
        CHANNELS.resolve("referal")
    assert english.value.message == ("unknown channel 'referal' (did you mean 'referral'?); "
                                     "use one of: cold, acquaintance, referral")
