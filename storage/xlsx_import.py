"""Bringing in the Excel register a team already keeps: a mapping of columns to fields, every
row checked before anything is written (its sheet, row, column and the Chinese reason), then the
valid households written in one transaction through the register's write path. Re-importing the
same workbook changes nothing: households match by 户编号 or the head's ID number, members by ID
number (or by name within their household)."""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from forms import choices as C
from forms import ledger
from forms.entities import FINANCE, HOUSEHOLD, MEMBER
from forms.validation import derive_member, shown, validate_household_members

from .db import Store
from .enrolment import team_of
from .register import ValidationError, clean, natural_id
from .xlsx_read import BLANK_RUN, Column, Sheet, WorkbookError, read_workbook

MAPPING_FORMAT = "fupin-xlsx-mapping/1"


@dataclass(frozen=True)
class RowProblem:
    sheet: str
    row: int
    column: str  # letter, or "" for the row as a whole
    title: str
    message: str

    def __str__(self) -> str:
        where = f"{self.column}列（{self.title}）" if self.column else ""
        return f"工作表“{self.sheet}”第{self.row}行{where}：{self.message}"


@dataclass(eq=False, slots=True)
class _Row:
    sheet: Sheet
    number: int
    household: dict = field(default_factory=dict)  # key → parsed value
    member: dict = field(default_factory=dict)
    finance: dict = field(default_factory=dict)
    place: dict = field(default_factory=dict)
    columns: dict = field(default_factory=dict)  # (entity, key) → Column, shared by a sheet
    problems: list[RowProblem] = field(default_factory=list)

    def problem(self, message: str, entity: str = "", key: str = "") -> None:
        col: Column | None = self.columns.get((entity, key))
        self.problems.append(
            RowProblem(
                self.sheet.name, self.number, col.letter if col else "", col.title if col else "",
                message,
            )
        )  # fmt: skip


@dataclass(eq=False)
class _House:
    village: dict
    key: str  # 户编号, or the head's name where the ledger has no 户编号
    rows: list[_Row] = field(default_factory=list)
    values: dict = field(default_factory=dict)
    finance: dict = field(default_factory=dict)
    existing: dict | None = None
    member_writes: list[tuple[str | None, dict, dict | None]] = field(default_factory=list)
    group: str | None = None
    cadre: str | None = None
    finance_row: dict | None = None  # the register's finance of the year, if any
    elsewhere: list[str] = field(default_factory=list)  # members also in another household

    @property
    def problems(self) -> list[RowProblem]:
        return [p for r in self.rows for p in r.problems]


@dataclass
class Plan:
    """What an import would write; nothing is written until apply()."""

    sheets: list[Sheet]
    mapping: dict[str, dict[int, ledger.Target]]
    year: int
    houses: list[_House] = field(default_factory=list)
    rejected: list[_House] = field(default_factory=list)
    loose: list[_Row] = field(default_factory=list)  # rows in no household (rejected)
    notes: list[str] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    unknown_cadres: dict[str, int] = field(default_factory=dict)  # name → households
    numbers: set[tuple] = field(default_factory=set)  # (village id, 户编号) the workbook uses

    @property
    def problems(self) -> list[RowProblem]:
        out = [p for h in self.rejected for p in h.problems]
        out += [p for r in self.loose for p in r.problems]
        return sorted(out, key=lambda p: (p.sheet, p.row, p.column))

    @property
    def rejected_rows(self) -> list[_Row]:
        rows = [r for h in self.rejected for r in h.rows] + self.loose
        return sorted(rows, key=lambda r: (r.sheet.name, r.number))


# -- the mapping -------------------------------------------------------------------------------
def propose_mapping(sheets: list[Sheet]) -> dict[str, dict[int, ledger.Target]]:
    return {s.name: s.proposed() for s in sheets}


def mapping_to_json(sheets: list[Sheet], mapping: dict[str, dict[int, ledger.Target]]) -> dict:
    """A mapping as saved for next time: per sheet, each column's title → its target."""
    out = {}
    for s in sheets:
        cols = {}
        for c in s.columns:
            t = mapping.get(s.name, {}).get(c.index)
            cols[_key(s, c)] = t.name if t else ""
        out[s.name] = cols
    return {"format": MAPPING_FORMAT, "sheets": out}


def _key(sheet: Sheet, column: Column) -> str:
    same = [c for c in sheet.columns if c.title == column.title]
    return column.title if len(same) == 1 else f"{column.letter}:{column.title}"


def mapping_from_json(data: dict, sheets: list[Sheet]) -> dict[str, dict[int, ledger.Target]]:
    """A saved mapping applied to these sheets: columns found by title (or "C:title", or a bare
    letter); a sheet the file does not name keeps its proposed mapping."""
    if not isinstance(data, dict) or data.get("format") != MAPPING_FORMAT:
        raise WorkbookError(f"对应方案文件不是 {MAPPING_FORMAT} 格式（not a mapping file）")
    known = {t.name for t in ledger.targets()}
    out = propose_mapping(sheets)
    saved = data.get("sheets") or {}
    for s in sheets:
        cols = saved.get(s.name) if isinstance(saved, dict) else None
        if cols is None and isinstance(saved, dict) and len(saved) == 1 and len(sheets) == 1:
            cols = next(iter(saved.values()))
        if not isinstance(cols, dict):
            continue
        by_key = {_key(s, c): c for c in s.columns} | {c.letter: c for c in s.columns}
        chosen = {}
        for title, name in cols.items():
            col = by_key.get(title)
            if col is None:
                continue
            if name and (not isinstance(name, str) or name not in known):
                raise WorkbookError(
                    f"对应方案中“{shown(title)}”对应的字段 {shown(name)} 不存在（unknown field）"
                )
            if name:
                chosen[col.index] = ledger.Target.parse(name)
        out[s.name] = chosen
    return out


def read_mapping(path: str | os.PathLike, sheets: list[Sheet]) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise WorkbookError(f"无法读取对应方案文件 {path}（{e}）") from None
    except RecursionError:
        raise WorkbookError(
            f"对应方案文件嵌套层数过多，无法读取：{path}（nested too deep）"
        ) from None
    return mapping_from_json(data, sheets)


def mapping_clashes(
    sheets: list[Sheet], mapping: dict
) -> list[tuple[Sheet, list[Column], ledger.Target]]:
    """Each field given two or more columns of one sheet: (sheet, its columns, the field)."""
    out = []
    for s in sheets:
        by_target: dict[ledger.Target, list[Column]] = {}
        for index, t in sorted(mapping.get(s.name, {}).items()):
            if t != ledger.PLACE["derived"]:
                by_target.setdefault(t, []).append(s.columns[index])
        out += [(s, cols, t) for t, cols in by_target.items() if len(cols) > 1]
    return out


def mapping_problems(sheets: list[Sheet], mapping: dict) -> list[str]:
    """A field given two columns of one sheet: which one holds it cannot be guessed."""
    out = []
    for s, cols, target in mapping_clashes(sheets, mapping):
        titles = "”和“".join(f"{c.letter}列 {c.title}" for c in cols)
        out.append(
            f"工作表“{s.name}”的“{titles}”都对应到“{target.label}”："
            "一个字段只能对应一列，请改正对应方案"
        )
    return out


def describe_mapping(sheets: list[Sheet], mapping: dict) -> list[str]:
    lines = []
    for s in sheets:
        lines.append(f"工作表“{s.name}”（表头第{'、'.join(map(str, s.header_rows))}行）：")
        for c in s.columns:
            t = mapping.get(s.name, {}).get(c.index)
            lines.append(f"  {c.letter}列 {c.title or '（无标题）'} → {t.label if t else '不导入'}")
    return lines


# -- reading the rows --------------------------------------------------------------------------
def _reader(sheet: Sheet, mapping: dict[int, ledger.Target]):
    """A function reading one row of the sheet; what is alike for every row is worked out once
    (a county's 280,000 rows each holding its own column map took gigabytes)."""
    columns = {(t.entity, t.key): sheet.columns[i] for i, t in mapping.items()}
    cells = [(i, t, sheet.columns[i].unit, t.entity, t.key) for i, t in mapping.items()]

    def read(number: int, values: tuple) -> _Row:
        row = _Row(sheet, number, columns=columns)
        width = len(values)
        for index, target, unit, entity, key in cells:
            raw = values[index] if index < width else None
            if raw is None:
                continue
            try:
                value = ledger.cell_value(target, raw, unit)
            except ValueError as e:
                row.problem(str(e), entity, key)
                continue
            if value is not None:
                getattr(row, entity)[key] = value
        return row

    return read


class _Villages(list):
    """The villages a workbook may hold, found by code and by name without a scan per row."""

    def __init__(self, villages: list[dict]):
        super().__init__(villages)
        self.by_code = {v["code"]: v for v in villages}
        self.by_name: dict[str, list[dict]] = {}
        for v in villages:
            self.by_name.setdefault(v["name"], []).append(v)


def _village_of(row: _Row, villages: _Villages, fixed: dict | None) -> dict | None:
    name = row.place.get("village")
    code = row.place.get("village_code")
    if code:  # the division code says which village, whatever its name
        found = villages.by_code.get(code)
        if found is None or (fixed is not None and found is not fixed):
            where = f"“{fixed['name']}”" if fixed else "登记册"
            row.problem(f"行政区划代码 {code} 的村不在{where}中", "place", "village_code")
            return None
        return found
    if fixed is not None:
        if name and name not in (fixed["name"], fixed["code"]):
            row.problem(
                f"本行是“{shown(name)}”的户，不是要导入的“{fixed['name']}”", "place", "village"
            )
            return None
        return fixed
    if not name:
        return None
    found = villages.by_name.get(name) or (
        [villages.by_code[name]] if name in villages.by_code else []
    )
    if len(found) > 1 and row.place.get("township"):
        found = [v for v in found if v["township"] == row.place["township"]]
    if len(found) == 1:
        return found[0]
    if not found:
        row.problem(
            f"登记册中没有“{shown(name)}”这个村：请先添加该村，或指定导入到哪个村",
            "place",
            "village",
        )
    else:
        row.problem(
            f"登记册中有{len(found)}个“{shown(name)}”：请加上乡镇一列，或指定村", "place", "village"
        )
    return None


def _households_of_rows(
    sheet: Sheet, rows: list[_Row], villages, fixed, numbers: dict[str, dict] | None = None
) -> list[_House]:
    """Member-per-row: consecutive rows of one household share its 户编号 (written on every row,
    or only on the first under a merged cell), or follow the row of their head."""
    houses: dict[tuple, _House] = {}
    order: list[_House] = []
    current: _House | None = None
    numbered = any(c == ("household", "household_no") for c in rows[0].columns) if rows else False
    last_place: dict = {}
    for row in rows:
        # merged cells hold their value in the first row only: carry the place down
        for key in ("county", "township", "village", "village_code"):
            if key in row.place:
                last_place[key] = row.place[key]
            elif key in last_place:
                row.place[key] = last_place[key]
        number = row.household.get("household_no")
        head_name = row.place.get("head_name")
        # With a 户编号 column, a blank one is the household above (a merged cell): a second
        # 户主 there is that household's problem, not a new household.
        starts = (
            number is not None
            or (head_name and (current is None or head_name != current.rows[0].place.get("head_name")))
            or (row.member.get("relation") == ledger.HEAD and not numbered)
            or current is None
        )  # fmt: skip
        if not starts and current is not None:
            current.rows.append(row)
            continue
        known = (numbers or {}).get(number) if number and not row.place.get("village") else None
        village = known or _village_of(row, villages, fixed)
        if village is None:
            current = None
            if not row.problems:
                row.problem("不知道本行属于哪个村：请加上“行政村”一列，或指定村")
            continue
        key = number or f"（户主 {head_name or row.member.get('name') or row.number}）"
        found = houses.get((village["id"], key))
        if found is None:
            found = houses[(village["id"], key)] = _House(village, key)
            order.append(found)
        found.rows.append(row)
        current = found
    return order


# -- the plan ----------------------------------------------------------------------------------
class _Register:
    """The register's rows an import is matched against, read once."""

    def __init__(self, store: Store, villages: list[dict]):
        ids = [v["id"] for v in villages]
        marks = ",".join("?" * len(ids)) or "''"
        self.households = store.find("households", f"village_id in ({marks})", ids)
        self.by_no = {(h["village_id"], h["household_no"]): h for h in self.households}
        self.members: dict[str, list[dict]] = {}
        self.by_id_number: dict[str, dict] = {}
        for m in store.find(
            "members",
            f"household_id in (select id from households where deleted = 0 and village_id in ({marks}))",
            ids,
        ):
            self.members.setdefault(m["household_id"], []).append(m)
            if m.get("id_number"):
                self.by_id_number.setdefault(m["id_number"], m)
        self.by_id = {h["id"]: h for h in self.households}
        self.last_number: dict[str, int] = {}  # village → highest numeric 户编号 so far
        self.heads: dict[tuple, list[str]] = {}  # (village, head's name) → households
        for hid, people in self.members.items():
            for m in people:
                if m["relation"] == ledger.HEAD and not m.get("left_date"):
                    key = (self.by_id[hid]["village_id"], m["name"])
                    self.heads.setdefault(key, []).append(hid)
        self.groups = {(g["village_id"], g["name"]): g["id"] for g in store.find("groups")}
        self.cadres: dict[tuple, list[str]] = {}
        for c in store.find("cadres"):
            self.cadres.setdefault((c.get("village_id"), c["name"]), []).append(c["id"])
            self.cadres.setdefault((None, c["name"]), []).append(c["id"])
        self.finances: dict[str, dict] = {}


def _villages(store: Store) -> list[dict]:
    return store.find("villages", order_by="code")


def plan_import(
    store: Store,
    sheets: list[Sheet],
    mapping: dict[str, dict[int, ledger.Target]],
    *,
    village_code: str | None = None,
    year: int | None = None,
) -> Plan:
    """Check every row against the forms and the register; nothing is written."""
    from .register import default_year

    problems = mapping_problems(sheets, mapping)
    if problems:
        raise WorkbookError("；".join(problems))
    villages = _villages(store)
    team = team_of(store) if store.role == "village" else None
    if team is not None:
        villages = [v for v in villages if v["code"] in team.villages]
    villages = _Villages(villages)
    fixed = None
    if village_code is not None:
        fixed = next((v for v in villages if v["code"] == village_code.strip()), None)
        if fixed is None:
            raise WorkbookError(
                f"本机登记册中没有行政区划代码为 {village_code} 的村（village not found）"
            )
    elif len(villages) == 1 and not any(
        t.key in ("village", "village_code") for cols in mapping.values() for t in cols.values()
    ):
        fixed = villages[0]
    if not villages:
        if team is not None:
            raise WorkbookError(
                f"本机是“{team.name}”的电脑，登记册中还没有本队的村：请先导入县扶贫办发来的"
                "数据包，再导入台账。未作任何改动（no villages yet）"
            )
        raise WorkbookError("登记册中还没有村：请先添加村，再导入它的贫困户（no villages）")
    if not any(s.rows for s in sheets):
        names = "、".join(f"“{s.name}”" for s in sheets)
        raise WorkbookError(f"工作表{names}只有表头，没有数据行（no data rows）")
    year = year or default_year(store)
    plan = Plan(sheets, mapping, year)
    member_sheets = [s for s in sheets if _is_member_sheet(mapping.get(s.name, {}))]
    household_sheets = [s for s in sheets if s not in member_sheets and mapping.get(s.name)]
    if not member_sheets and not household_sheets:
        raise WorkbookError("没有任何一列对应到登记册的字段：请检查对应方案（nothing mapped）")

    houses: list[_House] = []
    by_key: dict[tuple, _House] = {}
    numbers: dict[str, dict] = {}  # 户编号 of the household sheets → village
    household_rows: list[_Row] = []
    for s in household_sheets:
        read = _reader(s, mapping[s.name])
        for n, v in s.rows:
            row = read(n, v)
            village = _village_of(row, villages, fixed)
            number = row.household.get("household_no")
            if village is None or not number:
                if not row.problems:
                    row.problem(
                        "户表的每一行都应有户编号，成员表靠它对应到户", "household", "household_no"
                    )
                plan.loose.append(row)
                continue
            if row.place.get("head_id") and "id_number" not in row.member:
                row.member["id_number"] = row.place["head_id"]
                head_id = row.columns.get(("place", "head_id"))
                row.columns = {**row.columns, ("member", "id_number"): head_id}
            if row.place.get("head_name") and row.member:  # the head described on the row
                row.member.setdefault("name", row.place["head_name"])
                row.member.setdefault("relation", ledger.HEAD)
            numbers[number] = village
            house = by_key.get((village["id"], number))
            if house is None:
                house = by_key[(village["id"], number)] = _House(village, number)
                houses.append(house)
            house.rows.append(row)
            household_rows.append(row)
    for s in member_sheets:
        read = _reader(s, mapping[s.name])
        rows = [read(n, v) for n, v in s.rows]
        for r in rows:
            if not r.member.get("name") and not r.problems:
                if any(r.member.values()) or any(r.household.values()):
                    r.problem("缺少成员姓名", "member", "name")
                else:
                    r.problem("本行没有成员姓名和户编号，不是数据行")
        found = _households_of_rows(s, rows, villages, fixed, numbers)
        placed = {id(r) for h in found for r in h.rows}
        plan.loose += [r for r in rows if id(r) not in placed]
        for h in found:
            same = by_key.get((h.village["id"], h.key))
            if same is None:
                by_key[(h.village["id"], h.key)] = h
                houses.append(h)
            else:
                same.rows += h.rows
    named = sorted({r.place["village"] for r in plan.loose if r.place.get("village")})
    if not houses and named:
        mine = "、".join(v["name"] for v in villages)
        where = f"本机是“{mine}”工作队的电脑" if team else f"本登记册只有“{mine}”"
        raise WorkbookError(
            f"这个工作簿是“{'、'.join(named)}”的贫困户，{where}：请在县扶贫办或该村工作队的"
            "电脑上导入，或先添加该村。未作任何改动（another village's workbook）"
        )
    register = _Register(store, villages)
    register.finances = _finances(store, register, year)
    plan.numbers = {
        (h.village["id"], h.rows[0].household["household_no"])
        for h in houses
        if h.rows[0].household.get("household_no")
    }
    for house in houses:
        _plan_house(plan, register, house)
    _one_number_each(plan)
    closed = _closed_years(store, year)
    for house in plan.houses[:]:
        if house.finance and house.village["id"] in closed:
            house.rows[0].problem(f"{year}年度已封存，不能导入该年度的收支", "finance", "")
            plan.houses.remove(house)
            plan.rejected.append(house)
    elsewhere = [e for h in plan.houses for e in h.elsewhere]
    if elsewhere:
        plan.notes.append(
            f"{len(elsewhere)}名成员的身份证号已登记在另一户（疑点，导入后在“疑点”中处理）："
            + "；".join(elsewhere[:5])
            + ("…" if len(elsewhere) > 5 else "")
        )
    for s in sheets:
        if s.stopped_at:
            plan.notes.append(
                f"工作表“{s.name}”第{s.stopped_at - BLANK_RUN + 1}行起连续{BLANK_RUN}行空白，"
                "其后的行没有读取；如后面还有数据，请删去中间的空行"
            )
    for name, n in plan.unknown_cadres.items():
        plan.notes.append(
            f"帮扶责任人“{shown(name)}”不在本村的帮扶干部名单中（或有重名），{n}户未关联；"
            "先在“帮扶干部”中添加后再导入即可关联"
        )
    _count(plan)
    return plan


def _one_number_each(plan: Plan) -> None:
    """Two households of a village never share a 户编号 (a number kept from the register for a
    household matched by its head's ID may be one the sheet gives another)."""
    first: dict[tuple, _House] = {}
    for house in list(plan.houses):
        number = house.values.get("household_no") or (house.existing or {}).get("household_no")
        key = (house.village["id"], number)
        if key not in first:
            first[key] = house
            continue
        house.rows[0].problem(
            f"户编号 {key[1]} 与第{first[key].rows[0].number}行的户重复",
            "household",
            "household_no",
        )
        plan.houses.remove(house)
        plan.rejected.append(house)


def _is_member_sheet(cols: dict[int, ledger.Target]) -> bool:
    return any(t.entity == "member" and t.key == "name" for t in cols.values())


def _finances(store: Store, register: _Register, year: int) -> dict[str, dict]:
    rows = store.find("finances", "year = ?", [year])
    return {f["household_id"]: f for f in rows if f["household_id"] in register.by_id}


def _closed_years(store: Store, year: int) -> set[str]:
    rows = store.find("year_closures", "year = ? and closed = 1", [year])
    return {r["village_id"] for r in rows}


def _merge_household_values(house: _House) -> None:
    """The household's fields from its rows: repeated on every row, or on the first only."""
    first: dict[str, tuple] = {}
    first_finance: dict[str, tuple] = {}
    for row in house.rows:
        for key, value in row.household.items():
            if key not in first:
                first[key] = (value, row)
            elif first[key][0] != value:
                label = HOUSEHOLD[key].label
                row.problem(
                    f"{label}与同户第{first[key][1].number}行不一致"
                    f"（“{shown(first[key][0])}” / “{shown(value)}”）",
                    "household",
                    key,
                )
        for key, value in row.finance.items():
            if key not in first_finance:
                first_finance[key] = (value, row)
                house.finance[key] = value
            elif first_finance[key][0] != value:  # not silently the first row's
                row.problem(
                    f"{FINANCE[key].label}与同户第{first_finance[key][1].number}行不一致"
                    f"（“{shown(first_finance[key][0])}” / “{shown(value)}”）",
                    "finance",
                    key,
                )
    house.values = {k: v for k, (v, _) in first.items()}
    house.group = house.values.pop("group_id", None)
    house.cadre = house.values.pop("cadre_id", None)


def _plan_house(plan: Plan, register: _Register, house: _House) -> None:
    _merge_household_values(house)
    members = _same_people(house)
    heads = [r for r in members if r.member.get("relation") == ledger.HEAD]
    vid = house.village["id"]
    existing = register.by_no.get((vid, house.values.get("household_no")))
    head_ids = [r.member.get("id_number") for r in heads] + [
        r.place.get("head_id") for r in house.rows
    ]
    if existing is None:
        for idn in filter(None, head_ids):
            m = register.by_id_number.get(idn)
            if (
                m is not None
                and m["relation"] == ledger.HEAD
                and m["household_id"] in register.by_id
            ):
                existing = register.by_id[m["household_id"]]
                number = house.values.get("household_no")
                if number and number != existing["household_no"]:
                    plan.notes.append(
                        f"户主身份证号 {idn} 的户在登记册中是户编号 {existing['household_no']}，"
                        f"表中是 {number}：按身份证号对应，户编号保留登记册的"
                    )
                    house.values["household_no"] = existing["household_no"]
                break
    if existing is None and not house.values.get("household_no"):
        # no 户编号 and no ID number: the head's name, when one household of the village has it
        name = next((r.member["name"] for r in heads), None) or house.rows[0].place.get("head_name")
        found = register.heads.get((vid, name), [])
        if len(found) == 1:
            existing = register.by_id[found[0]]
    house.existing = existing
    if existing is None and not house.values.get("household_no"):
        house.values["household_no"] = _next_number(register, vid, plan.numbers)
        plan.notes.append(
            f"工作表“{house.rows[0].sheet.name}”第{house.rows[0].number}行起的户没有户编号，"
            f"已编为 {house.values['household_no']}"
        )
    hid = existing["id"] if existing else str(uuid.uuid4())
    house.finance_row = register.finances.get(hid)
    if house.group:
        house.values["group_id"] = register.groups.get((vid, house.group), house.group)
    if house.cadre:
        ids = register.cadres.get((vid, house.cadre)) or register.cadres.get((None, house.cadre))
        if ids and len(set(ids)) == 1:
            house.values["cadre_id"] = ids[0]
        else:
            plan.unknown_cadres[house.cadre] = plan.unknown_cadres.get(house.cadre, 0) + 1
    _check_household(plan, house, existing, vid)
    _plan_members(register, house, hid, members)
    if house.finance:
        try:
            clean(FINANCE, {**house.finance, "household_id": hid, "year": plan.year})
        except ValidationError as e:
            for p in e.problems:
                house.rows[0].problem(p.message, "finance", p.field)
    house.values["_id"] = hid
    (plan.rejected if house.problems else plan.houses).append(house)


def _same_people(house: _House) -> list[_Row]:
    """The household's member rows, one per person: the head written on the household sheet
    (户主姓名, 户主身份证号) and again on the member sheet is one person, the values joined."""
    out: list[_Row] = []
    seen: dict = {}
    for row in house.rows:
        values = row.member
        if not values.get("name"):
            continue
        head = values.get("relation") == ledger.HEAD
        keys = [values["id_number"]] if values.get("id_number") else []
        keys += [("head", values["name"])] if head else []
        first = next((seen[k] for k in keys if k in seen), None)
        if first is None:
            for k in keys:
                seen[k] = row
            out.append(row)
            continue
        for key, value in values.items():
            if first.member.get(key, value) != value:
                label = MEMBER[key].label
                row.problem(
                    f"与第{first.number}行是同一人，{label}不一致"
                    f"（“{shown(first.member[key])}” / “{shown(value)}”）",
                    "member",
                    key,
                )
            first.member.setdefault(key, value)
    return out


def _next_number(register: _Register, village_id: str, taken: set[tuple]) -> str:
    """The next free 户编号 of the village: above the register's and the workbook's own (the
    highest is worked out once per village, then counted on)."""
    if village_id not in register.last_number:
        numbers = [int(no) for vid, no in taken if vid == village_id and str(no).isdigit()]
        numbers += [
            int(h["household_no"])
            for h in register.households
            if h["village_id"] == village_id and str(h["household_no"]).isdigit()
        ]
        register.last_number[village_id] = max(numbers, default=0)
    register.last_number[village_id] += 1
    number = f"{register.last_number[village_id]:04d}"
    taken.add((village_id, number))
    return number


def _check_household(plan: Plan, house: _House, existing: dict | None, vid: str) -> None:
    values = house.values
    if existing is not None:
        status = values.get("status")
        if status is not None and C.current_status(status) != existing["status"]:
            plan.notes.append(
                f"户编号 {existing['household_no']}：表中户状态为“{status}”，登记册为"
                f"“{existing['status']}”。户状态只能通过识别、脱贫、返贫、清退程序改变，未改动"
            )
        values.pop("status", None)
        merged = {k: v for k, v in {**existing, **values}.items() if k in HOUSEHOLD}
        record = merged
    else:
        values.setdefault("status", C.STATUS_POOR)
        record = {**values, "village_id": vid}
    if isinstance(record.get("group_id"), str) and record["group_id"] == house.group:
        record = {**record, "group_id": None}  # a new group: made when written
    try:
        clean(HOUSEHOLD, record)
    except ValidationError as e:
        for p in e.problems:
            house.rows[0].problem(p.message, "household", p.field)


def _plan_members(register: _Register, house: _House, hid: str, rows: list[_Row]) -> None:
    current = list(register.members.get(hid, [])) if house.existing else []
    taken: set[str] = set()
    final: dict[str, dict] = {m["id"]: m for m in current}
    new_members: list[dict] = []
    for row in rows:
        values = row.member
        match = None
        if values.get("id_number"):
            match = next((m for m in current if m.get("id_number") == values["id_number"]), None)
        if match is None:
            same = [m for m in current if m["name"] == values["name"] and m["id"] not in taken]
            if len(same) == 1 and (not same[0].get("id_number") or not values.get("id_number")):
                match = same[0]
        if match is not None and match["id"] in taken:
            row.problem(f"与同户另一行是同一人（{shown(values['name'])}）", "member", "name")
            continue
        try:
            if match is None:
                checked = clean(MEMBER, derive_member({**values, "household_id": hid}))
                new_members.append(checked)
                house.member_writes.append((None, checked, None))
            else:
                taken.add(match["id"])
                changes = dict(values)
                if changes.get("id_number"):
                    for k, v in derive_member({"id_number": changes["id_number"]}).items():
                        if k in ("birth_date", "sex") and k not in changes and v is not None:
                            changes[k] = v
                merged = {k: v for k, v in {**match, **changes}.items() if k in MEMBER}
                checked = clean(MEMBER, merged)
                final[match["id"]] = checked
                house.member_writes.append(
                    (match["id"], clean(MEMBER, changes, partial=True), match)
                )
        except ValidationError as e:
            for p in e.problems:
                row.problem(p.message, "member", p.field)
            continue
        idn = values.get("id_number")
        other = register.by_id_number.get(idn) if idn else None
        if other is not None and other["household_id"] != hid:
            # the same person in another household: stored and listed as a 疑点, not refused
            elsewhere = register.by_id.get(other["household_id"], {}).get("household_no", "")
            house.elsewhere.append(f"{shown(values['name'])}（{idn}）也登记在户编号 {elsewhere}")
    everyone = list(final.values()) + new_members
    if rows and len(everyone) and not house.problems:
        for p in validate_household_members(everyone):
            (rows[0] if rows else house.rows[0]).problem(p.message, "member", p.field)
    if not rows and house.existing is None:
        house.rows[0].problem("这一户没有家庭成员：请在成员表中列出该户的成员（至少户主）")


def _count(plan: Plan) -> None:
    c = {
        "rows": sum(len(s.rows) for s in plan.sheets),
        "households_new": 0,
        "households_matched": 0,
        "members_new": 0,
        "members_matched": 0,
        # households with a problem: those read whole, and those of rows placed in none
        "households_rejected": len(plan.rejected)
        + len({(r.place.get("village"), r.household.get("household_no")) for r in plan.loose}),
        "rows_rejected": len(plan.rejected_rows),
        "totals_skipped": sum(len(s.totals) for s in plan.sheets),
    }
    for h in plan.houses:
        c["households_matched" if h.existing else "households_new"] += 1
        for mid, _, _ in h.member_writes:
            c["members_matched" if mid else "members_new"] += 1
    plan.counts = c


# -- writing -----------------------------------------------------------------------------------
def apply(store: Store, plan: Plan) -> dict:
    """Write the plan's valid households in one transaction; returns what changed."""
    out = {"households_added": 0, "households_changed": 0, "households_unchanged": 0,
           "members_added": 0, "members_changed": 0, "members_unchanged": 0, "finances": 0,
           "groups_added": 0}  # fmt: skip
    new_households, new_ids, new_members = [], [], []
    with store.atomic():
        _still_as_checked(store, plan)
        groups: dict[tuple, str] = {}
        for house in plan.houses:
            vid = house.village["id"]
            values = {k: v for k, v in house.values.items() if k != "_id"}
            if house.group and values.get("group_id") == house.group:
                key = (vid, house.group)
                if key not in groups:
                    groups[key] = store.insert("groups", {"village_id": vid, "name": house.group})
                    out["groups_added"] += 1
                values["group_id"] = groups[key]
            hid = house.values["_id"]
            if house.existing is None:
                new_households.append({**values, "village_id": vid})
                new_ids.append(hid)
                out["households_added"] += 1
            else:
                diff = store.update("households", hid, values, current=house.existing)
                out["households_changed" if diff else "households_unchanged"] += 1
            for mid, values_m, current in house.member_writes:
                if mid is None:
                    new_members.append({**values_m, "household_id": hid})
                    out["members_added"] += 1
                else:
                    diff = store.update("members", mid, values_m, current=current)
                    out["members_changed" if diff else "members_unchanged"] += 1
        store.insert_many("households", new_households, ids=new_ids)
        store.insert_many("members", new_members)
        finance_rows, finance_ids = [], []
        for house in plan.houses:
            if not house.finance:
                continue
            hid = house.values["_id"]
            values = clean(FINANCE, {**house.finance, "household_id": hid, "year": plan.year})
            found = house.finance_row
            if found:
                values = {k: v for k, v in values.items() if k in house.finance}
                if store.update("finances", found["id"], values, current=found):
                    out["finances"] += 1
            else:
                finance_rows.append(values)
                finance_ids.append(natural_id("finances", hid, plan.year))
                out["finances"] += 1
        store.insert_many("finances", finance_rows, ids=finance_ids)
    return out


def _still_as_checked(store: Store, plan: Plan) -> None:
    """The register as the plan saw it: no household it matched edited since, no number it
    gives a new household taken since (a plan made on one connection, written on another)."""
    seen = {h.existing["id"]: h.existing.get("hlc") for h in plan.houses if h.existing}
    villages = sorted({h.village["id"] for h in plan.houses})
    now: dict[str, str] = {}
    numbers: set[tuple] = set()
    for i in range(0, len(villages), 500):
        chunk = villages[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for hid, vid, number, hlc in store.db.execute(
            f"select id, village_id, household_no, hlc from households "
            f"where deleted = 0 and village_id in ({marks})",
            chunk,
        ):
            now[hid] = hlc
            numbers.add((vid, number))
    moved = [hid for hid, hlc in seen.items() if now.get(hid) != hlc]
    taken = [
        h.values["household_no"]
        for h in plan.houses
        if h.existing is None and (h.village["id"], h.values["household_no"]) in numbers
    ]
    if moved or taken:
        raise WorkbookError(
            "检查之后登记册有了改动（"
            + (f"{len(moved)}户被修改" if moved else f"户编号 {'、'.join(taken[:3])} 已被登记")
            + "）：请重新检查后再导入，未作任何改动（the register changed since the check）"
        )


def read(
    path: str | os.PathLike, sheet: str | None = None, skipped: list[str] | None = None
) -> list[Sheet]:
    """The workbook's ledger sheets; `skipped` receives the names of the sheets without one."""
    return read_workbook(path, sheet, skipped)


# -- the rows left out, to fix and re-import ---------------------------------------------------
REASON_TITLE = "错误原因"


def write_rejected(plan: Plan, path: str | os.PathLike) -> int:
    """The rejected rows in a new workbook, each sheet with its header rows as read and a last
    column with the reasons; fixed, it imports like the original. Returns the rows written."""
    import openpyxl

    from .xlsx_write import save_workbook

    wb = openpyxl.Workbook(write_only=True)
    by_sheet: dict[str, list[_Row]] = {}
    for row in plan.rejected_rows:
        by_sheet.setdefault(row.sheet.name, []).append(row)
    reasons: dict[int, list[str]] = {}
    for p in plan.problems:
        col = f"{p.column}列（{p.title}）" if p.column else ""
        reasons.setdefault((p.sheet, p.row), []).append(f"{col}{p.message}")
    house_of = {id(r): h for h in plan.rejected for r in h.rows}
    written = 0
    for sheet in plan.sheets:
        rows = by_sheet.get(sheet.name)
        if not rows:
            continue
        ws = wb.create_sheet(sheet.name)
        width = len(sheet.columns)
        for i, values in enumerate(sheet.head, 1):
            cells = list(values[:width]) + [None] * (width - len(values))
            ws.append(cells + ([REASON_TITLE] if i in sheet.header_rows else [None]))
        source = dict(sheet.rows)
        for row in rows:
            why = reasons.get((sheet.name, row.number))
            if not why:
                house = house_of.get(id(row))
                first = next((r.number for r in house.rows if r.problems), None) if house else None
                why = [f"同户第{first}行有错误，整户未导入"] if first else ["未导入"]
            ws.append(list(source[row.number]) + ["；".join(why)])
            written += 1
    save_workbook(wb, path)
    return written
