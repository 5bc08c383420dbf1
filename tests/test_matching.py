from typing import NamedTuple

import pytest

from salescli import matching
from salescli.errors import InvalidValue


class C(NamedTuple):
    id: str
    name: str


SAMPLE = [C("zhongjiansanju", "中建三局"), C("zhongtieshiyiju", "中铁十一局"), C("dingsheng", "鼎盛地产"),
          C("wuhanhuajiangongchengjianli", "武汉华建工程监理有限公司"), C("baolihuazhong", "保利华中房地产有限公司"),
          C("hanyangjianli", "汉阳市政工程监理站"), C("hubei-rb", "Hubei Road & Bridge Co., Ltd.")]


@pytest.mark.parametrize(("reference", "expected"), [
    ("zhongjiansanju", "zhongjiansanju"),  # the id
    ("zhongt", "zhongtieshiyiju"),  # the start of the id
    ("鼎盛", "dingsheng"),  # a part of the name
    ("十一局", "zhongtieshiyiju"),
    ("保利华中房地产", "baolihuazhong"),  # the name without its company suffix
    ("huajian", "wuhanhuajiangongchengjianli"),  # a part of the id
    ("华建监理", "wuhanhuajiangongchengjianli"),  # the name in pieces, in order
    ("hjjl", "wuhanhuajiangongchengjianli"),  # pinyin initials, in pieces
    ("whhj", "wuhanhuajiangongchengjianli"),  # the start of the initials
    ("ＢＬＨＺ", "baolihuazhong"),  # full-width letters, as a Chinese keyboard types them
    ("hubei road", "hubei-rb"),  # case and spaces do not matter
])
def test_a_reference_as_reps_type_it(reference: str, expected: str) -> None:
    assert matching.resolve(SAMPLE, reference).id == expected


def test_an_ambiguous_reference_lists_the_candidates() -> None:
    with pytest.raises(InvalidValue, match=r"^'局' matches 2 customers: zhongjiansanju \(中建三局\); "
                                         r"zhongtieshiyiju \(中铁十一局\); be more specific$"):
        matching.resolve(SAMPLE, "局")
    with pytest.raises(InvalidValue, match="'监理' matches 2 customers"):
        matching.resolve(SAMPLE, "监理")


def test_loose_matching_needs_enough_to_go_on() -> None:
    with pytest.raises(InvalidValue, match="no customer matches '华房'"):  # two characters: not in pieces
        matching.resolve(SAMPLE, "华房")
    with pytest.raises(InvalidValue, match="no customer matches 'hz'"):  # two letters: no initials
        matching.resolve(SAMPLE, "hz")


def test_an_unknown_reference_suggests_the_closest_names() -> None:
    with pytest.raises(InvalidValue) as error:
        matching.resolve(SAMPLE, "zhongjiansanjv")
    assert str(error.value) == ("no customer matches 'zhongjiansanjv' (did you mean 中建三局 (zhongjiansanju)?); "
                                "`salescli list` shows them all")
    with pytest.raises(InvalidValue, match=r"^no customer matches 'xyz'; `salescli list` shows them all$"):
        matching.resolve(SAMPLE, "xyz")


def test_similar_names_before_adding_one() -> None:
    assert matching.similar(SAMPLE, " 鼎盛地产 ") == ([SAMPLE[2]], [])
    assert matching.similar(SAMPLE, "鼎盛地产有限公司") == ([SAMPLE[2]], [])  # only the suffix differs
    assert matching.similar(SAMPLE, "保利华中") == ([], [SAMPLE[4]])  # a part of an existing name
    assert matching.similar(SAMPLE, "中建三局第一建设有限公司") == ([], [SAMPLE[0]])  # holds an existing name
    assert matching.similar(SAMPLE, "华建监理") == ([], [SAMPLE[3]])  # in pieces
    assert matching.similar(SAMPLE, "中建八局") == ([], [])  # one character apart: another firm
    assert matching.similar(SAMPLE, "长江监理") == ([], [])


def test_a_name_with_one_character_wrong_is_suggested() -> None:
    with pytest.raises(InvalidValue) as error:
        matching.resolve(SAMPLE, "保丽华中")
    assert str(error.value) == ("no customer matches '保丽华中' (did you mean 保利华中房地产有限公司 "
                                "(baolihuazhong)?); `salescli list` shows them all")
    with pytest.raises(InvalidValue, match=r"did you mean 武汉华建工程监理有限公司 \(wuhanhuajiangongchengjianli\)\?"):
        matching.resolve(SAMPLE, "华建工程检理")


def test_a_short_form_keeping_the_head_of_a_name_is_near() -> None:
    long_name = C("zt5", "中铁大桥局集团第五工程有限公司")
    assert matching.similar([*SAMPLE, long_name], "中铁大桥局五公司") == ([], [long_name])
    assert matching.similar([*SAMPLE, long_name], "中铁大桥局八公司") == ([], [])  # 八 is not in the name


def test_pairs_of_names_alike_in_a_folder() -> None:
    folder = [*SAMPLE, C("zt5", "中铁大桥局集团第五工程有限公司"), C("zt5b", "中铁大桥局五公司"), C("zj8", "中建八局"),
              C("zj1", "中建三局第一建设有限公司"), C("blhz", "保利华中"), C("ds2", "鼎盛地产")]
    assert [(one.id, other.id) for one, other in matching.similar_pairs(folder)] == [
        ("zhongjiansanju", "zj1"), ("baolihuazhong", "blhz"), ("zt5", "zt5b")]  # 鼎盛地产 twice: a duplicate name
