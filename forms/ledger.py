"""The words of the Excel ledgers teams already keep (建档立卡台账, 贫困户花名册, the national
system's export): column titles → form fields, and the ledgers' wording and codes of values →
the register's choices. Declared once here; read by storage.xlsx_import and the wizard."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from . import choices as C
from .entities import FINANCE, HOUSEHOLD, MEMBER
from .fields import (
    AREA,
    BOOL,
    DATE,
    ENUM,
    ID_NUMBER,
    INT,
    MONEY,
    MULTI,
    NUMBER,
    PERCENT,
    PHONE,
    REF,
    TEXT,
    YEAR,
    Field,
    Form,
    blank,
)
from .validation import MSG_TEXT, MSG_TOO_LONG_NUMBER, parse_value, shown


@dataclass(frozen=True)
class Target:
    """Where a column goes: a form field, or one of the ledger's own columns (PLACE_*)."""

    entity: str  # "household", "member", "finance" or "place"
    key: str
    invert: bool = False  # 危房户 是 = 住房安全稳固 否

    @property
    def name(self) -> str:
        """As written in a mapping file: "member.id_number", "household.housing_safe!"."""
        return f"{self.entity}.{self.key}" + ("!" if self.invert else "")

    @classmethod
    def parse(cls, name: str) -> Target:
        entity, _, key = name.rstrip("!").partition(".")
        return cls(entity, key, name.endswith("!"))

    @property
    def label(self) -> str:
        """The Chinese name the user reads in the mapping."""
        if self.entity == "place":
            return PLACES[self.key]
        form = FORMS[self.entity]
        text = f"{form.label}·{form[self.key].label}"
        return text + "（取反）" if self.invert else text


# Columns that are no field of a record: they place a row (which village, which group) or tie
# a member to its household; derived figures are read and not imported.
PLACES = {
    "county": "县区",
    "township": "乡镇",
    "village": "行政村",
    "village_code": "村行政区划代码",
    "head_name": "户主姓名",
    "head_id": "户主身份证号",
    "derived": "不导入（由其他数据计算）",
}
PLACE = {k: Target("place", k) for k in PLACES}
FORMS: dict[str, Form] = {"household": HOUSEHOLD, "member": MEMBER, "finance": FINANCE}
# Fields a ledger never holds: references resolved from other columns, or the register's own.
NOT_MAPPED = {("household", "village_id"), ("member", "household_id"), ("finance", "household_id")}
NOT_MAPPED |= {("finance", "year")}


def h(key: str, invert: bool = False) -> Target:
    return Target("household", key, invert)


def m(key: str) -> Target:
    return Target("member", key)


def f(key: str) -> Target:
    return Target("finance", key)


# The names real ledgers give their columns (after fold_title). The labels declared in forms/
# are known too (targets()); these are the others.
TITLES: dict[str, Target] = {
    "县": PLACE["county"],
    "县市区旗": PLACE["county"],
    "县市区": PLACE["county"],
    "县区": PLACE["county"],
    "乡镇": PLACE["township"],
    "乡": PLACE["township"],
    "乡镇街道": PLACE["township"],
    "行政村": PLACE["village"],
    "行政区划代码": PLACE["village_code"],
    "村行政区划代码": PLACE["village_code"],
    "村代码": PLACE["village_code"],
    "行政村代码": PLACE["village_code"],
    "村": PLACE["village"],
    "村名": PLACE["village"],
    "自然村": h("group_id"),
    "村民小组": h("group_id"),
    "自然村组": h("group_id"),
    "组": h("group_id"),
    "社": h("group_id"),
    "社名": h("group_id"),
    "户编号": h("household_no"),
    "户号": h("household_no"),
    "户主姓名": PLACE["head_name"],
    "户主": PLACE["head_name"],
    "户主名": PLACE["head_name"],
    "户主身份证号": PLACE["head_id"],
    "户主身份证号码": PLACE["head_id"],
    "户主证件号码": PLACE["head_id"],
    "户主公民身份号码": PLACE["head_id"],
    "姓名": m("name"),
    "成员姓名": m("name"),
    "家庭成员姓名": m("name"),
    "证件号码": m("id_number"),
    "身份证号": m("id_number"),
    "身份证号码": m("id_number"),
    "公民身份号码": m("id_number"),
    "成员身份证号": m("id_number"),
    "人数": h("household_size"),
    "家庭人口数": h("household_size"),
    "家庭人口": h("household_size"),
    "户人数": h("household_size"),
    "与户主关系": m("relation"),
    "性别": m("sex"),
    "民族": m("ethnicity"),
    "出生日期": m("birth_date"),
    "文化程度": m("education"),
    "在校生状况": m("school_status"),
    "在校生情况": m("school_status"),
    "健康状况": m("health"),
    "劳动技能": m("labor_ability"),
    "劳动能力": m("labor_ability"),
    "务工状况": m("migrant_work"),
    "务工情况": m("migrant_work"),
    "务工时间": m("migrant_months"),
    "务工时间月": m("migrant_months"),
    "是否参加新型农村合作医疗": m("ncms"),
    "参加新型农村合作医疗": m("ncms"),
    "是否参加城乡居民基本养老保险": m("pension_insured"),
    "是否参加新型农村社会养老保险": m("pension_insured"),
    "成员联系电话": m("phone"),
    "致贫原因": h("main_cause"),
    "致贫原因1": h("main_cause"),
    "主要致贫原因": h("main_cause"),
    "致贫原因2": h("other_causes"),
    "其他致贫原因": h("other_causes"),
    "危房户": h("housing_safe", invert=True),
    "是否危房户": h("housing_safe", invert=True),
    "是否解决安全饮用水": h("water_safe"),
    "饮水安全": h("water_safe"),
    "是否通自来水": h("tap_water"),
    "人均纯收入": PLACE["derived"],
    "人均纯收入元": PLACE["derived"],
    "人均可支配收入": PLACE["derived"],
    "家庭年纯收入": PLACE["derived"],
    "户联系电话": h("phone"),
    "联系电话": h("phone"),
    "首次识别时间": h("identification_year"),
    "识别时间": h("identification_year"),
    "识别年度": h("identification_year"),
    "贫困户属性": h("poverty_attribute"),
    "脱贫属性": h("status"),
    "贫困户状态": h("status"),
    "户状态": h("status"),
    "脱贫年度": h("exit_year"),
    "脱贫时间": h("exit_year"),
    "计划脱贫年度": h("planned_exit_year"),
    "帮扶责任人": h("cadre_id"),
    "帮扶人": h("cadre_id"),
    "住房面积": h("housing_area_m2"),
    "耕地面积": h("farmland_mu"),
    "有效灌溉面积": h("irrigated_mu"),
    "与村主干路距离": h("road_distance_km"),
    "距村主干路距离": h("road_distance_km"),
    "入户路类型": h("road_type"),
    "主要燃料类型": h("fuel_type"),
    "是否加入农民专业合作社": h("in_cooperative"),
    "工资性收入": f("wage_income"),
    "生产经营性收入": f("operating_income"),
    "生产经营性支出": f("operating_cost"),
    "财产性收入": f("property_income"),
    "转移性收入": f("transfer_income"),
    "生活消费支出": f("consumption_expenditure"),
}

_UNIT = re.compile(r"[（(]\s*(元|万元|亩|m2|m²|平方米|km|公里|月|人|%)\s*[)）]$")


def fold_title(text) -> str:
    """A column title as compared: NFKC, no spaces, line breaks or punctuation, no unit."""
    t = unicodedata.normalize("NFKC", str(text or ""))
    t = _UNIT.sub("", re.sub(r"\s+", "", t))
    return re.sub(r"[()（）、/\\·:：*＊\-_.]", "", t)


def title_unit(text) -> str:
    """The unit a title names, "万元" in "人均纯收入（万元）", else ""."""
    t = unicodedata.normalize("NFKC", re.sub(r"\s+", "", str(text or "")))
    found = _UNIT.search(t)
    return found.group(1) if found else ""


def targets() -> list[Target]:
    """Every field a column can go to, in form order, then the ledger's own columns."""
    out = [
        Target(entity, fd.key)
        for entity, form in FORMS.items()
        for fd in form.fields
        if (entity, fd.key) not in NOT_MAPPED
    ]
    out.append(h("housing_safe", invert=True))
    return out + list(PLACE.values())


def _label_titles() -> dict[str, Target]:
    known: dict[str, Target] = {}
    for t in targets():
        if t.entity == "place" or t.invert:
            continue
        label = fold_title(FORMS[t.entity][t.key].label)
        # 联系电话 is both a household's and a member's label: a ledger's plain one is the
        # household's (TITLES), a member's is written 成员联系电话.
        known.setdefault(label, t)
    return known


_KNOWN = {**_label_titles(), **TITLES}


def propose(title, group: str = "") -> Target | None:
    """The field a column titled `title` (under the merged group title `group`) holds."""
    folded, top = fold_title(title), fold_title(group)
    if not folded:
        return None
    # 户主 / 姓名 under a merged 户主信息 is the head's name; 家庭成员 / 姓名 a member's.
    for candidate in (top + folded, folded):
        if candidate in _KNOWN:
            if candidate == folded and top.startswith("户主") and folded == "姓名":
                return PLACE["head_name"]
            return _KNOWN[candidate]
    return None


def field_of(target: Target) -> Field | None:
    return None if target.entity == "place" else FORMS[target.entity][target.key]


# -- values ------------------------------------------------------------------------------------
YES = {"是", "√", "✓", "✔", "有", "y", "yes", "true", "1", "已", "参加", "已参加", "通"}
NO = {"否", "×", "✗", "✘", "x", "无", "没有", "n", "no", "false", "0", "2", "未", "未参加", "不通"}

# The national system's wording of a value → the register's choice, per field.
WORDS: dict[str, dict[str, str]] = {
    "relation": {
        "本人": "户主",
        "户主本人": "户主",
        "妻": "配偶",
        "妻子": "配偶",
        "夫": "配偶",
        "丈夫": "配偶",
        "之妻": "配偶",
        "之夫": "配偶",
        "之子": "子",
        "儿子": "子",
        "长子": "子",
        "次子": "子",
        "养子": "子",
        "继子": "子",
        "之女": "女",
        "女儿": "女",
        "长女": "女",
        "次女": "女",
        "养女": "女",
        "之父": "父母",
        "之母": "父母",
        "父亲": "父母",
        "母亲": "父母",
        "父": "父母",
        "母": "父母",
        "之孙子": "孙子女",
        "之孙女": "孙子女",
        "孙子": "孙子女",
        "孙女": "孙子女",
        "之外孙子": "孙子女",
        "之外孙女": "孙子女",
        "外孙子": "孙子女",
        "外孙女": "孙子女",
        "之儿媳": "其他",
        "儿媳": "其他",
        "之女婿": "其他",
        "女婿": "其他",
        "之兄弟姐妹": "其他",
        "兄弟姐妹": "其他",
        "之祖父母": "其他",
        "非亲属": "其他",
    },
    "school_status": {
        "非在校生": "非在校",
        "不在校": "非在校",
        "学前教育": "学龄前",
        "学前儿童": "学龄前",
        "在校小学": "小学",
        "小学在读": "小学",
        "七年级": "初中",
        "八年级": "初中",
        "九年级": "初中",
        "初中在读": "初中",
        "普通高中": "高中",
        "高中在读": "高中",
        "中职在读": "中职",
        "高职高专": "高职大专",
        "大专": "高职大专",
        "本科": "本科及以上",
        "研究生": "本科及以上",
    },
    "education": {
        "文盲": "文盲或半文盲",
        "半文盲": "文盲或半文盲",
        "文盲半文盲": "文盲或半文盲",
        "大专": "大专及以上",
        "本科": "大专及以上",
        "本科及以上": "大专及以上",
        "研究生": "大专及以上",
        "中职": "中专",
        "职高": "中专",
    },
    "health": {
        "患大病": "患有大病",
        "大病": "患有大病",
        "慢性病": "长期慢性病",
        "残疾人": "残疾",
    },
    "labor_ability": {
        "弱劳动力": "弱劳动力或半劳动力",
        "半劳动力": "弱劳动力或半劳动力",
        "技能劳动力（熟练工）": "技能劳动力",
        "丧失劳动能力": "丧失劳动力",
        "无劳动能力": "无劳动力",
    },
    "migrant_work": {
        "乡（镇）内务工": "乡镇内",
        "乡镇内务工": "乡镇内",
        "县内务工": "县内",
        "省内县外务工": "省内",
        "省内务工": "省内",
        "省外务工": "省外",
        "未务工": "无",
        "不务工": "无",
    },
    "poverty_attribute": {
        "一般户": "一般贫困户",
        "低保户": "低保贫困户",
        "低保": "低保贫困户",
        "五保户": "特困供养(五保)贫困户",
        "五保贫困户": "特困供养(五保)贫困户",
        "特困供养贫困户": "特困供养(五保)贫困户",
        "特困供养户": "特困供养(五保)贫困户",
    },
    "status": {
        "贫困": "未脱贫",
        "贫困户": "未脱贫",
        "脱贫": "已脱贫",
        "稳定脱贫": "已脱贫",
        "脱贫享受政策": "已脱贫",
        "脱贫不享受政策": "已脱贫",
        "标注脱贫": "已脱贫",
        "标注返贫": "返贫",
        "返贫户": "返贫",
        "标注清退": "清退",
        "清退户": "清退",
    },
    "ethnicity": {"汉": "汉族", "回": "回族", "藏": "藏族", "东乡": "东乡族"},
    "sex": {"男性": "男", "女性": "女"},
}

# Code lists a sheet may hold instead of words: GB 2261 sex, GB 3304 ethnicity, GB/T 4761
# relation (by its first digit), GB/T 4658 education (by its first digit).
_ETHNIC_CODES = {
    1: "汉族",
    2: "蒙古族",
    3: "回族",
    4: "藏族",
    26: "东乡族",
    30: "土族",
    35: "撒拉族",
    47: "保安族",
    48: "裕固族",
}
_RELATION_BY_DIGIT = {0: "户主", 1: "配偶", 2: "子", 3: "女", 4: "孙子女", 5: "父母"}
_EDUCATION_BY_DIGIT = {
    1: "大专及以上",
    2: "大专及以上",
    3: "大专及以上",
    4: "中专",
    6: "高中",
    7: "初中",
    8: "小学",
    9: "文盲或半文盲",
}


def _from_code(key: str, code: int) -> str | None:
    if key == "sex":
        return {1: "男", 2: "女"}.get(code)
    if key == "ethnicity":
        return _ETHNIC_CODES.get(code, "其他" if 1 <= code <= 56 else None)
    if key == "relation":
        return _RELATION_BY_DIGIT.get(code // 10, "其他") if code < 100 else None
    if key == "education":
        return _EDUCATION_BY_DIGIT.get(code // 10) if 10 <= code < 100 else None
    return None


def squeeze(text: str) -> str:
    """A name or a word as meant: NFKC, no stray or full-width spaces anywhere."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


def choice_word(key: str, text: str) -> str:
    """A ledger's word or code for the choice field `key`, as the register spells it."""
    word = squeeze(text)
    if word.isdecimal() and len(word) <= 2:  # not isdigit(): int() refuses ፩ and ²
        coded = _from_code(key, int(word))
        if coded:
            return coded
    return WORDS.get(key, {}).get(word, word)


def yes_no(text: str) -> bool | None:
    word = squeeze(text).lower()
    if word in YES:
        return True
    if word in NO:
        return False
    return None


# A member's relation to the head that makes a row the head's, and the words a totals row
# starts with.
HEAD = C.RELATIONS[0]
SQUEEZED = {"name", "household_no"}  # text fields whose stray spaces are typing, not content
NONE_WORD = "无"  # a list field's "none of these" (no income channel), unlike a blank
TOTAL_WORDS = ("合计", "总计", "小计", "共计", "汇总")


EXCEL_NUMBER_ID = (
    "身份证号被 Excel 存成了数字（{shown}），后几位已丢失。请把该列设置为“文本”格式"
    "（或在号码前加英文单引号 '），照原始资料重新录入后再导入"
)
_WAN = "万元"
_YEAR_IN = re.compile(r"\s*((?:19|20)\d{2})\s*(?:[年.\-/]\s*(\d{1,2})?.*)?")
_YEAR_MONTH = re.compile(r"((?:19|20)\d{2})\s*[年.\-/]\s*(\d{1,2})\s*月?")
_NUMBER_UNIT = re.compile(r"(人|口|个|月|亩|平方米|m2|m²|公里|km|元|户)$")


def _shown(raw) -> str:
    if isinstance(raw, float) and math.isfinite(raw) and abs(raw) >= 1e11:
        mantissa, exponent = f"{raw:.14E}".split("E")
        return f"{mantissa.rstrip('0').rstrip('.')}E+{int(exponent)}"  # as Excel shows it
    return str(raw)


def _year(raw):
    if isinstance(raw, (datetime, date)):
        return raw.year
    if isinstance(raw, float) and not math.isfinite(raw):
        return raw  # a cell of 1E999 reads as inf: no year
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        n = int(raw)
        if raw == n and 10000000 <= n <= 99991231:  # 20150301
            return n // 10000
        if raw == n and 100000 <= n <= 999912:  # 201503
            return n // 100
        return raw
    found = _YEAR_IN.fullmatch(unicodedata.normalize("NFKC", str(raw)))
    return int(found.group(1)) if found else raw


def _date(raw):
    if isinstance(raw, datetime):
        return raw.date()
    finite = not isinstance(raw, float) or math.isfinite(raw)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and finite and raw == int(raw):
        return str(int(raw))  # 20150301
    if isinstance(raw, str):
        text = squeeze(raw)
        if _YEAR_MONTH.fullmatch(text):
            raise ValueError(f"“{shown(raw)}”只有年月，缺少日；请写成 yyyy-mm-dd，如 2015-03-01")
        return text
    return raw


def _amount(fd: Field, raw, unit: str):
    factor = 10000 if unit == _WAN else 1
    if isinstance(raw, str):
        text = squeeze(raw).replace(",", "").replace("，", "")
        if text.endswith(_WAN):
            text, factor = text[: -len(_WAN)], 10000
        if fd.kind != MONEY:
            text = _NUMBER_UNIT.sub("", text)
        raw = text
    value = parse_value(fd, raw)
    if factor != 1 and value is not None:
        value = round(value * factor, 2)
    return value


def cell_value(target: Target, raw, unit: str = ""):
    """The stored value of a ledger's cell for `target` (unit: the column title's, 万元 …);
    a REF field gives the name it refers to. Blank → None; ValueError with a Chinese reason."""
    if blank(raw):
        return None
    if not isinstance(raw, (str, int, float, Decimal, date, time, timedelta)):
        raise ValueError(MSG_TEXT)  # no cell holds a list or bytes
    if isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) >= 10**300:
        raise ValueError(MSG_TOO_LONG_NUMBER)  # nor a number past a float's range
    if target == PLACE["head_id"]:
        target = m("id_number")
    fd = field_of(target)
    if fd is None:  # the ledger's own columns: a village, township, county or head's name
        return squeeze(str(raw)) if target.key != "derived" else None
    kind = fd.kind
    if isinstance(raw, str):
        raw = raw.strip().lstrip("'")
    if kind == ID_NUMBER:
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            raise ValueError(EXCEL_NUMBER_ID.format(shown=_shown(raw)))
        return parse_value(fd, squeeze(raw))
    if kind == BOOL:
        value = raw if isinstance(raw, bool) else yes_no(str(raw))
        if value is None:
            raise ValueError(f"“{shown(raw)}”应为是/否（也可写 √/×、有/无）")
        return (not value) if target.invert else value
    if kind == ENUM:
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        return parse_value(fd, choice_word(fd.key, str(raw)))
    if kind == MULTI:
        text = unicodedata.normalize("NFKC", str(raw))
        words = [choice_word(fd.key, w) for w in re.split(r"[、,;/|\s]+", text) if w.strip()]
        none = words == [NONE_WORD] and NONE_WORD not in fd.choices
        return [] if none else parse_value(fd, words)
    if kind in (MONEY, AREA, NUMBER, PERCENT):
        return _amount(fd, raw, unit)
    if kind == INT:
        if isinstance(raw, str):
            raw = _NUMBER_UNIT.sub("", squeeze(raw))
        return parse_value(fd, raw)
    if kind == YEAR:
        return parse_value(fd, _year(raw))
    if kind == DATE:
        return parse_value(fd, _date(raw))
    if kind == PHONE:
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        return parse_value(fd, str(raw))
    if kind in (TEXT, REF):
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)  # 户编号 12 kept as a number
        if isinstance(raw, (datetime, date)):
            raw = raw.isoformat()[:10]
        text = str(raw)
        # names and numbers with stray or full-width spaces; free text keeps its spacing
        return squeeze(text) if fd.key in SQUEEZED or kind == REF else text.strip()
    return parse_value(fd, raw)


# -- the layouts written (export-xlsx) ---------------------------------------------------------
def _titled(target: Target, title: str = "") -> tuple[str, Target]:
    fd = field_of(target)
    if not title:
        title = fd.label
        if fd.unit in ("元", "m²", "亩", "km", "月"):
            title += f"（{fd.unit}）"
    return title, target


_HOUSEHOLD_FIRST = (
    _titled(PLACE["county"], "县(市、区、旗)"),
    _titled(PLACE["township"], "乡(镇)"),
    _titled(PLACE["village"], "行政村"),
    _titled(PLACE["village_code"], "行政区划代码"),
    _titled(h("group_id"), "自然村(组)"),
    _titled(h("household_no"), "户编号"),
    _titled(PLACE["head_name"], "户主姓名"),
    _titled(h("household_size"), "家庭人口数"),
    _titled(h("poverty_attribute"), "贫困户属性"),
    _titled(h("status"), "脱贫属性"),
    _titled(h("phone"), "户联系电话"),
)
_SHOWN_FIRST = {t.key for _, t in _HOUSEHOLD_FIRST if t.entity == "household"}
_MEMBER_TITLES = {"id_number": "证件号码", "phone": "成员联系电话"}


def register_layout(year: int) -> tuple[tuple[str, tuple[tuple[str, Target], ...]], ...]:
    """The register in the national system's member-per-row layout: (group title, columns)
    where each column is (title, target); every title reads back as its target (propose)."""
    household = _HOUSEHOLD_FIRST + tuple(
        _titled(h(fd.key))
        for fd in HOUSEHOLD.fields
        if fd.key not in _SHOWN_FIRST and ("household", fd.key) not in NOT_MAPPED
    )
    member = tuple(
        _titled(m(fd.key), _MEMBER_TITLES.get(fd.key, ""))
        for fd in MEMBER.fields
        if ("member", fd.key) not in NOT_MAPPED
    )
    finance = tuple(
        _titled(f(fd.key)) for fd in FINANCE.fields if ("finance", fd.key) not in NOT_MAPPED
    )
    return (
        ("户基本信息", household),
        ("家庭成员", member),
        (f"{year}年收支", finance),
    )
