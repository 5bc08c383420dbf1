import pytest

from salescli.errors import InvalidValue
from salescli.ids import slug, unique_id, validate_id


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("中建三局第一建设有限公司", "zhongjiansanjudiyijianshe"),
        ("重庆银行", "chongqingyinhang"),  # polyphonic characters read as in the word
        ("广联达 BIM 中心", "guanglianda-bim-zhongxin"),
        ("ABC Consulting Ltd.", "abc-consulting-ltd"),
        ("陈建国（自由预算员）", "chenjianguo-ziyouyusuanyuan"),
        ("★", "customer"),
    ],
)
def test_slug(name: str, expected: str) -> None:
    assert slug(name) == expected


def test_slug_is_short_enough_for_any_filesystem() -> None:
    assert len(slug("北京市建筑设计研究院第三设计所造价咨询分所有限责任公司")) <= 40


@pytest.mark.parametrize("bad", ["", "../x", "a/b", "/", ".hidden", "a..b", "con", "Upper", "a\x00b", "x-", "中文"])
def test_unsafe_ids_are_refused(bad: str) -> None:
    with pytest.raises(InvalidValue, match="cannot be a customer id"):
        validate_id(bad)


def test_control_characters_are_shown_escaped() -> None:
    with pytest.raises(InvalidValue) as error:
        validate_id("a\x1bb")
    assert "a\\x1bb" in error.value.message


def test_unique_id_numbers_collisions() -> None:
    assert unique_id("abc", set()) == "abc"
    assert unique_id("abc", {"abc", "abc-2"}) == "abc-3"
