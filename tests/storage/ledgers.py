"""Workbooks in the shapes teams really keep (建档立卡台账, 花名册): a title row, two header rows
under merged group titles, totals at the bottom, ID numbers as numbers, dates as text …"""

from __future__ import annotations

from datetime import date

import openpyxl

from forms.idnumber import make_id_number

TITLE = "凤翔镇青岭村建档立卡贫困户花名册"


def person(seq: int, year: int, sex: str = "男") -> str:
    return make_id_number("621102", date(year, 3, 5), seq, sex)


# (户编号, 户主, [(姓名, 关系(ledger word), 身份证号, 文化程度, 在校生状况)], 人数, 致贫原因, 危房户)
HOUSEHOLDS = [
    (
        "0001",
        "王建国",
        [
            ("王建国", "户主", person(11, 1960), "小学", "非在校生"),
            ("李秀兰", "之妻", person(12, 1962, "女"), "文盲", "非在校生"),
            ("王小明", "之子", person(13, 2008), "小学", "小学"),
        ],
        3,
        "因病",
        "√",
    ),
    (
        "0002",
        "张　德 明",  # a full-width and a stray space
        [
            ("张德明", "本人", person(21, 1955), "初中", "非在校生"),
            ("张丽", "之女", person(22, 2001, "女"), "高中", "普通高中"),
        ],
        2,
        "缺资金",
        "×",
    ),
]


def member_per_row(path, *, merged_household_cells=False, id_as_number=False, extra=()):
    """One row per member, household fields repeated (or only on the household's first row,
    as under a vertically merged cell), a title row, two header rows, a totals row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append([TITLE])
    ws.merge_cells("A1:L1")
    ws.append(["序号", "行政村", "户编号", "户主姓名", "家庭成员", None, None, None, None,
               "家庭人口数", "致贫原因", "危房户"])  # fmt: skip
    ws.append([None, None, None, None, "姓名", "证件号码", "与户主关系", "文化程度",
               "在校生状况", None, None, None])  # fmt: skip
    ws.merge_cells("E2:I2")
    n = 0
    for no, head, members, size, cause, danger in [*HOUSEHOLDS, *extra]:
        for i, (name, rel, idn, edu, school) in enumerate(members):
            n += 1
            first = i == 0 or not merged_household_cells
            idv = float(idn[:-1] + "0") if id_as_number and n == 1 else idn
            ws.append([n, "青岭村" if first else None, no if first else None,
                       head if first else None, name, idv, rel, edu, school,
                       size if first else None, cause if first else None,
                       danger if first else None])  # fmt: skip
    ws.append(["合计", None, None, None, None, None, None, None, None, 5])
    wb.save(path)
    return path
