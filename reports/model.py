"""The plain data every report is drawn from: dataclasses the storage layer fills, no SQL, no Qt."""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from forms.criteria.result import LOOKS, MET, NA, STATUSES, UNKNOWN, UNMET

# A criterion's status is a code of forms.criteria.result; a caller may pass its word instead.
_BY_WORD = {look.word: status for status, look in LOOKS.items()}


def criterion_status(value: Any) -> str:
    """One of STATUSES for a code or its word (达标 …, forms.criteria.result.LOOKS); anything
    else, None and blanks included, is unknown: never shown as met."""
    if not isinstance(value, str):
        return UNKNOWN
    v = value.strip()
    return v.lower() if v.lower() in STATUSES else _BY_WORD.get(v, UNKNOWN)


@dataclass
class Village:
    code: str = ""  # 12-digit 行政区划代码
    name: str = ""  # 村名, e.g. "石门村"
    township: str = ""  # 乡镇
    county: str = ""  # 县区
    pairing_unit: str = ""  # 帮扶单位 (双联单位)
    leader_in_charge: str = ""  # 包抓领导


@dataclass
class Cadre:
    name: str = ""  # 姓名
    unit: str = ""  # 单位
    role: str = ""  # 队长 / 第一书记 / 队员 / 帮扶责任人
    phone: str = ""  # 联系电话 (printed: it is the team's public contact)


@dataclass
class VillageCriterion:
    no: int = 0  # 1..17, the seed's ⑴..⒄
    title: str = ""  # blank -> the rule's short title (reports.labels.VILLAGE_CRITERIA[no])
    status: str = UNKNOWN  # a code of forms.criteria.result (or its word, see criterion_status)
    value: str = ""  # the village now, as text: "6.3%", "有", "2条"
    target: str = ""  # the target, as text: "8%以下"
    reasons: list[str] = field(default_factory=list)  # why, naming the figure


@dataclass
class CriterionResult:
    """One of the 12 household criteria for one household."""

    no: int = 0  # 1..12
    status: str = UNKNOWN  # a code of forms.criteria.result (or its word, see criterion_status)
    reasons: list[str] = field(default_factory=list)  # "张三, 12岁, 辍学"


@dataclass
class Member:
    name: str = ""
    relation: str = ""  # 户主 / 配偶 / 子 / 女 / 父母 / 孙子女 / 其他
    sex: str = ""  # 男 / 女
    age: Optional[int] = None  # full years (the caller's evaluation date)
    id_number: str = ""  # full 18-char ID; reports mask it where posted
    health: str = ""  # NOT public: never on a notice
    school_status: str = ""  # 在校生状况
    labor_ability: str = ""  # 劳动技能


@dataclass
class Finance:
    """A household's income and spending for the report year, 元 per year for the whole household."""

    year: Optional[int] = None
    wage_income: Optional[Decimal] = None  # 工资性收入
    operating_income: Optional[Decimal] = None  # 生产经营性收入
    operating_cost: Optional[Decimal] = None  # 生产经营性支出
    property_income: Optional[Decimal] = None  # 财产性收入
    transfer_income: Optional[Decimal] = None  # 转移性收入
    consumption_expenditure: Optional[Decimal] = None  # 生活消费支出
    per_capita_income: Optional[Decimal] = None  # blank -> computed from the parts / size
    per_capita_consumption: Optional[Decimal] = None  # blank -> consumption / size
    poverty_line: Optional[Decimal] = None  # 当年国家扶贫标准, 元/人·年

    def income_per_capita(self, size: int | None) -> Optional[Decimal]:
        """Per-capita disposable income: (wage + operating − cost + property + transfer) / size."""
        if self.per_capita_income is not None:
            return self.per_capita_income
        parts = (
            self.wage_income,
            self.operating_income,
            self.operating_cost,
            self.property_income,
            self.transfer_income,
        )
        if not size or any(p is None for p in parts):
            return None
        wage, op_in, op_cost, prop, transfer = parts
        return ((wage + op_in - op_cost + prop + transfer) / size).quantize(Decimal("0.01"))

    def consumption_per_capita(self, size: int | None) -> Optional[Decimal]:
        if self.per_capita_consumption is not None:
            return self.per_capita_consumption
        if not size or self.consumption_expenditure is None:
            return None
        return (self.consumption_expenditure / size).quantize(Decimal("0.01"))


@dataclass
class HouseholdRow:
    household_no: str = ""  # 户编号
    head_name: str = ""  # 户主姓名
    id: Optional[int] = None  # storage id (not printed)
    group: str = ""  # 社 / 村民小组, e.g. "三社"
    size: Optional[int] = None  # 家庭人口数; None -> len(members)
    status: str = ""  # 未脱贫 / 已脱贫 / 返贫 / 清退 at the end of the year (forms.history)
    labels: list[str] = field(default_factory=list)  # 新识别 / 计划脱贫 in the year
    status_reason: str = ""  # reason of the latest status change (printed on notices)
    identification_year: Optional[int] = None  # 识别年度
    planned_exit_year: Optional[int] = None  # 计划脱贫年度
    exit_year: Optional[int] = None  # 脱贫年度
    poverty_attribute: str = ""  # 一般贫困户 / 低保贫困户 / 特困供养(五保)贫困户
    main_cause: str = ""  # 主要致贫原因
    cadre_name: str = ""  # 帮扶责任人
    cadre_phone: str = ""  # 帮扶责任人电话
    criteria: list[CriterionResult] = field(default_factory=list)  # the 12; missing = unknown
    members: list[Member] = field(default_factory=list)
    finance: Optional[Finance] = None

    @property
    def people(self) -> int:
        """Household size as printed: the registered size, else the member count."""
        return self.size if self.size is not None else len(self.members)

    def criterion(self, no: int) -> CriterionResult:
        """The result for criterion `no` (1..12); a missing one is unknown, never met."""
        for c in self.criteria:
            if c.no == no:
                return c
        return CriterionResult(no=no, status=UNKNOWN, reasons=[])

    def status_of(self, no: int) -> str:
        return criterion_status(self.criterion(no).status)

    @property
    def unmet(self) -> list[CriterionResult]:
        return [self.criterion(n) for n in range(1, 13) if self.status_of(n) == UNMET]

    @property
    def not_passing(self) -> list[int]:
        """The criteria neither met nor not applicable (unmet, or unknown: data missing)."""
        return [n for n in range(1, 13) if self.status_of(n) not in (MET, NA)]


@dataclass
class MeasureRow:
    description: str = ""  # 措施内容
    household_no: Optional[str] = None  # None for a village-level measure
    head_name: str = ""  # 户主 (blank -> looked up by household_no)
    level: str = "户"  # 村 / 户
    category: str = ""  # 措施类别 (产业发展 …)
    cause: str = ""  # 针对致贫原因
    criterion_no: Optional[int] = None  # which criterion it closes: 户 1..12, 村 1..17
    quantity: Optional[Decimal] = None
    unit: str = ""  # 只, 亩, 人 …
    money: Optional[Decimal] = None  # 资金, 元
    fund_source: str = ""  # 资金来源
    cadre_name: str = ""  # 责任人
    planned_date: Optional[dt.date] = None  # 计划完成日期
    status: str = "计划"  # 计划 / 实施中 / 已完成 / 已取消 (forms.choices.MEASURE_STATUSES)
    done_date: Optional[dt.date] = None  # 完成日期


@dataclass
class Visit:
    date: Optional[dt.date] = None
    household_no: str = ""
    head_name: str = ""
    cadre_name: str = ""
    purpose: str = ""  # 走访目的
    findings: str = ""  # 走访发现
    note: str = ""  # 备注


@dataclass
class StatusChange:
    household_no: str = ""
    head_name: str = ""
    status: str = ""  # the new status
    date: Optional[dt.date] = None
    reason: str = ""


@dataclass
class Posting:
    """A 公示 or 公告 as the procedure recorded it (storage.procedures.postings): the households
    posted together, the first day, the period and the notice's number."""

    start: Optional[dt.date] = None
    days: int = 7
    document: str = ""
    household_ids: list = field(default_factory=list)


@dataclass
class VillageReportData:
    """Everything any report of one village for one year needs.

    `measures` and `visits` hold the whole village (village- and household-level), each
    household-level row naming its household by `household_no`; the reports pick a household's
    rows from there, so nothing is stored twice.
    """

    year: int = 0
    village: Village = field(default_factory=Village)
    team: list[Cadre] = field(default_factory=list)  # 驻村工作队, in print order
    posting_date: Optional[dt.date] = None  # 张贴日期 / 制表日期
    village_criteria: list[VillageCriterion] = field(default_factory=list)  # the 17
    households: list[HouseholdRow] = field(default_factory=list)  # in print order
    measures: list[MeasureRow] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    status_changes: list[StatusChange] = field(default_factory=list)
    poverty_line: Optional[Decimal] = None  # 当年国家扶贫标准, 元/人·年
    closed: str = ""  # a closed year: "2015年度已于…封存（…），按封存数据" (storage.closing)
    postings: dict = field(default_factory=dict)  # notice kind → Posting (the procedure's)

    def household(self, household_no: str | None) -> Optional[HouseholdRow]:
        for h in self.households:
            if household_no and h.household_no == household_no:
                return h
        return None

    def measures_of(self, household_no: str) -> list[MeasureRow]:
        return [m for m in self.measures if m.household_no == household_no]

    def visits_of(self, household_no: str) -> list[Visit]:
        return [v for v in self.visits if v.household_no == household_no]

    @classmethod
    def from_dict(cls, data: dict) -> "VillageReportData":
        """Build from nested dicts/lists (storage rows): unknown keys are ignored, ISO date
        strings become dates, money becomes Decimal, `criteria` may be {no: status}."""
        return _build(cls, data)


# --- building from plain dicts -------------------------------------------------------------


def _build(cls, data):
    if isinstance(data, cls):
        return data
    if not isinstance(data, dict):
        raise TypeError(f"{cls.__name__}: expected a dict, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        if f.name == "criteria" and isinstance(value, dict):  # {1: "met", 2: {...}}
            value = [
                dict(v, no=int(k)) if isinstance(v, dict) else {"no": int(k), "status": v}
                for k, v in value.items()
            ]
        kwargs[f.name] = _coerce(hints[f.name], value)
    return cls(**kwargs)


def _coerce(tp, value):
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        return _coerce(inner, value)
    if origin is list:
        (inner,) = typing.get_args(tp)
        return [_coerce(inner, v) for v in (value or [])]
    if dataclasses.is_dataclass(tp):
        return _build(tp, value)
    if tp is Decimal:
        return to_decimal(value)
    if tp is dt.date:
        return to_date(value)
    if tp is int:
        try:
            return int(value)
        except (TypeError, ValueError):
            return None
    if tp is str:
        return "" if value is None else str(value)
    return value


def to_decimal(value) -> Optional[Decimal]:
    """Money as Decimal; None, blanks and junk become None (printed as a dash)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None


def to_date(value):
    """A date from a date, a datetime or an ISO string; an unparsable string is kept as text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date) or value is None:
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return text or None
