"""The card parser (salescli/card.py): lines of text in, a key person's fields out — no OCR here."""

from __future__ import annotations

import pytest

from salescli.card import Card, Line, parse, same_company, short_form


def test_a_classic_chinese_card_is_read_field_by_field() -> None:
    card = parse(["中建三局第一建设工程有限责任公司", "安装分公司 预算部", "王建国", "预算科长 高级工程师",
                  "手机：139 0000 1234", "电话：027-8765 4321", "E-mail: WangJG@cscec3b.com.cn",
                  "地址：武汉市洪山区珞喻路1号"])
    assert card == Card(name="王建国", title="预算科长 高级工程师", mobile="13900001234", phone="027-87654321",
                        email="wangjg@cscec3b.com.cn", address="武汉市洪山区珞喻路1号",
                        company="中建三局第一建设工程有限责任公司", department="安装分公司预算部")
    assert card.unsure == ()


@pytest.mark.parametrize("line, mobile", [
    ("手机：13900001234", "13900001234"),
    ("手机 139 0000 1234", "13900001234"),
    ("手机号：139-0000-1234", "13900001234"),
    ("移动电话:+86 139 0000 1234", "13900001234"),
    ("Mobile: +86-13900001234", "13900001234"),
    ("M: 139 0000 1234", "13900001234"),
    ("M13900001234", "13900001234"),
    ("Mob.13900001234", "13900001234"),
    ("Mobi1e:139 00001234", "13900001234"),  # the OCR's 1 for l
    ("0086 139 0000 1234", "13900001234"),
    ("13900001234", "13900001234"),  # no label: the shape says it
    ("电话：13900001234", "13900001234"),  # a mobile under 电话 is a mobile
])
def test_mobile_numbers_are_eleven_digits_whatever_the_label_and_grouping(line: str, mobile: str) -> None:
    card = parse(["张伟", line])
    assert (card.mobile, card.phone) == (mobile, None)


@pytest.mark.parametrize("line, phone", [
    ("电话：027-87654321", "027-87654321"),
    ("电话：027-8765 4321", "027-87654321"),
    ("座机 (027) 8765 4321", "027-87654321"),
    ("办公电话：027 87654321", "027-87654321"),
    ("Tel: +86-27-8765-4321", "027-87654321"),
    ("Tel:+86 27 87654321", "027-87654321"),
    ("T: 0755-2345 6789", "0755-23456789"),
    ("T.010-62345678", "010-62345678"),
    ("Te1:(0791)5777 3160", "0791-57773160"),
    ("电话：0717-6543210", "0717-6543210"),  # a 4-digit area code and a 7-digit number
    ("电话：027-87654321转8012", "027-87654321转8012"),
    ("电话：02787654321 转 8012", "027-87654321转8012"),
    ("Tel: 027-87654321-8012", "027-87654321转8012"),
    ("027-87654321", "027-87654321"),  # no label: the area code says it
])
def test_office_numbers_keep_their_area_code(line: str, phone: str) -> None:
    card = parse(["张伟", line])
    assert (card.phone, card.mobile) == (phone, None)


def test_two_numbers_on_one_row_are_told_apart_and_the_fax_is_left_out() -> None:
    card = parse(["张伟", "T: 027-8765 4321  F: 027-8765 4322", "M: 139 0000 1234"])
    assert (card.phone, card.mobile) == ("027-87654321", "13900001234")
    card = parse(["张伟", "电话:027-87654321传真:027-87654322", "手机:13900001234"])
    assert (card.phone, card.mobile) == ("027-87654321", "13900001234")
    card = parse(["张伟", "传真：027-87654322", "手机:13900001234"])
    assert (card.phone, card.mobile) == (None, "13900001234")
    card = parse(["张伟", "027-87654321 13900001234"])
    assert (card.phone, card.mobile) == ("027-87654321", "13900001234")


def test_numbers_that_are_no_phone_are_not_taken() -> None:
    card = parse(["张伟", "QQ：12345678", "邮编：430074", "地址：武汉市洪山区珞喻路1037号", "www.hust.edu.cn",
                  "400-800-1234"])
    assert (card.mobile, card.phone) == (None, None)


@pytest.mark.parametrize("line, email, sure", [
    ("E-mail: wangjg@cscec3b.com.cn", "wangjg@cscec3b.com.cn", True),
    ("邮箱：wang.jg@mail.hbgc.com", "wang.jg@mail.hbgc.com", True),
    ("电子邮箱:li_81@163.com", "li_81@163.com", True),
    ("E: zt@ztjs.cn", "zt@ztjs.cn", True),
    ("Ewang37@cscec3b.com", "wang37@cscec3b.com", True),  # the label E run into the address
    ("Email:WANG@QQ.COM", "wang@qq.com", True),
    ("wangjg@cscec3b.com.cn", "wangjg@cscec3b.com.cn", True),  # no label: the @ says it
    ("邮箱：wang jg @ cscec3b . com", "wangjg@cscec3b.com", False),  # spaces read into it
    ("邮箱：wangjg@cscec3b,com", "wangjg@cscec3b.com", False),
    ("邮箱：xmowhsz.cn.com", "xm@whsz.cn.com", False),  # the OCR's o for @
    ("E-mail:xm.jgohjjl.org.cn", "xm.jg@hjjl.org.cn", False),
    ("邮箱：infooqq.com", "info@qq.com", False),  # two places it could be: before a mail server's name
    ("邮箱：xoyoo.cn", "xoyoo.cn", False),  # several, none before a mail server's name: left as read, to check
    ("E-mail:1iu.ming@mai1.163.net", "liu.ming@mail.163.net", False),  # the OCR's 1 for l
    ("E-mail:sa1es@hbgc.cn", "sales@hbgc.cn", False),
    ("E-mail:jg906@mail.163.c0m.cn", "jg906@mail.163.com.cn", False),
    ("E-mail:1i214@l63.com", "li214@163.com", False),
    ("E-mail:wang1@163.com", "wang1@163.com", True),  # a digit where one can be meant stays
    ("E-mail:li81@126.com", "li81@126.com", True),
    ("邮箱:info31@hjjlcom", "info31@hjjl.com", False),  # the dot before com lost
    ("E-mail:zt@ztjs.comcn", "zt@ztjs.com.cn", False),
    ("E-mail:info2360mai1.hbgc.cn", "info236@mail.hbgc.cn", False),  # 0 for @, before a mail server's name
    ("E-mail:wang@telecom.cn", "wang@telecom.cn", True),  # a domain that has its dots keeps its words
])
def test_email_addresses_and_how_sure_they_are(line: str, email: str, sure: bool) -> None:
    card = parse(["张伟", line])
    assert card.email == email
    assert ("email" not in card.unsure) is sure


@pytest.mark.parametrize("lines, name, title", [
    (["王建国", "预算科长"], "王建国", "预算科长"),
    (["王建国 预算科长"], "王建国", "预算科长"),
    (["王建国预算科长"], "王建国", "预算科长"),
    (["李强总经理"], "李强", "总经理"),
    (["方辉志副院长"], "方辉志", "副院长"),
    (["唐平注册造价师"], "唐平", "注册造价师"),
    (["赵春副院长"], "赵春", "副院长"),
    (["欧阳明月项目经理"], "欧阳明月", "项目经理"),
    (["王  强", "经理"], "王强", "经理"),  # a two-character name set wide
    (["项目经理", "林兰建"], "林兰建", "项目经理"),  # 项 is a surname, 项目经理 a title
    (["商务经理", "熊萍诚"], "熊萍诚", "商务经理"),
    (["董事长一级建造师", "苏磊"], "苏磊", "董事长 一级建造师"),
    (["高级工程师注册造价师", "沈梓"], "沈梓", "高级工程师 注册造价师"),
    (["副总经理 苏秀"], "苏秀", "副总经理"),
    (["总经理助理", "周洁"], "周洁", "总经理助理"),
    (["姓名：赵敏", "职务：采购主管"], "赵敏", "采购主管"),
])
def test_a_name_beside_or_above_its_title(lines: list[str], name: str, title: str) -> None:
    card = parse(["武汉华建工程监理有限公司", *lines, "手机：13900001234"])
    assert (card.name, card.title) == (name, title)


def test_the_biggest_name_on_the_card_is_the_persons() -> None:
    lines = [Line("华建监理", 1.0, (60, 20, 300, 80)), Line("武汉华建工程监理有限公司", 1.0, (60, 100, 500, 128)),
             Line("王建国", 1.0, (60, 160, 210, 215)), Line("预算科长", 1.0, (240, 185, 350, 211)),
             Line("联系人：李明", 1.0, (60, 300, 250, 324))]
    card = parse(lines)
    assert (card.name, card.title, card.company) == ("王建国", "预算科长", "武汉华建工程监理有限公司")


def test_rows_side_by_side_are_read_apart() -> None:
    lines = [Line("陶庆", 0.99, (60, 90, 200, 150)), Line("手机15368908982", 0.99, (430, 60, 700, 82)),
             Line("座机(0710)81384436", 0.99, (430, 100, 700, 122)), Line("项目经理", 0.99, (60, 160, 160, 186))]
    card = parse(lines)
    assert (card.name, card.title, card.mobile, card.phone) == ("陶庆", "项目经理", "15368908982", "0710-81384436")


def test_a_label_and_its_value_in_two_boxes_of_one_row() -> None:
    lines = [Line("张伟", 1.0, (60, 40, 160, 90)), Line("手机", 1.0, (60, 200, 110, 222)),
             Line("13900001234", 1.0, (120, 201, 300, 223)), Line("地址", 1.0, (60, 240, 110, 262)),
             Line("武汉市洪山区珞喻路1号", 1.0, (120, 241, 400, 263))]
    card = parse(lines)
    assert (card.mobile, card.address) == ("13900001234", "武汉市洪山区珞喻路1号")


@pytest.mark.parametrize("lines, company", [
    (["湖北省交通规划设计院", "股份有限公司"], "湖北省交通规划设计院股份有限公司"),
    (["中建三局第一建设", "工程有限责任公司"], "中建三局第一建设工程有限责任公司"),
    (["武汉华建勘察设", "计有限责任公司"], "武汉华建勘察设计有限责任公司"),
    (["上海恒信建设工程", "集团有限公司"], "上海恒信建设工程集团有限公司"),
    (["武汉市市政建设集团有限公司"], "武汉市市政建设集团有限公司"),
])
def test_a_company_split_over_two_lines_is_one_company(lines: list[str], company: str) -> None:
    card = parse([*lines, "张伟", "经理", "手机：13900001234"])
    assert card.company == company


def test_a_logo_above_the_company_is_not_part_of_it() -> None:
    lines = [Line("中建三局", 1.0, (60, 10, 400, 90)),
             Line("中建三局第一建设工程有限责任公司", 1.0, (60, 100, 500, 128)),
             Line("张伟", 1.0, (60, 160, 160, 210))]
    assert parse(lines).company == "中建三局第一建设工程有限责任公司"


@pytest.mark.parametrize("lines, company, department", [
    (["中建三局一公司 预算部"], "中建三局一公司", "预算部"),
    (["中建三局第一建设工程有限责任公司", "安装分公司"], "中建三局第一建设工程有限责任公司", "安装分公司"),
    (["武汉市政工程设计研究院有限责任公司", "造价咨询部"], "武汉市政工程设计研究院有限责任公司", "造价咨询部"),
    (["湖北金桥电力设计有限责任公司设计一所"], "湖北金桥电力设计有限责任公司", "设计一所"),
    (["武汉市政工程设计研究院有限责任公司"], "武汉市政工程设计研究院有限责任公司", None),
    (["湖北明达建筑设计院", "安装分公司"], "湖北明达建筑设计院", "安装分公司"),
])
def test_the_department_printed_with_the_company(lines: list[str], company: str, department: str | None) -> None:
    card = parse([*lines, "张伟", "经理"])
    assert (card.company, card.department) == (company, department)


def test_an_address_and_its_second_line() -> None:
    card = parse(["张伟", "地址：武汉市洪山区珞喻路1037号", "华中科技大学科技园18楼", "手机：13900001234"])
    assert card.address == "武汉市洪山区珞喻路1037号华中科技大学科技园18楼"
    card = parse(["张伟", "Add: 武汉市洪山区珞喻路1037号", "Add: No.1037 Luoyu Road, Wuhan"])
    assert card.address == "武汉市洪山区珞喻路1037号"
    assert parse(["张伟", "Add:No.1037 Luoyu Road, Wuhan"]).address == "No.1037 Luoyu Road, Wuhan"
    # no label: its words say it
    assert parse(["张伟", "武汉市洪山区珞喻路1037号"]).address == "武汉市洪山区珞喻路1037号"
    card = parse(["地址：武汉市洪山区珞喻路1037号科技园", "张伟", "36楼"])  # a column beside: the next line but one
    assert card.address == "武汉市洪山区珞喻路1037号科技园36楼"
    assert parse(["● 武汉市洪山区珞喻路1037号", "☎ 027-87654321"]).address == "武汉市洪山区珞喻路1037号"


def test_what_the_card_does_not_print_stays_empty() -> None:
    card = parse(["王建国", "手机：13900001234"])
    assert card == Card(name="王建国", mobile="13900001234")
    assert parse(["www.cscec3b.com", "诚信 专业 共赢"]) == Card()


def test_english_lines_of_a_bilingual_card_give_way_to_the_chinese() -> None:
    card = parse(["武汉华建工程监理有限公司", "Wuhan Huajian Engineering Supervision Co., Ltd.", "王建国 Wang Jianguo",
                  "总工程师", "Chief Engineer", "Mobile: 13900001234"])
    assert (card.name, card.title, card.company) == ("王建国", "总工程师", "武汉华建工程监理有限公司")
    card = parse(["Wuhan Huajian Engineering Co., Ltd.", "王建国", "Chief Engineer"])
    assert (card.company, card.title, card.unsure) == ("Wuhan Huajian Engineering Co., Ltd.", "Chief Engineer",
                                                       ("title", "company"))


def test_a_doubtful_reading_is_named_for_checking() -> None:
    lines = [Line("王建国", 0.99), Line("手机：13900001234", 0.62), Line("邮箱：wangjg@cscec3b.com", 0.98)]
    assert parse(lines).unsure == ("mobile",)
    assert parse(["王建国", "手机：1390000123"]).unsure == ("mobile",)  # a digit short: kept as read, to check
    assert parse(["王建国", "手机：1390000123"]).mobile == "1390000123"
    assert parse(["王建国", "手机：13900001234", "手机：13700001234"]).unsure == ("mobile",)  # two: the first
    assert parse(["王建国", "李明", "手机：13900001234"]).unsure == ("name",)  # two names alike


def test_full_width_text_is_read_as_ascii() -> None:
    card = parse(["王建国", "手机：１３９００００１２３４", "Ｅ－ｍａｉｌ：ＷＪＧ＠ｑｑ．ｃｏｍ"])
    assert (card.mobile, card.email) == ("13900001234", "wjg@qq.com")


def test_a_card_turned_in_the_photo_keeps_its_rows() -> None:
    # Boxes straightened by the OCR adapter: a row's pieces share most of their height.
    lines = [Line("王建国", 1.0, (60, 100, 200, 150)), Line("预算科长", 1.0, (230, 118, 330, 146)),
             Line("手机：13900001234", 1.0, (60, 200, 300, 222)), Line("电话：027-87654321", 1.0, (320, 203, 560, 225))]
    card = parse(lines)
    assert (card.name, card.title, card.mobile, card.phone) == ("王建国", "预算科长", "13900001234", "027-87654321")
    assert card.text == ("王建国 预算科长", "手机:13900001234 电话:027-87654321")


@pytest.mark.parametrize("card, folder, same", [
    ("中建三局第一建设工程有限责任公司", "中建三局一公司", True),
    ("中建三局第一建设有限公司", "中建三局一公司", True),
    ("中建三局第一建设工程有限责任公司", "中建八局一公司", False),
    ("中建三局第一安装工程有限公司", "中建三局一公司", False),
    ("武汉华建工程监理有限公司", "武汉华建监理有限公司", True),
    ("中建公司", "中建有限公司", False),  # too little left to tell firms apart
])
def test_a_company_in_full_and_for_short(card: str, folder: str, same: bool) -> None:
    assert same_company(card, folder) is same
    assert short_form("中建三局第一建设工程有限责任公司") == "中建三局一"
