"""Generated photos of Chinese business cards (名片), each with what it prints, for the card benchmark.

Varied on purpose, so that the parser is not tuned to one look: six layouts (left-aligned, centred,
two columns, a coloured band, bilingual, two values a row), every CJK font installed (Noto Sans and
Serif CJK at least; WenQuanYi and AR PL where present), the Latin lines in the CJK font's own letters
or in a Latin font (DejaVu, Liberation), labels in Chinese, in English, as single
letters or as icons with no word, numbers grouped by spaces, dashes or brackets, +86, extensions,
fields left out at random, fax, web site, QQ and slogans beside them, companies split over two
lines, names beside their titles. The photo: the card on a table, turned up to ±5°, blurred, darker
or brighter, noisy, JPEG quality 45–90.

    python benchmarks/card_photos.py OUT_DIR [COUNT] [SEED]   # writes OUT_DIR/card-NNN.jpg and cards.json
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from PIL import Image, ImageDraw, ImageFilter, ImageFont

WIDTH, HEIGHT = 900, 540  # 90 × 54 mm at 10 px/mm

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚"
            "卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
COMPOUND = ("欧阳", "司马", "上官", "诸葛", "东方")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建国志文辉鹏宇浩凯俊峰斌波晨欣怡婷雪琳瑶"
         "晓东海燕春梅兰林松涛鑫宏亮德昌庆永胜利新忠诚嘉琪思远博文子轩梓涵一鸣佳慧雨桐家豪")
TITLES = ("预算科长", "总经理", "副总经理", "项目经理", "造价部经理", "总工程师", "高级工程师", "经理", "主任",
          "办公室主任", "财务总监", "技术负责人", "预算员", "注册造价师", "市场部经理", "采购主管", "董事长",
          "副院长", "所长", "商务经理", "合约部部长", "工程部副经理", "销售代表", "客户经理", "总监", "科长")
CITIES = ("武汉", "长沙", "郑州", "南昌", "合肥", "成都", "重庆", "西安", "湖北", "宜昌", "襄阳", "黄石", "孝感",
          "荆州", "十堰", "深圳", "广州", "北京", "上海", "天津", "南京", "杭州", "济南", "沈阳")
BRANDS = ("华建", "中天", "宏盛", "金桥", "博远", "鼎盛", "长江", "楚天", "汉江", "东方", "恒信", "广厦", "嘉禾",
          "新城", "远大", "华信", "中科", "正泰", "联创", "同济", "明达", "九州", "瑞丰", "国泰")
TRADES = ("建设工程", "工程监理", "造价咨询", "建筑设计", "市政工程", "路桥建设", "房地产开发", "建筑安装",
          "装饰工程", "工程咨询", "建工", "水利水电工程", "电力设计", "勘察设计")
FORMS = ("有限公司", "有限责任公司", "股份有限公司", "集团有限公司")
INSTITUTES = ("设计研究院", "规划设计院", "工程研究院", "建筑设计院", "勘察设计研究院")
DEPARTMENTS = ("预算部", "造价咨询部", "安装分公司", "市场部", "工程管理部", "财务处", "技术中心", "合约部",
               "第二项目部", "成本管理中心", "办公室", "设计一所")
DISTRICTS = ("洪山区", "武昌区", "江汉区", "江岸区", "硚口区", "汉阳区", "青山区", "东湖高新区", "岳麓区", "金水区",
             "高新区", "经开区", "天河区", "南山区")
ROADS = ("珞喻路", "中山大道", "解放大道", "武珞路", "光谷大道", "建设大道", "友谊大道", "雄楚大道", "民族大道",
         "人民路", "长江路", "和平街", "学院路", "科技园路")
BUILDINGS = ("国际大厦", "科技园", "商务中心", "金融广场", "创业大厦", "世贸中心", "华中大厦")
DOMAINS = ("com", "com.cn", "cn", "net", "org.cn", "cn.com")
SLOGANS = ("诚信 专业 共赢", "品质铸就未来", "专注工程造价二十年", "让建筑更美好", "精心设计 追求卓越")
AREA_CODES = ("027", "0731", "0371", "0791", "0551", "028", "023", "029", "0717", "0710", "0714", "0712",
              "0716", "0719", "0755", "020", "010", "021", "022", "025", "0571", "0531", "024")
PINYIN = {"王": "Wang", "李": "Li", "张": "Zhang", "刘": "Liu", "陈": "Chen", "杨": "Yang", "黄": "Huang",
          "赵": "Zhao", "吴": "Wu", "周": "Zhou"}
EN_TITLES = {"总经理": "General Manager", "项目经理": "Project Manager", "总工程师": "Chief Engineer",
             "高级工程师": "Senior Engineer", "经理": "Manager", "财务总监": "CFO", "董事长": "Chairman"}


@dataclass(frozen=True)
class Expected:
    """What a card prints, as the parser should give it (None: not on the card)."""

    name: str
    title: str | None
    mobile: str | None
    phone: str | None
    email: str | None
    address: str | None
    company: str
    department: str | None
    layout: str = ""
    font: str = ""


# ---- fonts ---------------------------------------------------------------------------------------

def fonts() -> list[tuple[str, int]]:
    """Every CJK font installed (file, index of its Simplified Chinese face)."""
    try:
        listed = subprocess.run(["fc-list", ":lang=zh-cn", "file", "index", "family"], capture_output=True,
                                text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        listed = ""
    found: dict[str, tuple[int, bool]] = {}
    for line in listed.splitlines():
        path, _, rest = line.partition(": ")
        family = rest.split(":index=")[0]
        index = int(rest.split(":index=")[1]) if ":index=" in rest else 0
        if "Mono" in family or ("CJK" in family and "SC" not in family):
            continue
        chinese = "SC" in family or " CN" in family or index == 0
        if path not in found or (chinese and not found[path][1]):
            found[path] = (index, chinese)
    return sorted((path, index) for path, (index, _chinese) in found.items())


_FONT_CACHE: dict[tuple[str, int, int], ImageFont.FreeTypeFont] = {}


def _font(face: tuple[str, int], size: int) -> ImageFont.FreeTypeFont:
    key = (face[0], face[1], size)
    if key not in _FONT_CACHE:
        _FONT_CACHE[key] = ImageFont.truetype(face[0], size, index=face[1])
    return _FONT_CACHE[key]


# ---- what a card prints --------------------------------------------------------------------------

def person(rng: random.Random) -> dict[str, str | None]:
    surname = rng.choice(COMPOUND) if rng.random() < 0.05 else rng.choice(SURNAMES)
    given = "".join(rng.choice(GIVEN) for _ in range(1 if rng.random() < 0.35 else 2))
    name = surname + given
    title = rng.choice(TITLES)
    if rng.random() < 0.2:
        title += " " + rng.choice(("高级工程师", "注册造价师", "一级建造师", "经济师"))
    city = rng.choice(CITIES)
    if rng.random() < 0.2:
        company = city + rng.choice(BRANDS) + rng.choice(INSTITUTES) + (rng.choice(FORMS) if rng.random() < 0.5 else "")
    else:
        company = city + rng.choice(BRANDS) + rng.choice(TRADES) + rng.choice(FORMS)
    area = rng.choice(AREA_CODES)
    local = str(rng.randint(2, 8)) + "".join(str(rng.randint(0, 9)) for _ in range(6 if len(area) == 4 and
                                                                                    rng.random() < 0.3 else 7))
    phone = f"{area}-{local}" + (f"转{rng.randint(100, 8999)}" if rng.random() < 0.1 else "")
    mobile = "1" + rng.choice("3456789") + "".join(str(rng.randint(0, 9)) for _ in range(9))
    user = rng.choice(("wang", "li", "zhang", "liu", "chen", "yang", "hj", "zt", "info", "sales", "xm", "jg"))
    user += rng.choice(("", str(rng.randint(1, 999)), "." + rng.choice(("jg", "ming", "wei", "fang")), "_" + "x"))
    email = f"{user}@{rng.choice(('', 'mail.'))}" \
            f"{rng.choice(('hjjl', 'ztjs', 'csadi', 'whsz', 'cscec3b', 'qq', '163', 'hbgc'))}" \
            f".{rng.choice(DOMAINS)}"
    district = rng.choice(DISTRICTS)
    address = f"{city if not city.endswith('省') else ''}{'市' if city not in ('湖北',) else '省武汉市'}{district}" \
              f"{rng.choice(ROADS)}{rng.randint(1, 999)}号" + (f"{rng.choice(BUILDINGS)}{rng.randint(2, 40)}楼"
                                                              if rng.random() < 0.6 else "")
    return {
        "name": name, "title": title if rng.random() < 0.95 else None,
        "mobile": mobile if rng.random() < 0.9 else None,
        "phone": phone if rng.random() < 0.75 else None,
        "email": email.lower() if rng.random() < 0.8 else None,
        "address": address if rng.random() < 0.8 else None,
        "company": company,
        "department": rng.choice(DEPARTMENTS) if rng.random() < 0.35 else None,
    }


def printed_mobile(mobile: str, rng: random.Random) -> str:
    return rng.choice((mobile, f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}", f"{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}",
                       f"+86 {mobile[:3]} {mobile[3:7]} {mobile[7:]}", f"+86-{mobile}", f"{mobile[:3]} {mobile[3:]}"))


def printed_phone(phone: str, rng: random.Random) -> str:
    number, _, extension = phone.partition("转")
    area, local = number.split("-")
    half = len(local) // 2
    shown = rng.choice((f"{area}-{local}", f"{area}-{local[:half]} {local[half:]}", f"({area}){local}",
                        f"({area}) {local[:half]} {local[half:]}", f"{area} {local}", f"+86-{area[1:]}-{local}",
                        f"{area}-{local[:half]}-{local[half:]}" if half == 4 else f"{area}-{local}"))
    return shown + (rng.choice((f" 转{extension}", f"转{extension}", f"-{extension}")) if extension else "")


_LABELS = {  # label sets: mobile, office, fax, e-mail, address, web
    "zh": ("手机：", "电话：", "传真：", "邮箱：", "地址：", "网址："),
    "zh2": ("手机 ", "座机 ", "传真 ", "E-mail：", "公司地址：", "网址 "),
    "zh3": ("手机号：", "办公电话：", "传真：", "电子邮箱：", "地址：", "网站："),
    "en": ("Mobile: ", "Tel: ", "Fax: ", "E-mail: ", "Add: ", "Web: "),
    "letter": ("M: ", "T: ", "F: ", "E: ", "A: ", "W: "),
    "letter2": ("M ", "T ", "F ", "E ", "Add ", "W "),
    "icon": ("", "", None, "", "", ""),
}


def contact_lines(card: dict[str, str | None], rng: random.Random, labels: str, *, pairs: bool = False
                  ) -> list[tuple[str, str | None]]:
    """The card's contact lines (text, icon kind or None), in a random order of the usual ones."""
    words = _LABELS[labels]
    lines: list[tuple[str, str | None]] = []
    icon = "icon" if labels == "icon" else None
    phone = words[1] + printed_phone(card["phone"], rng) if card["phone"] else None
    mobile = words[0] + printed_mobile(card["mobile"], rng) if card["mobile"] else None
    fax = None
    if card["phone"] and words[2] is not None and rng.random() < 0.4:
        area = card["phone"].split("-")[0]
        fax = words[2] + f"{area}-{rng.randint(2, 8)}{rng.randint(100000, 9999999)}"
    order = [mobile, phone, fax] if rng.random() < 0.5 else [phone, fax, mobile]
    numbers = [line for line in order if line]
    if pairs and len(numbers) >= 2:
        lines.append(("  ".join(numbers[:2]), None))
        numbers = numbers[2:]
    lines += [(line, icon) for line in numbers]
    if card["email"]:
        lines.append((words[3] + card["email"], icon))
    if card["address"]:
        address = card["address"]
        if len(address) > 22 and rng.random() < 0.5:
            cut = address.index("号") + 1 if "号" in address[:-2] else len(address) // 2
            lines.append((words[4] + address[:cut], icon))
            lines.append(((" " * 4 if words[4] else "") + address[cut:], None))
        else:
            lines.append((words[4] + address, icon))
    if rng.random() < 0.3:
        lines.append(((words[5] or "") + f"www.{rng.choice(('hjjl', 'ztjs', 'cscec', 'hbgc'))}.com", None))
    if rng.random() < 0.15:
        lines.append((f"QQ：{rng.randint(10000000, 999999999)}", None))
    if card["address"] and rng.random() < 0.15:
        lines.append((f"邮编：{rng.randint(100000, 999999)}", None))
    return lines


# ---- layouts -------------------------------------------------------------------------------------

@dataclass
class _Style:
    face: tuple[str, int]
    bold: tuple[str, int]
    ink: tuple[int, int, int]
    accent: tuple[int, int, int]
    paper: tuple[int, int, int]
    latin: tuple[str, int] | None = None  # the font of lines without Chinese (None: the CJK font's own letters)

    def font_for(self, text: str, size: int) -> ImageFont.FreeTypeFont:
        return _font(self.latin if self.latin and text.isascii() else self.face, size)


LATIN_FONTS = [path for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                                 "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
                                 "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf")
               if Path(path).exists()]


def _text(draw: ImageDraw.ImageDraw, at: tuple[float, float], text: str, font: ImageFont.FreeTypeFont,
          fill: tuple[int, int, int], *, anchor: str = "la", spacing: float = 0) -> float:
    """Draw text (with extra letter spacing, as names are often set); its width."""
    if not spacing:
        draw.text(at, text, font=font, fill=fill, anchor=anchor)
        return draw.textlength(text, font=font)
    width = sum(draw.textlength(ch, font=font) for ch in text) + spacing * (len(text) - 1)
    x = at[0] - (width / 2 if anchor[0] == "m" else width if anchor[0] == "r" else 0)
    for ch in text:
        draw.text((x, at[1]), ch, font=font, fill=fill, anchor="l" + anchor[1])
        x += draw.textlength(ch, font=font) + spacing
    return width


def _icon(draw: ImageDraw.ImageDraw, x: float, y: float, size: int, colour: tuple[int, int, int]) -> None:
    draw.ellipse((x, y + size * 0.15, x + size * 0.8, y + size * 0.95), fill=colour)


def _company_rows(company: str, rng: random.Random, split: bool) -> list[str]:
    if split and len(company) >= 12:
        for form in ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司"):
            if company.endswith(form) and rng.random() < 0.5:
                return [company[:-len(form)], form]
        cut = len(company) // 2 + rng.randint(-1, 1)
        return [company[:cut], company[cut:]]
    return [company]


def _contacts(draw: ImageDraw.ImageDraw, lines: list[tuple[str, str | None]], x: float, y: float, size: int,
              style: _Style, *, anchor: str = "la", gap: float = 1.45) -> float:
    for text, icon in lines:
        font = style.font_for(text, size)
        if icon:
            _icon(draw, x, y, size, style.accent)
            _text(draw, (x + size * 1.3, y), text, font, style.ink)
        else:
            _text(draw, (x, y), text, font, style.ink, anchor=anchor)
        y += size * gap
    return y


def _name_spacing(name: str, size: int, rng: random.Random) -> float:
    return size * rng.choice((0, 0, 0.3, 0.6)) if len(name) == 2 else 0


def layout_left(draw: ImageDraw.ImageDraw, card: dict[str, str | None], rng: random.Random, style: _Style) -> None:
    y = 45
    small = rng.randint(22, 28)
    for row in _company_rows(card["company"] or "", rng, rng.random() < 0.3):
        _text(draw, (60, y), row, _font(style.bold, small + 2), style.accent)
        y += (small + 2) * 1.35
    if card["department"]:
        _text(draw, (60, y), card["department"], _font(style.face, small - 2), style.ink)
        y += small * 1.3
    y += 25
    big = rng.randint(44, 60)
    width = _text(draw, (60, y), card["name"] or "", _font(style.bold, big), style.ink,
                  spacing=_name_spacing(card["name"] or "", big, rng))
    if card["title"]:
        _text(draw, (60 + width + rng.randint(20, 40), y + big - small * 1.1), card["title"], _font(style.face, small),
              style.ink)
    draw.line((60, y + big * 1.45, WIDTH - 60, y + big * 1.45), fill=style.accent, width=2)
    labels = rng.choice(("zh", "zh2", "zh3", "en", "letter", "icon"))
    _contacts(draw, contact_lines(card, rng, labels), 60, y + big * 1.7, small - 2, style)


def layout_centred(draw: ImageDraw.ImageDraw, card: dict[str, str | None], rng: random.Random, style: _Style) -> None:
    small = rng.randint(20, 26)
    y = 40
    for row in _company_rows(card["company"] or "", rng, rng.random() < 0.4):
        _text(draw, (WIDTH / 2, y), row, _font(style.bold, small + 4), style.accent, anchor="ma")
        y += (small + 4) * 1.3
    if card["department"]:
        _text(draw, (WIDTH / 2, y), card["department"], _font(style.face, small), style.ink, anchor="ma")
        y += small * 1.3
    big = rng.randint(46, 64)
    y += 20
    _text(draw, (WIDTH / 2, y), card["name"] or "", _font(style.bold, big), style.ink, anchor="ma",
          spacing=_name_spacing(card["name"] or "", big, rng))
    y += big * 1.3
    if card["title"]:
        _text(draw, (WIDTH / 2, y), card["title"], _font(style.face, small), style.ink, anchor="ma")
    y += small * 1.8
    lines = contact_lines(card, rng, rng.choice(("zh", "en", "zh3", "letter2")), pairs=rng.random() < 0.5)
    size = small - 3
    for text, _icon_kind in lines:
        _text(draw, (WIDTH / 2, y), text, style.font_for(text, size), style.ink, anchor="ma")
        y += size * 1.4


def layout_columns(draw: ImageDraw.ImageDraw, card: dict[str, str | None], rng: random.Random, style: _Style) -> None:
    big = rng.randint(48, 62)
    small = rng.randint(20, 26)
    _text(draw, (60, 90), card["name"] or "", _font(style.bold, big), style.ink,
          spacing=_name_spacing(card["name"] or "", big, rng))
    if card["title"]:
        _text(draw, (60, 90 + big * 1.35), card["title"].replace(" ", "\n") if False else card["title"],
              _font(style.face, small), style.ink)
    lines = contact_lines(card, rng, rng.choice(("zh", "en", "letter", "zh2")))
    size = small - 4
    wrapped = []
    for text, icon in lines:  # an address too long for the right column goes on in a second line
        text = text.strip()
        font = style.font_for(text, size)
        while draw.textlength(text, font=font) > WIDTH - 470 - size * 1.3:
            cut = len(text) - 1
            while draw.textlength(text[:cut], font=font) > WIDTH - 470 - size * 1.3:
                cut -= 1
            wrapped.append((text[:cut], icon))
            text, icon = text[cut:], None
        wrapped.append((text, icon))
    _contacts(draw, wrapped, 430, 60, size, style, gap=1.45)
    draw.rectangle((0, HEIGHT - 95, WIDTH, HEIGHT), fill=style.accent)
    y = HEIGHT - 80
    rows = _company_rows(card["company"] or "", rng, False)
    company_text = rows[0] + ("  " + card["department"] if card["department"] else "")
    _text(draw, (60, y + 15), company_text, _font(style.bold, small + 2), (255, 255, 255))


def layout_band(draw: ImageDraw.ImageDraw, card: dict[str, str | None], rng: random.Random, style: _Style) -> None:
    draw.rectangle((0, 0, 150, HEIGHT), fill=style.accent)
    draw.ellipse((35, 40, 115, 120), outline=(255, 255, 255), width=5)
    x = 190
    small = rng.randint(21, 26)
    y = 40
    for row in _company_rows(card["company"] or "", rng, True):
        _text(draw, (x, y), row, _font(style.bold, small + 3), style.ink)
        y += (small + 3) * 1.3
    if card["department"]:
        _text(draw, (x, y), card["department"], _font(style.face, small - 2), style.ink)
        y += small * 1.3
    y += 20
    big = rng.randint(42, 56)
    if card["title"] and rng.random() < 0.5:
        _text(draw, (x, y), f"{card['name']} {card['title']}" if rng.random() < 0.5 else
              f"{card['name']}  {card['title']}", _font(style.bold, big - 10), style.ink)
        y += big * 1.4
    else:
        _text(draw, (x, y), card["name"] or "", _font(style.bold, big), style.ink)
        y += big * 1.3
        if card["title"]:
            _text(draw, (x, y), card["title"], _font(style.face, small), style.ink)
            y += small * 1.6
    _contacts(draw, contact_lines(card, rng, rng.choice(("zh", "zh3", "en", "letter2"))), x, y + 10, small - 4, style,
              gap=1.4)


def layout_bilingual(draw: ImageDraw.ImageDraw, card: dict[str, str | None], rng: random.Random, style: _Style) -> None:
    small = rng.randint(20, 24)
    latin = _font(("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0), small - 4) \
        if Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").exists() else _font(style.face, small - 4)
    y = 35
    _text(draw, (60, y), card["company"] or "", _font(style.bold, small + 2), style.accent)
    y += (small + 2) * 1.25
    _text(draw, (60, y), f"{rng.choice(('Wuhan', 'Hubei', 'Changsha'))} {rng.choice(('Huajian', 'Zhongtian'))} "
                         f"Engineering Co., Ltd.", latin, style.accent)
    y += small * 1.5
    if card["department"]:
        _text(draw, (60, y), card["department"], _font(style.face, small - 2), style.ink)
        y += small * 1.4
    big = rng.randint(44, 56)
    name = card["name"] or ""
    width = _text(draw, (60, y), name, _font(style.bold, big), style.ink)
    pinyin = PINYIN.get(name[0], "Zhou") + " " + rng.choice(("Jianguo", "Wei", "Fang", "Ming"))
    _text(draw, (60 + width + 25, y + big * 0.15), pinyin, latin, style.ink)
    if card["title"]:
        _text(draw, (60 + width + 25, y + big * 0.65), card["title"], _font(style.face, small - 2), style.ink)
        y += big * 1.3
        english = EN_TITLES.get(card["title"].split(" ")[0])
        if english:
            _text(draw, (60, y), english, latin, style.ink)
            y += small * 1.3
    else:
        y += big * 1.3
    y += 10
    words = rng.choice(("zh", "en"))
    lines = contact_lines(card, rng, words)
    _contacts(draw, lines, 60, y, small - 4, style, gap=1.35)


def layout_pairs(draw: ImageDraw.ImageDraw, card: dict[str, str | None], rng: random.Random, style: _Style) -> None:
    small = rng.randint(20, 25)
    big = rng.randint(46, 58)
    y = 60
    width = _text(draw, (WIDTH - 60, y), card["name"] or "", _font(style.bold, big), style.ink, anchor="ra")
    if card["title"]:
        _text(draw, (WIDTH - 60 - width - 30, y + big - small * 1.2), card["title"], _font(style.face, small),
              style.ink, anchor="ra")
    y += big * 1.5
    for row in _company_rows(card["company"] or "", rng, rng.random() < 0.5):
        _text(draw, (WIDTH - 60, y), row, _font(style.bold, small + 1), style.accent, anchor="ra")
        y += (small + 1) * 1.3
    if card["department"]:
        _text(draw, (WIDTH - 60, y), card["department"], _font(style.face, small - 2), style.ink, anchor="ra")
    y = HEIGHT - 200
    draw.line((60, y - 15, WIDTH - 60, y - 15), fill=style.accent, width=3)
    lines = contact_lines(card, rng, rng.choice(("zh", "letter", "en")), pairs=True)
    _contacts(draw, lines[:6], 60, y, small - 4, style, gap=1.4)


LAYOUTS: dict[str, Callable[[ImageDraw.ImageDraw, dict[str, str | None], random.Random, _Style], None]] = {
    "left": layout_left, "centred": layout_centred, "columns": layout_columns, "band": layout_band,
    "bilingual": layout_bilingual, "pairs": layout_pairs,
}


# ---- the photo -----------------------------------------------------------------------------------

def card_image(card: dict[str, str | None], rng: random.Random, faces: list[tuple[str, int]], layout: str
               ) -> tuple[Image.Image, str]:
    face = rng.choice(faces)
    bold = next((f for f in faces if f[0] == face[0].replace("Regular", "Bold") and f[1] == face[1]), face)
    dark = rng.random() < 0.15
    paper = (rng.randint(235, 255), rng.randint(232, 255), rng.randint(225, 255))
    ink = (rng.randint(0, 60),) * 3
    accent = rng.choice(((170, 20, 30), (20, 60, 140), (0, 100, 70), (40, 40, 40), (120, 80, 20)))
    if dark:
        paper, ink = (30, 45, 80), (240, 240, 240)
        accent = (230, 200, 120)
    image = Image.new("RGB", (WIDTH, HEIGHT), paper)
    draw = ImageDraw.Draw(image)
    latin = (rng.choice(LATIN_FONTS), 0) if LATIN_FONTS and rng.random() < 0.5 else None
    LAYOUTS[layout](draw, card, rng, _Style(face, bold, ink, accent, paper, latin))
    return image, Path(face[0]).stem


def photograph(card: Image.Image, rng: random.Random) -> Image.Image:
    """The card on a table, as a phone takes it: scaled, turned, lit unevenly, blurred, noisy."""
    scale = rng.uniform(1.0, 1.9)
    card = card.resize((int(WIDTH * scale), int(HEIGHT * scale)), Image.LANCZOS)
    table = (rng.randint(60, 200), rng.randint(60, 190), rng.randint(50, 180))
    margin = int(rng.uniform(0.05, 0.25) * card.width)
    canvas = Image.new("RGB", (card.width + 2 * margin, card.height + 2 * margin), table)
    canvas.paste(card, (margin + rng.randint(-margin // 3, margin // 3),
                        margin + rng.randint(-margin // 3, margin // 3)))
    canvas = canvas.rotate(rng.uniform(-5, 5), resample=Image.BICUBIC, expand=False, fillcolor=table)
    light = Image.linear_gradient("L").resize(canvas.size).rotate(rng.uniform(0, 360))
    canvas = Image.composite(canvas, Image.eval(canvas, lambda v: int(v * rng.uniform(0.7, 0.9))),
                             light.point(lambda v: 255 - v // 3))
    radius = rng.choice((0, 0.4, 0.7, 1.0, 1.3))
    if radius:
        canvas = canvas.filter(ImageFilter.GaussianBlur(radius * scale))
    noise = Image.effect_noise(canvas.size, rng.uniform(4, 14)).convert("RGB")
    canvas = Image.blend(canvas, noise, rng.uniform(0.02, 0.07))
    return canvas


def cards(count: int, seed: int = 1) -> list[tuple[Image.Image, Expected, int]]:
    """`count` card photos (the image, what it prints, the JPEG quality to save it at)."""
    rng = random.Random(seed)
    faces = fonts()
    if not faces:
        raise SystemExit("no CJK font installed: apt-get install fonts-noto-cjk")
    made = []
    layouts = sorted(LAYOUTS)
    for number in range(count):
        card = person(rng)
        layout = layouts[number % len(layouts)]
        image, font = card_image(card, rng, faces, layout)
        made.append((photograph(image, rng), Expected(**card, layout=layout, font=font),  # type: ignore[arg-type]
                     rng.randint(45, 90)))
    return made


def main() -> None:
    out = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    out.mkdir(parents=True, exist_ok=True)
    expected = {}
    for number, (image, card, quality) in enumerate(cards(count, seed)):
        name = f"card-{number:03d}.jpg"
        image.save(out / name, quality=quality)
        expected[name] = asdict(card)
    (out / "cards.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{count} cards in {out}")


if __name__ == "__main__":
    main()
