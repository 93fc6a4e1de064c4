"""The register handed back in Excel: the national member-per-row layout the county re-keys
(ID numbers as text, frozen header, filters, widths that fit Chinese), the criteria matrix
(household × 12, the reasons on a second sheet) and the measures. Values are exact: what the
register holds, as forms.fields.display writes it; the register layout imports back unchanged."""

from __future__ import annotations

import os
from collections.abc import Iterator

from forms import ledger
from forms.criteria.batch import evaluate_households
from forms.criteria.result import LOOKS
from forms.entities import MEASURE
from forms.fields import (
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
    TEXT,
    YEAR,
    display,
)

from .db import StorageError, Store
from .register import find_village, head_of
from .snapshots import household_snapshots
from .xlsx_write import save_workbook

LAYOUTS = ("register", "criteria", "measures")
LAYOUT_NAMES = {"register": "花名册", "criteria": "脱贫指标", "measures": "帮扶措施"}


class ExportError(StorageError):
    pass


def _width(title: str, target: ledger.Target | None = None) -> float:
    """A column width that fits its Chinese title and its values (a CJK character is two)."""

    def w(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    fd = ledger.field_of(target) if target else None
    value = 8
    if fd is not None:
        if fd.kind == ID_NUMBER:
            value = 20
        elif fd.kind == PHONE:
            value = 14
        elif fd.kind in (DATE, YEAR):
            value = 11
        elif fd.kind in (ENUM, MULTI):
            value = max(w(c) for c in fd.choices) + (6 if fd.kind == MULTI else 0)
        elif fd.kind == BOOL:
            value = 4
        elif fd.kind == TEXT and fd.max_length:
            value = _TEXT_WIDTHS.get(fd.key, min(fd.max_length, 24))
    elif target is not None and target.key in ("village", "township", "county", "head_name"):
        value = 10
    return min(max(w(title), value) + 2, 42)


_NUMBERS = (INT, YEAR, MONEY, AREA, NUMBER, PERCENT)  # written as numbers, not text
_TEXT_WIDTHS = {"household_no": 8, "name": 8, "address": 24}


class _Sheet:
    """A write-only sheet with a title row, a header of one or two rows, frozen and filtered."""

    def __init__(self, wb, name: str, title: str, groups: list[tuple[str, list]], centred=()):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.utils import get_column_letter

        self.ws = ws = wb.create_sheet(name)
        self.WriteOnlyCell = WriteOnlyCell
        columns = [c for _, cols in groups for c in cols]
        self.kinds = [
            ledger.field_of(t).kind if t and ledger.field_of(t) else None for _, t in columns
        ]
        two = any(g for g, _ in groups)
        for i, (title_i, target) in enumerate(columns, 1):
            ws.column_dimensions[get_column_letter(i)].width = _width(title_i, target)
        last = get_column_letter(len(columns))
        header_row = 3 if two else 2
        ws.freeze_panes = f"C{header_row + 1}" if len(columns) > 4 else f"A{header_row + 1}"
        ws.auto_filter.ref = f"A{header_row}:{last}{header_row}"
        bold = Font(bold=True)
        centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
        # a title merged over dozens of columns is read from the left, where the eye starts
        left = Alignment(horizontal="left", vertical="center")
        fill = PatternFill("solid", fgColor="DDEBF7")

        def cell(value, font=bold, align=centre):
            c = WriteOnlyCell(ws, value=value)
            c.font, c.alignment, c.fill = font, align, fill
            return c

        ws.merged_cells.add(f"A1:{last}1")
        ws.row_dimensions[1].height = 24
        ws.append([cell(title, Font(bold=True, size=14), left)])
        if two:
            row, col = [], 1
            for group, cols in groups:
                align = left if len(cols) > 8 else centre
                row += [cell(group, align=align)] + [cell(None) for _ in cols[1:]]
                if len(cols) > 1:
                    ws.merged_cells.add(
                        f"{get_column_letter(col)}2:{get_column_letter(col + len(cols) - 1)}2"
                    )
                col += len(cols)
            ws.append(row)
        ws.append([cell(t) for t, _ in columns])
        self.rows = 0
        self.centred = set(centred)  # columns of marks (✓ ✘), read down the column
        self.middle = Alignment(horizontal="center")

    def append(self, values: list) -> None:
        cells = []
        for i, (value, kind) in enumerate(zip(values, self.kinds)):
            if i in self.centred:
                c = self.WriteOnlyCell(self.ws, value=value)
                c.alignment = self.middle
                cells.append(c)
            elif kind in (ID_NUMBER, PHONE) or (kind == TEXT and isinstance(value, str)):
                c = self.WriteOnlyCell(self.ws, value=value)
                c.number_format = "@"  # text: 18 digits never become 6.2E+17
                cells.append(c)
            else:
                cells.append(value)
        self.ws.append(cells)
        self.rows += 1


def _cell(target: ledger.Target, value):
    """A stored value as written to a cell: numbers stay numbers, dates ISO text, choices words."""
    if value is None:
        return None
    fd = ledger.field_of(target)
    if fd is None or fd.kind in _NUMBERS:
        return value
    if fd.kind == MULTI and value == []:
        return ledger.NONE_WORD  # none of these (no income channel), unlike a blank: unknown
    return display(fd, value)


def _villages(store: Store, village_code: str | None) -> list[dict]:
    if village_code is None:
        return store.find("villages", order_by="county, township, code")
    v = find_village(store, village_code)
    if v is None:
        raise ExportError(f"没有行政区划代码为 {village_code} 的村（village not found）")
    return [v]


def _register_rows(
    store: Store, village: dict, year: int, layout, cadres: dict[str, str]
) -> Iterator[list]:
    groups = {g["id"]: g["name"] for g in store.find("groups", "village_id = ?", [village["id"]])}
    households = store.find(
        "households", "village_id = ?", [village["id"]], order_by="household_no"
    )
    scope = "household_id in (select id from households where deleted = 0 and village_id = ?)"
    members: dict[str, list[dict]] = {}
    for m in store.find("members", scope, [village["id"]]):
        members.setdefault(m["household_id"], []).append(m)
    finances = {
        f["household_id"]: f
        for f in store.find("finances", scope + " and year = ?", [village["id"], year])
    }
    order = {r: i for i, r in enumerate(ledger.C.RELATIONS)}
    columns = [c for _, cols in layout for c in cols]
    place = {
        "county": village["county"],
        "township": village["township"],
        "village": village["name"],
        "village_code": village["code"],
    }
    for h in households:
        people = sorted(
            members.get(h["id"], []),
            key=lambda m: (m.get("left_date") is not None, order.get(m["relation"], 99),
                           str(m.get("birth_date") or "")),
        )  # fmt: skip
        head = head_of([m for m in people if m.get("left_date") is None]) or head_of(people)
        finance = finances.get(h["id"], {})
        for m in people or [{}]:
            row = []
            for _, t in columns:
                if t.entity == "place":
                    value = head["name"] if t.key == "head_name" and head else place.get(t.key)
                elif t.entity == "household":
                    value = h.get(t.key)
                    if t.key == "group_id":
                        value = groups.get(value)
                    elif t.key == "cadre_id":
                        value = cadres.get(value)
                    else:
                        value = _cell(t, value)
                elif t.entity == "member":
                    value = _cell(t, m.get(t.key))
                else:
                    value = _cell(t, finance.get(t.key))
                row.append(value)
            yield row


def _criteria_rows(store: Store, village: dict, year: int):
    snaps = household_snapshots(store, year, village_id=village["id"], with_measures=False)
    for snap, result in zip(snaps, evaluate_households(snaps)):
        yield snap, result


def export_xlsx(
    store: Store,
    path: str | os.PathLike,
    *,
    layout: str = "register",
    village_code: str | None = None,
    year: int | None = None,
) -> dict:
    """Write the workbook; returns {"rows": n, "villages": n, "layout": …}."""
    import openpyxl

    from .register import default_year

    if layout not in LAYOUTS:
        raise ExportError(f"没有“{layout}”这种表式，可选：{'、'.join(LAYOUTS)}（unknown layout）")
    year = year or default_year(store)
    villages = _villages(store, village_code)
    if not villages:
        raise ExportError("登记册中还没有村（no villages）")
    where = villages[0]["county"] + (
        villages[0]["township"] + villages[0]["name"] if village_code else ""
    )
    wb = openpyxl.Workbook(write_only=True)
    rows = 0
    if layout == "register":
        groups = ledger.register_layout(year)
        sheet = _Sheet(wb, LAYOUT_NAMES[layout], f"{where}建档立卡贫困户花名册（{year}年）",
                       [(g, list(cols)) for g, cols in groups])  # fmt: skip
        cadres = {c["id"]: c["name"] for c in store.find("cadres")}
        for v in villages:
            for row in _register_rows(store, v, year, groups, cadres):
                sheet.append(row)
        rows = sheet.rows
    elif layout == "criteria":
        rows = _write_criteria(store, wb, villages, year, where)
    else:
        rows = _write_measures(store, wb, villages, where)
    save_workbook(wb, path)
    return {"rows": rows, "villages": len(villages), "layout": layout, "year": year}


_CRITERIA_PLACE = [("行政村", ledger.PLACE["village"]), ("户编号", ledger.h("household_no")),
                   ("户主姓名", ledger.PLACE["head_name"]), ("脱贫属性", ledger.h("status"))]  # fmt: skip


def _write_criteria(store: Store, wb, villages, year: int, where: str) -> int:
    from forms.criteria.household import HOUSEHOLD_RULES as RULES

    titles = [(f"{r.no}. {r.short or r.title}", None) for r in RULES]
    grid = _Sheet(
        wb,
        "12项指标",
        f"{where}贫困户脱贫12项指标（{year}年）",
        [("户", _CRITERIA_PLACE), ("脱贫指标（✓ 达标　✘ 未达标　? 数据不全　— 不适用）",
          titles + [("未达标项数", None), ("可以脱贫", None)])],
        centred=range(len(_CRITERIA_PLACE), len(_CRITERIA_PLACE) + len(titles) + 2),
    )  # fmt: skip
    reasons = _Sheet(
        wb,
        "未达标原因",
        f"{where}未达标与数据不全的指标及原因（{year}年）",
        [("", [("行政村", ledger.PLACE["village"]), ("户编号", ledger.h("household_no")),
               ("户主姓名", ledger.PLACE["head_name"]), ("指标", None), ("判定", None),
               ("原因", None)])],
    )  # fmt: skip
    for v in villages:
        for snap, result in _criteria_rows(store, v, year):
            h = snap["household"]
            head = head_of(snap.get("members") or [])
            name = head["name"] if head else ""
            marks = [LOOKS[c.status].mark for c in result.criteria]
            unmet = sum(1 for c in result.criteria if not c.passing)
            grid.append([v["name"], h["household_no"], name, h["status"], *marks, unmet,
                         "是" if result.eligible_to_exit else "否"])  # fmt: skip
            for c in result.criteria:
                if not c.passing:
                    reasons.append([v["name"], h["household_no"], name, f"{c.no}. {c.title}",
                                    LOOKS[c.status].word, "；".join(c.reasons)])  # fmt: skip
    return grid.rows


def _heads(store: Store, village_id: str) -> dict[str, str]:
    """Each household's head's name (a current head first, else a former one), one query."""
    scope = "household_id in (select id from households where deleted = 0 and village_id = ?)"
    members: dict[str, list[dict]] = {}
    for m in store.find("members", scope + " and relation = '户主'", [village_id]):
        members.setdefault(m["household_id"], []).append(m)
    out = {}
    for hid, people in members.items():
        current = [m for m in people if m.get("left_date") is None]
        out[hid] = (current or people)[0]["name"]
    return out


def _write_measures(store: Store, wb, villages, where: str) -> int:
    keys = [f.key for f in MEASURE.fields if f.key not in ("village_id", "household_id")]
    columns = [("行政村", ledger.PLACE["village"]), ("户编号", ledger.h("household_no")),
               ("户主姓名", ledger.PLACE["head_name"])]  # fmt: skip
    columns += [(MEASURE[k].label + (f"（{MEASURE[k].unit}）" if MEASURE[k].unit else ""), None)
                for k in keys]  # fmt: skip
    sheet = _Sheet(wb, "帮扶措施", f"{where}帮扶措施台账", [("", columns)])
    cadres = {c["id"]: c["name"] for c in store.find("cadres")}
    for v in villages:
        households = {h["id"]: h for h in store.find("households", "village_id = ?", [v["id"]])}
        heads = _heads(store, v["id"])
        for m in store.find(
            "measures", "village_id = ?", [v["id"]], order_by="level, planned_date"
        ):
            hid = m.get("household_id")
            row = [v["name"], households[hid]["household_no"] if hid in households else None,
                   heads.get(hid)]  # fmt: skip
            for k in keys:
                value = m.get(k)
                fd = MEASURE[k]
                if k == "cadre_id":
                    value = cadres.get(value)
                elif value is not None and fd.kind not in _NUMBERS:
                    value = display(fd, value)
                row.append(value)
            sheet.append(row)
    return sheet.rows
