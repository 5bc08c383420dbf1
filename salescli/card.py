"""A business card (名片) read into a key person's fields: lines of text in, fields out. Pure: the
OCR that turns a photo into lines is `cardocr`, and nothing here opens a file.

A card prints a name, a title, numbers, an e-mail, an address and the company, in Chinese and often
English, in any layout. The rules here are general ones: labels (手机, 电话, Tel, M, E-mail, 地址,
Add …) say what a value is; otherwise its shape does (a mobile number is 1[3-9] and nine digits, an
office number starts with its area code, an e-mail has an @, a company ends in 公司, 集团, 院 …, a
name is a surname and one to three characters, a title ends in 经理, 科长, 工程师 …). What the card
does not print stays empty; what was read but may be wrong is named in `Card.unsure`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Iterable, Sequence

FIELDS = ("name", "title", "mobile", "phone", "email", "address", "company", "department")
UNSURE_SCORE = 0.9  # an OCR confidence below it: the field is named for checking


@dataclass(frozen=True)
class Line:
    """A piece of text the OCR found: its text, its confidence (0–1) and, when known, its box
    (left, top, right, bottom, in pixels, the card straightened)."""

    text: str
    score: float = 1.0
    box: tuple[float, float, float, float] | None = None

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1] if self.box else 0.0


@dataclass(frozen=True)
class Card:
    """What a card says: the key person's fields (None: the card does not print it), the fields to
    check (`unsure`) and the text read, row by row (`text`)."""

    name: str | None = None
    title: str | None = None
    mobile: str | None = None  # 11 digits
    phone: str | None = None  # the office number with its area code: 027-87654321, 027-87654321转8012
    email: str | None = None
    address: str | None = None
    company: str | None = None
    department: str | None = None
    unsure: tuple[str, ...] = ()
    text: tuple[str, ...] = field(default=(), compare=False)

    def values(self) -> dict[str, str]:
        """The fields read, in FIELDS order."""
        return {key: value for key in FIELDS if (value := getattr(self, key))}


def parse(lines: Iterable[str | Line]) -> Card:
    """The fields of a card from the text on it: OCR lines with their boxes, or plain strings (one a
    row, top to bottom)."""
    rows = _rows([line if isinstance(line, Line) else Line(line) for line in lines])
    reading = _Reading()
    rest: list[_Row] = []
    for row in rows:
        if not reading.labelled(row):
            rest.append(row)
    reading.texts(rest)
    return reading.card(tuple(row.text for row in rows))


# ---- rows: pieces of text on one line of the card, left to right ---------------------------------

@dataclass
class _Row:
    segments: list[Line]

    @property
    def text(self) -> str:
        return " ".join(segment.text for segment in self.segments)

    @property
    def score(self) -> float:
        return min(segment.score for segment in self.segments)

    @property
    def height(self) -> float:
        return max(segment.height for segment in self.segments)


def _rows(lines: Sequence[Line]) -> list[_Row]:
    """Lines with boxes grouped into rows (boxes that share most of their height), top to bottom;
    lines without boxes are a row each, in their order."""
    cleaned = [replace(line, text=_clean(line.text)) for line in lines]
    cleaned = [line for line in cleaned if line.text]
    if not cleaned or any(line.box is None for line in cleaned):
        return [_Row([line]) for line in cleaned]
    rows: list[_Row] = []
    for line in sorted(cleaned, key=lambda line: (line.box[1] + line.box[3]) / 2):  # type: ignore[index]
        row = next((row for row in rows if _same_row(row, line)), None)
        if row is None:
            rows.append(_Row([line]))
        else:
            row.segments.append(line)
    for row in rows:
        row.segments.sort(key=lambda line: line.box[0])  # type: ignore[index]
    return [cell for row in rows for cell in _cells(row)]


def _cells(row: _Row) -> list[_Row]:
    """A row cut where a wide gap parts its pieces: columns side by side are read apart."""
    cells = [_Row([row.segments[0]])]
    for before, line in zip(row.segments, row.segments[1:]):
        assert before.box is not None and line.box is not None
        if line.box[0] - before.box[2] > 2.5 * min(before.height, line.height):
            cells.append(_Row([line]))
        else:
            cells[-1].segments.append(line)
    return cells


def _same_row(row: _Row, line: Line) -> bool:
    assert line.box is not None
    for other in row.segments:
        assert other.box is not None
        overlap = min(other.box[3], line.box[3]) - max(other.box[1], line.box[1])
        if overlap >= 0.45 * max(other.height, line.height) and not _overlaps_across(other.box, line.box):
            return True
    return False


def _overlaps_across(one: tuple[float, ...], other: tuple[float, ...]) -> bool:
    return min(one[2], other[2]) - max(one[0], other[0]) > 0


def _clean(text: str) -> str:
    """NFKC (full-width letters, digits and colons as ASCII), spaces folded."""
    text = unicodedata.normalize("NFKC", text).replace("\u3000", " ")
    text = re.sub(r"^[^\w\u3400-\u9fff+(\[]+", "", text)  # an icon or bullet read as ● ☎ ✉ before the value
    return " ".join(text.split())


# ---- labels: 手机 13900001234, Tel: 027-…, E-mail: …, 地址：… -----------------------------------------

_LABELS: tuple[tuple[str, str], ...] = (
    ("mobile", r"手机号码|手机号|手机|移动电话|移动|Mobi[l1I]e\s*Phone|Mobi[l1I]e|Mob|Ce[l1I]{2}\s*Phone|"
               r"Ce[l1I]{2}|H/P|HP|MP|M"),
    ("fax", r"传真号码|传真|Fax|F"),
    ("phone", r"办公电话|联系电话|固定电话|电话号码|固话|座机|电话|直线|总机|Te[l1I]ephone|Te[l1I]|Phone|Office|Direct|"
              r"T|O"),
    ("email", r"电子邮箱|电子邮件|电邮|邮箱|邮件|E-?ma[il1I]{2}|Ma[il1I]{2}|E"),
    ("address", r"公司地址|办公地址|通讯地址|通信地址|联系地址|地址|Address|Addr|Add|Ad|A"),
    ("web", r"公司网址|网址|网站|官网|Website|Web|URL|Http|W"),
    ("postcode", r"邮政编码|邮编|Postcode|Post\s*Code|Zip|P\.?C\.?"),
    ("other", r"QQ|微信|WeChat|微博|Skype"),
    ("name", r"姓名|Name"),
    ("title", r"职务|职位|Title|Position"),
    ("company", r"公司名称|单位名称|单位|Company"),
    ("department", r"部门|Department|Dept"),
)
_LATIN_LABEL = re.compile(r"[A-Za-z/.\s-]+")
_LABEL = re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _LABELS), re.IGNORECASE)
_SEPARATOR = re.compile(r"\s*[:：.]?\s*")


def _labelled_chunks(text: str) -> list[tuple[str | None, str]]:
    """A row cut at its labels: (kind, the value after it); kind None for text before any label."""
    starts: list[tuple[int, int, str]] = []
    for match in _LABEL.finditer(text):
        kind = match.lastgroup
        assert kind is not None
        if _is_label(text, match, kind):
            starts.append((match.start(), match.end(), kind))
    chunks: list[tuple[str | None, str]] = []
    position, kind_before = 0, None
    for start, end, kind in starts:
        if start < position:
            continue
        before = text[position:start].strip(" |;,/")
        if before or kind_before is not None:
            chunks.append((kind_before, before))
        kind_before, position = kind, end
    chunks.append((kind_before, text[position:].strip(" |;,/")))
    return [(kind, _SEPARATOR.sub("", value, count=1) if kind else value) for kind, value in chunks
            if kind or value]


def _is_label(text: str, match: re.Match[str], kind: str) -> bool:
    """Whether the word found stands as a label: a Chinese label anywhere; a Latin one at the start of
    a word and followed by a colon, or by a value of its kind."""
    word, after = match.group(), text[match.end():]
    if not _LATIN_LABEL.fullmatch(word):
        return not (kind == "phone" and after[:1] == "号")
    if match.start() > 0 and (text[match.start() - 1] in "@._-" or text[match.start() - 1].isalnum()
                              and text[match.start() - 1].isascii()):
        return False
    if re.match(r"\s*[:：]", after):
        return True
    if kind == "email" and re.match(r"[a-z0-9][\w.+-]*@", after) and (word != "E" or not word.islower()):
        return True  # E (E-mail) and the address run together: the address starts in lower case
    if after[:1].isalpha() and after[:1].isascii():
        return False
    return _value_follows(word, after, kind)


def _value_follows(word: str, after: str, kind: str) -> bool:
    """Whether what follows a Latin label without its colon reads as a value of its kind."""
    value = after.lstrip(" .")
    if kind in ("mobile", "phone", "fax"):
        return bool(re.match(r"[+(]?\d", value))
    if kind == "email":
        first = value.split(" ")[0] if value else ""
        return bool(re.match(r"[\w.+-]+\s*@", value)) or (word != "E" or bool(after[:1].isspace())) \
            and "@" not in first and bool(_EMAIL.fullmatch(_at_mended(first.lower())))
    if kind == "address" and _CJK.match(value):
        return len(_ADDRESS_WORDS.findall(value)) >= 2  # A深圳市南山区…, Ad武汉市…: the address run into its label
    return len(word) > 2 and bool(value)  # Add 武汉… ; a lone A or W needs its colon


# ---- numbers -------------------------------------------------------------------------------------

_NUMBER_RUN = re.compile(r"(?:\+|00)?\(?\d[\d\s\-‐–—.()/]*\d|\d")
_EXTENSION = re.compile(r"\s*(?:转|分机|ext\.?|x|-)\s*(\d{1,5})(?!\d)", re.IGNORECASE)


@dataclass(frozen=True)
class _Number:
    kind: str  # mobile, office, hotline, local, odd
    text: str  # as it will be kept


def _numbers(text: str) -> list[_Number]:
    """The phone numbers in a value, each normalised: spaces, dashes, +86 and brackets as printed
    anywhere; a number printed in groups ("139 0000 1234") is put together again."""
    found: list[_Number] = []
    for run in _NUMBER_RUN.finditer(text):
        groups = [(match.group(), match.start()) for match in re.finditer(r"\d+", run.group())]
        international = bool(re.match(r"(\+|00)\s*86", run.group()))
        index = 0
        while index < len(groups):
            taken = _longest_number(groups, index, international and index == 0)
            if taken is None:
                index += 1
                continue
            number, used = taken
            index += used
            if number.kind == "office" and index < len(groups):
                rest = run.group()[groups[index - 1][1] + len(groups[index - 1][0]):]
                extension = _EXTENSION.match(rest)
                if extension and len(groups[index][0]) <= 5 and extension.group(1) == groups[index][0]:
                    number = _Number("office", f"{number.text}转{groups[index][0]}")
                    index += 1
            found.append(number)
        extension = re.match(r"\s*(?:转|分机|ext\.?|x)\s*(\d{1,5})(?!\d)", text[run.end():], re.IGNORECASE)
        if found and found[-1].kind == "office" and "转" not in found[-1].text and extension and index == len(groups):
            found[-1] = _Number("office", f"{found[-1].text}转{extension.group(1)}")
    return found


def _longest_number(groups: Sequence[tuple[str, int]], index: int, international: bool) -> tuple[_Number, int] | None:
    for count in range(min(len(groups) - index, 6), 0, -1):
        digits = "".join(group for group, _ in groups[index:index + count])
        number = _number(digits, international)
        if number is not None:
            return number, count
    return None


def _number(digits: str, international: bool) -> _Number | None:
    if digits.startswith("0086"):
        digits, international = digits[4:], True
    elif international and digits.startswith("86"):
        digits = digits[2:]
    elif len(digits) == 13 and re.fullmatch(r"861[3-9]\d{9}", digits):
        digits = digits[2:]
    if re.fullmatch(r"1[3-9]\d{9}", digits):
        return _Number("mobile", digits)
    if international and re.fullmatch(r"(?:[12]\d|[3-9]\d\d)[2-9]\d{6,7}", digits):
        digits = "0" + digits
    area = 3 if digits[1:2] in ("1", "2") else 4
    if re.fullmatch(r"0\d+", digits) and 7 <= len(digits) - area <= 8 and digits[area] in "23456789":
        return _Number("office", f"{digits[:area]}-{digits[area:]}")
    if re.fullmatch(r"[48]00\d{7}", digits):
        return _Number("hotline", f"{digits[:3]}-{digits[3:6]}-{digits[6:]}")
    if re.fullmatch(r"[2-9]\d{6,7}", digits):
        return _Number("local", digits)
    return None


# ---- e-mail --------------------------------------------------------------------------------------

_EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,6}")
_EMAIL_ROUGH = re.compile(r"[A-Za-z0-9._%+-]+\s*[@＠©®]\s*[A-Za-z0-9.\s,。-]+")


def _email(text: str) -> tuple[str, bool] | None:
    """The e-mail address in a value, and whether it reads cleanly (OCR may read '.' as ',' or
    put spaces in it)."""
    found = _EMAIL.search(text)
    if found and not re.match(r"[A-Za-z0-9.-]", text[found.end():found.end() + 1]):
        return found.group().lower(), True
    rough = _EMAIL_ROUGH.search(text)
    if rough is None:
        return None
    mended = re.sub(r"\s+", "", rough.group())
    mended = re.sub(r"[＠©®]", "@", mended).replace(",", ".").replace("。", ".").rstrip(".")
    found = _EMAIL.fullmatch(mended) or _EMAIL.search(mended)
    return (found.group().lower() if found else mended.lower()), False


def _ells_mended(address: str) -> tuple[str, bool]:
    """An e-mail address with the OCR's 1 for l put back where a digit cannot be meant — between
    letters (sa1es), before letters at the start (1iu), ending a word of the domain (mai1.) — and its
    0 for o in the domain's later words (163.c0m.cn), and whether it changed (then it is flagged)."""
    local, at, domain = address.partition("@")
    local = re.sub(r"(?<=[a-z])1(?=[a-z])|^1(?=[a-z])", "l", local)
    labels = [re.sub(r"(?<=[a-z])1(?=[a-z])|(?<=[a-z]{2})1$", "l", label) for label in domain.split(".")]
    labels = [re.sub(r"^l(?=\d+$)", "1", label) for label in labels]  # l63.com: 163
    labels[1:] = [label.replace("0", "o") if re.fullmatch(r"[a-z0]*[a-z][a-z0]*", label) else label
                  for label in labels[1:]]  # c0m: after the first, a domain's words hold no digit
    domain = _dots_mended(".".join(labels))
    mended = local + at + domain
    return mended, mended != address


_TOP_WORDS = ("com", "net", "org", "edu", "gov", "cn")


def _dots_mended(domain: str) -> str:
    """A domain with the dot the OCR lost before its last word put back (hjjlcom: hjjl.com; 163.comcn:
    163.com.cn) — only where a domain without it could not be an address."""
    if "." not in domain:
        ending = next((word for word in _TOP_WORDS if domain.endswith(word) and len(domain) > len(word)), None)
        return domain[:-len(ending)] + "." + ending if ending else domain
    head, _dot, last = domain.rpartition(".")
    joined = next((word for word in _TOP_WORDS[:-1] if last == word + "cn"), None)
    return f"{head}.{joined}.cn" if joined else domain


def _at_mended(text: str) -> str:
    """A labelled e-mail address without its @: the OCR often reads @ as o or 0. Where one o (or 0)
    alone can stand for it — a valid address on either side, not the o of .com or .org — it is put
    back (the field is flagged either way)."""
    if "@" in text:
        return text
    mended = [text[:place] + "@" + text[place + 1:] for place, ch in enumerate(text)
              if ch in "o0" and text[place:place + 4] not in ("org.", "com.") and text[place:] not in ("org", "com")]
    valid = [candidate for candidate in mended if _EMAIL.fullmatch(candidate)]
    if len(valid) > 1:  # of several, the one whose domain reads as a mail server's (info2360mai1.…: @mai1)
        valid = [candidate for candidate in valid
                 if re.match(r"mai[l1]|qq\.|163\.|126\.|sina|vip", candidate.split("@")[1])]
    return valid[0] if len(valid) == 1 else text


# ---- words of titles, companies, departments, addresses and names ------------------------------------

_TITLE_WORDS = (
    "董事长", "董事", "总经理", "副总经理", "经理", "总监", "总裁", "主任", "科长", "部长", "处长", "局长", "院长",
    "所长", "厂长", "校长", "行长", "馆长", "站长", "队长", "组长", "主管", "主席", "书记", "总工程师", "总工",
    "工程师", "造价师", "预算员", "预算师", "会计师", "会计", "出纳", "建造师", "监理师", "设计师", "建筑师",
    "经济师", "规划师", "专员", "助理", "顾问", "秘书", "教授", "讲师", "代表", "合伙人", "负责人", "技术员",
    "施工员", "造价员", "资料员", "业务员", "采购员", "总经济师", "总会计师", "项目经理", "经理人", "副总", "总助",
    "首席执行官", "执行官", "主办", "专家",
)
_TITLE = re.compile("|".join(sorted(map(re.escape, _TITLE_WORDS), key=len, reverse=True)))
# How a title starts when it follows a name with no space (王建国预算科长): the longest match wins.
_TITLE_START = re.compile("|".join(sorted(map(re.escape, (
    *_TITLE_WORDS, "副", "总", "高级", "首席", "执行", "常务", "区域", "项目", "预算", "造价", "技术", "市场", "销售",
    "财务", "工程", "行政", "人事", "采购", "设计", "商务", "合约", "成本", "办公室", "综合", "质量", "安全", "客户",
    "业务", "营销", "生产", "信息", "招标", "投标", "经营", "计划", "注册", "一级", "二级", "部门", "分公司", "大区")),
    key=len, reverse=True)))
_COMPANY_END = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|集团公司|总公司|公司|集团|研究院|设计院|规划院|"
                          r"研究所|设计所|事务所|研究中心|银行|学院|大学|学校|医院|工程局|管理局|建设局|"
                          r"(?<!分)局|(?<!分)院|(?<!分)厂|委员会)$")
_SUFFIX_LINE = re.compile(r"(?:股份)?有限(?:责任)?公司|集团(?:股份)?有限公司|(?:集团)?股份公司")
_DEPARTMENT_END = re.compile(r"(?:分公司|事业部|项目部|办公室|部|科|处|室|中心|分院|所|分行|支行|组|队|站|车间|分局)$")
_LATIN_COMPANY = re.compile(r"\b(?:Co\.?,?\s*Ltd|Company|Corporation|Corp|Group|Inc|Institute|Bureau|Bank|LLC)\b",
                            re.IGNORECASE)
_ADDRESS_WORDS = re.compile(r"省|市|区|县|镇|乡|村|路|街|道|巷|弄|号|楼|室|层|大厦|大道|广场|园区|座|栋|幢|单元|中心")
_ADDRESS_MORE = re.compile(r"^\d|号|楼|室|层|座|栋|幢|单元|大厦|广场|中心")
_CJK = re.compile(r"[\u3400-\u9fff]")
# 百家姓: the surnames that cover nearly all of China, compound ones first.
_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
                      "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫", "西门", "呼延", "澹台", "公冶", "申屠")
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
    "崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文"
    "牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲"
    "翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席"
    "卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀"
    "郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索"
    "宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾"
    "戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由")
# Words that are not in a person's name: a logo or a slogan that looks like one is not a name.
_NOT_NAME = re.compile(r"公司|集团|监理|建设|建筑|工程|咨询|造价|设计|科技|国际|中国|中心|银行|地产|置业|软件|网络|"
                       r"有限|股份|研究|学院|大学|局|院|厂|部|科|处|室|省|市|区|路|号|专业|诚信|服务|欢迎|名片")


def _is_title(text: str) -> bool:
    return bool(_TITLE.search(text)) and not _digits(text) and len(text.replace(" ", "")) <= 24 \
        and not _COMPANY_END.search(text)


def _digits(text: str) -> bool:
    return bool(re.search(r"\d", text))


def _is_latin(text: str) -> bool:
    return not _CJK.search(text)


def _name_at(text: str) -> str | None:
    """The name a piece of text is, when it is one: a surname and one to three characters (spaces
    between the characters of a spaced-out name dropped)."""
    compact = text.replace(" ", "")
    if not 2 <= len(compact) <= 4 or not all(_CJK.match(ch) for ch in compact) or _NOT_NAME.search(compact):
        return None
    if _title_first(compact) or (_TITLE.search(compact) and not _split_name(compact)):
        return None
    surname = 2 if compact[:2] in _COMPOUND_SURNAMES else 1
    if compact[:surname] not in _SURNAMES and compact[:2] not in _COMPOUND_SURNAMES:
        return None
    return compact if len(compact) > surname and (len(compact) <= 3 or surname == 2 or len(compact) == 4) else None


def _title_first(text: str) -> bool:
    """Whether text starts as a title does (项目经理, 高级工程师, 董事长), not with a name that looks
    like one (项, 高 and 董 are surnames too)."""
    start = _TITLE_START.match(text)
    return start is not None and len(start.group()) >= 2


def _split_name(text: str) -> tuple[str, str] | None:
    """A name and its title in one piece of text, either first (王建国 预算科长, 李强总经理, 副总经理苏秀): the
    name and the title."""
    compact = text.strip()
    if " " in compact and (spaced := _split_at_space(compact)):
        return spaced
    compact = compact.replace(" ", "")
    return _title_then_name(compact) or _name_then_title(compact)


def _split_at_space(text: str) -> tuple[str, str] | None:
    """A name and a title a space apart (王建国 预算科长, 预算科长 王建国)."""
    head, tail = text.split(" ", 1)
    if _name_only(head) and _is_title(tail):
        return head, tail.strip()
    head, tail = text.rsplit(" ", 1)
    if _name_only(tail) and _is_title(head) and not _name_at(head.replace(" ", "")):
        return tail, head.strip()
    return None


_ENDS_AS_TITLE = re.compile(f"(?:{_TITLE.pattern})$")


def _title_then_name(compact: str) -> tuple[str, str] | None:
    """A title run into the name after it (副总经理苏秀)."""
    if _ENDS_AS_TITLE.search(compact):
        return None
    for length in (2, 3, 4):
        name, rest = compact[-length:], compact[:-length]
        if len(rest) >= 2 and _name_only(name) and _is_title(rest) and _ENDS_AS_TITLE.search(rest):
            return name, rest
    return None


def _name_then_title(compact: str) -> tuple[str, str] | None:
    """A name run into the title after it (李强总经理): the name whose rest starts with the longest title word."""
    if not compact or not _CJK.match(compact[0]) or _title_first(compact):
        return None
    surname = 2 if compact[:2] in _COMPOUND_SURNAMES else 1
    if surname == 1 and compact[0] not in _SURNAMES:
        return None
    best: tuple[int, str, str] | None = None
    for length in range(surname + 1, min(surname + 2, len(compact) - 1) + 1):  # a given name of one or two
        name, rest = compact[:length], compact[length:]
        start = _start_length(rest)
        if start and _is_title(rest) and (best is None or start > best[0]):
            best = (start, name, rest)
    return (best[1], best[2]) if best else None


# What a title may start with before its word: 副院长, 注册造价师.
_RANKS = ("副", "总", "常务", "执行", "首席", "高级", "中级", "注册", "一级", "二级")


def _start_length(rest: str) -> int:
    """How much of `rest` reads as the start of a title: 副院长 all three (副 and 院长), not 副 alone."""
    start = _TITLE_START.match(rest)
    if start is None:
        return 0
    length = len(start.group())
    more = _TITLE.match(rest[length:]) if start.group() in _RANKS else None
    return length + (len(more.group()) if more else 0)


def _name_only(text: str) -> bool:
    compact = text.replace(" ", "")
    return bool(compact) and _name_at(compact) == compact and not _TITLE.search(compact)


def _company_split(text: str) -> tuple[str, str | None] | None:
    """A company and a department printed after it (中建三局一公司 预算部), or the company alone."""
    compact = text.replace(" ", "") if not _is_latin(text) else text
    for match in reversed(list(re.finditer(r"公司|集团|院|局|银行|大学|学院", compact))):
        rest = compact[match.end():]
        if rest and _DEPARTMENT_END.search(rest) and not _COMPANY_END.fullmatch(rest) and len(rest) <= 14 \
                and not rest.startswith(("有限", "股份")) and "公司" not in rest.replace("分公司", ""):
            return compact[:match.end()], rest
    return (compact, None) if _COMPANY_END.search(compact) else None


def _is_address(text: str) -> bool:
    return bool(_CJK.search(text)) and len(_ADDRESS_WORDS.findall(text)) >= 3 and _digits(text) \
        and not _COMPANY_END.search(text.replace(" ", ""))


# ---- the reading of a card ------------------------------------------------------------------------

class _Reading:
    """What a card has been found to say so far, and how sure each field is."""

    def __init__(self) -> None:
        self.found: dict[str, str] = {}
        self.unsure: set[str] = set()
        self.numbers: list[tuple[str | None, _Number, float]] = []
        self.address_row: int | None = None
        self.rows_seen = 0
        self.used_rows: set[int] = set()  # rows the company and department were read from

    def put(self, key: str, value: str, score: float, *, sure: bool = True) -> None:
        if key in self.found and _is_latin(self.found[key]) and not _is_latin(value):
            del self.found[key]  # the Chinese of a bilingual card before its English
            self.unsure.discard(key)
        if key in self.found:
            if _compact(self.found[key]) != _compact(value) and key not in ("address",):
                self.unsure.add(key)  # the card seems to print two: the first is kept, to be checked
            return
        self.found[key] = value
        if not sure or score < UNSURE_SCORE:
            self.unsure.add(key)

    def labelled(self, row: _Row) -> bool:
        """Take what a row says by its labels, numbers and e-mail; whether the row is used up."""
        self.rows_seen += 1
        chunks = _labelled_chunks(row.text)
        used = False
        for kind, value in chunks:
            used |= self._chunk(kind, value, row)
        if used:
            return True
        if self.address_row is not None and self.rows_seen - self.address_row <= 2 and _ADDRESS_MORE.search(row.text) \
                and len(row.text) <= 16 and not _is_title(row.text) and not _company_split(row.text) \
                and not _name_at(row.text) and _CJK.search(row.text):
            self.found["address"] = self.found["address"] + row.text.replace(" ", "")
            self.address_row = self.rows_seen
            return True
        return False

    def _chunk(self, kind: str | None, value: str, row: _Row) -> bool:
        """Take what one chunk of a row says (`kind`: its label; None for text before any); whether it is used up."""
        if kind in ("web", "postcode", "other", "fax"):
            return True
        if self._mail(kind, value, row.score):
            return True
        if kind in ("address", "name", "title", "company", "department"):
            if value:
                self.put(kind, value if _is_latin(value) else value.replace(" ", ""), row.score)
                if kind == "address":
                    self.address_row = self.rows_seen
            return True
        return self._phone_numbers(kind, value, row.score)

    def _mail(self, kind: str | None, value: str, score: float) -> bool:
        """Take the e-mail address in a chunk: labelled as one, or found by its @; whether the chunk was one."""
        mail = _email(value) if "@" in value or re.search(r"[©＠]", value) else None
        if kind == "email" and value:
            mail = _email(value.replace(" ", ""))
            mail = (mail[0], mail[1] and " " not in value) if mail else None
        if mail is not None:
            address, changed = _ells_mended(mail[0])
            self.put("email", address, score, sure=mail[1] and not changed)
            return True
        if kind == "email":
            if value:
                self.put("email", _ells_mended(_at_mended(value.replace(" ", "").lower()))[0], score, sure=False)
            return True
        return False

    def _phone_numbers(self, kind: str | None, value: str, score: float) -> bool:
        """Take the phone numbers in a chunk: a labelled one's all (which is the mobile is chosen later), an
        unlabelled one's mobile and office numbers when little else is printed with them; whether it is used up."""
        numbers = _numbers(value)
        if kind in ("mobile", "phone"):
            if not numbers and _digits(value):
                self.put("mobile" if kind == "mobile" else "phone", re.sub(r"[^\d\-+转]", "", value), score, sure=False)
            for number in numbers:
                self.numbers.append((kind, number, score))
            return True
        phones = [number for number in numbers if number.kind in ("mobile", "office")]
        leftover = re.sub(r"[\d\s\-‐–—.()+/:]", "", value)
        if phones and (len(leftover) <= 2 or (len(leftover) <= 6 and not _CJK.search(leftover))):
            self.numbers.extend((None, number, score) for number in phones)
            return True
        return False

    def texts(self, rows: list[_Row]) -> None:
        """Name, title, company and department from the rows no label or number took (the numbers found are
        settled first)."""
        self._mobile()
        self._office_number()
        self._company(rows)
        pieces = [(row, segment) for row in rows if id(row) not in self.used_rows for segment in row.segments]
        names: list[tuple[float, str, float]] = []
        for _row, segment in pieces:
            name = self._piece(segment.text, segment.score)
            if name:
                names.append((segment.height, name, segment.score))
        if names:  # the tallest printed is the person's (another within a tenth of its height: to be checked)
            tallest = max(height for height, *_ in names)
            best = [entry for entry in names if entry[0] >= tallest * 0.9]
            _height, name, score = best[0]
            self.put("name", name, score, sure=len({entry[1] for entry in best}) == 1)
        if "title" not in self.found:
            self._latin_title(pieces)

    def _piece(self, text: str, score: float) -> str | None:
        """Take the title or the address a piece of text is; the name it holds, if any (the names are compared
        once all are found)."""
        if _is_latin(text) or self._taken(text):
            return None
        if re.search(r"[A-Za-z]{2}", text):  # 王建国 Wang Jianguo: the Chinese is the name
            text = " ".join(re.sub(r"[A-Za-z][A-Za-z .,'&-]*", " ", text).split())
        split = _split_name(text)
        if split and not _name_only(text.replace(" ", "")):
            self.put("title", _titles(split[1]), score)
            return split[0]
        name = _name_at(text)
        if name:
            return name
        if _is_title(text):
            self.put("title", _titles(text), score)
        elif "address" not in self.found and _is_address(text):
            self.put("address", text.replace(" ", ""), score)
        return None

    def _latin_title(self, pieces: list[tuple[_Row, Line]]) -> None:
        for _row, segment in pieces:
            if _is_latin(segment.text) and re.search(r"\b(?:Manager|Director|Engineer|President|CEO|Chief|Head|"
                                                     r"Supervisor|Officer|Consultant|Accountant|Estimator)\b",
                                                     segment.text, re.IGNORECASE):
                self.put("title", segment.text, segment.score, sure=False)
                return

    def _taken(self, text: str) -> bool:
        compact = text.replace(" ", "")
        return any(compact == value or (len(compact) >= 4 and compact in value)
                   for key, value in self.found.items() if key in ("company", "department", "address"))

    def _company(self, rows: list[_Row]) -> None:
        """The company (and department) among the rows: a Chinese row that ends as a company does, else a Latin
        row that names one."""
        if "company" in self.found:
            return
        chinese = [row for row in rows if not _is_latin(row.text)]
        index = _company_row(chinese)
        if index is not None:
            self._company_at(index, chinese)
            return
        latin = next((row for row in rows if _is_latin(row.text) and _LATIN_COMPANY.search(row.text)), None)
        if latin is not None:
            self.put("company", latin.text, latin.score, sure=False)

    def _company_at(self, index: int, chinese: list[_Row]) -> None:
        """The company in row `index` of the Chinese rows, joined with the row above when the name was split over
        two lines and with a company form (有限公司) on the row below; a department beside it or under it."""
        row = chinese[index]
        split = _company_split(row.text)
        assert split is not None
        company, department = split
        above = chinese[index - 1] if index else None
        if above is not None and self._continues(above, row, company):
            company = above.text.replace(" ", "") + company
            self.used_rows.add(id(above))
        below = chinese[index + 1] if index + 1 < len(chinese) else None
        if below is not None and _SUFFIX_LINE.fullmatch(below.text.replace(" ", "")):
            company += below.text.replace(" ", "")
            self.used_rows.add(id(below))
        self.put("company", company, row.score)
        if department:
            self.put("department", department, row.score)
        self.used_rows.add(id(row))
        self._department_below(chinese[index + 1:index + 3])

    def _department_below(self, rows: list[_Row]) -> None:
        """A department printed on one of the two rows under the company, when none was beside it."""
        for after in rows:
            text = after.text.replace(" ", "")
            if "department" not in self.found and _DEPARTMENT_END.search(text) and len(text) <= 16 \
                    and not _is_title(after.text) and not _digits(text) and not _name_at(text):
                self.put("department", text, after.score)
                self.used_rows.add(id(after))

    def _continues(self, above: _Row, row: _Row, company: str) -> bool:
        """Whether the row above holds the start of the company's name (a name split over two lines)."""
        text = above.text.replace(" ", "")
        if not text or _digits(text) or _is_title(above.text) or _name_at(text) or _split_name(above.text) \
                or company.startswith(text) or _labelled_chunks(above.text)[0][0]:
            return False
        if _COMPANY_END.search(text):
            return bool(_SUFFIX_LINE.fullmatch(company))  # 湖北省交通规划设计院 / 股份有限公司
        if above.height and row.height and not 0.7 <= above.height / row.height <= 1.43:
            return False
        core = re.sub(_COMPANY_END.pattern.rstrip("$"), "", company)
        return (len(core) < 4 or company.startswith(("有限", "股份", "工程", "建设", "集团", "分", "第"))
                or len(text) >= 4)

    def _mobile(self) -> None:
        """The mobile among the numbers found: by its shape, the label deciding only what the shape leaves open
        (every mobile-shaped number is put: a second marks the first for checking; else the first labelled as
        one, to be checked)."""
        mobiles = [(number, score) for _kind, number, score in self.numbers if number.kind == "mobile"]
        for number, score in mobiles:
            self.put("mobile", number.text, score)
        odd = [(number, score) for kind, number, score in self.numbers if kind == "mobile" and number.kind != "mobile"]
        if odd and not mobiles:
            self.put("mobile", odd[0][0].text, odd[0][1], sure=False)

    def _office_number(self) -> None:
        """The office number among the numbers found: the first office-shaped one, a labelled one first (a
        hotline or a local number only when labelled); sure when it is labelled, or the only one."""
        offices = [(kind, number, score) for kind, number, score in self.numbers
                   if number.kind == "office" or (kind == "phone" and number.kind in ("local", "hotline"))]
        if offices:
            labelled = [entry for entry in offices if entry[0] == "phone"] or offices
            kind, number, score = labelled[0]
            sure = number.kind == "office" and (kind == "phone" or len({e[1].text for e in offices}) == 1)
            self.put("phone", number.text, score, sure=sure)

    def card(self, text: tuple[str, ...]) -> Card:
        found = dict(self.found)
        return Card(**{key: found.get(key) for key in FIELDS}, unsure=tuple(key for key in FIELDS if key in self.unsure
                                                                           and key in found), text=text)


def _company_row(chinese: list[_Row]) -> int | None:
    """Which of the Chinese rows names the company: the first that ends as a company does, one naming a firm
    (公司, 集团, 有限) before one ending in 局 or 院."""
    candidates = [index for index, row in enumerate(chinese)
                  if not _digits(row.text) and _company_split(row.text) is not None]
    firm = [index for index in candidates if re.search(r"(?<!分)公司|集团|有限", chinese[index].text)]
    return (firm or candidates)[0] if candidates else None


def _titles(text: str) -> str:
    """A title as printed, with a space put back between two titles the OCR ran together
    (预算科长高级工程师 → 预算科长 高级工程师; 总经理助理 and 主任工程师 stay one)."""
    text = " ".join(text.split())
    for match in reversed(list(_TITLE.finditer(text))):
        rest = text[match.end():]
        if rest and not rest.startswith(" ") and _is_title(rest) and not _digits(rest) and (
                rest.startswith(("高级", "中级", "注册", "一级", "二级")) or (rest.endswith("师") and len(rest) >= 4)):
            text = text[:match.end()] + " " + rest
    return text


def _compact(text: str) -> str:
    return re.sub(r"\s", "", text).lower()


# ---- a company's name, as a card prints it and as the folder knows it -----------------------------

_GENERIC = re.compile(r"建设工程|建筑工程|建设|建筑|工程")


def short_form(name: str) -> str:
    """A company's name as it is said for short: without its company form (有限责任公司), the 第 of
    an ordinal and the words every builder's name has (建设工程): 中建三局第一建设工程有限责任公司
    and 中建三局一公司 are both 中建三局一."""
    from salescli.matching import core_name

    core = re.sub(r"第(?=[一二三四五六七八九十\d])", "", core_name(name))
    return _GENERIC.sub("", core)


def same_company(one: str, other: str) -> bool:
    """Whether two names are one company said in full and for short (at least three characters
    left to compare: 中建三局 and 中建八局 stay apart)."""
    short = short_form(one)
    return len(short) >= 3 and short == short_form(other)

