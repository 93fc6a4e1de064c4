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


def two_sheets(path, *, wan_yuan=True):
    """A household sheet and a member sheet tied by 户编号, as the national system exports them:
    codes instead of words (性别 1/2, 民族 01, 与户主关系 GB/T 4761), dates as text and numbers,
    incomes in 万元, 是/否 and 有/无."""
    wb = openpyxl.Workbook()
    hs = wb.active
    hs.title = "户信息"
    hs.append(["县(市、区、旗)", "乡(镇)", "行政村", "自然村", "户编号", "户主姓名", "人数",
               "贫困户属性", "脱贫属性", "首次识别时间", "主要致贫原因", "是否解决安全饮用水",
               "户联系电话", "工资性收入（万元）" if wan_yuan else "工资性收入（元）"])  # fmt: skip
    hs.append(["安定区", "凤翔镇", "青岭村", "一社", "0101", "刘长 顺", 2, "低保户", "未脱贫",
               "2015年3月", "缺技术", "有", 13800001111, 1.25 if wan_yuan else 12500])  # fmt: skip
    hs.append(["安定区", "凤翔镇", "青岭村", "二社", 102, "马 英", 1, "一般贫困户", "未脱贫",
               20150301, "因学", "否", None, "0.3万元" if wan_yuan else 3000])  # fmt: skip
    ms = wb.create_sheet("成员信息")
    ms.append(["户编号", "姓名", "证件号码", "性别", "民族", "与户主关系", "出生日期",
               "健康状况", "劳动技能", "务工时间（月）", "是否参加新型农村合作医疗"])  # fmt: skip
    ms.append(["0101", "刘长顺", person(31, 1958), 1, "01", "02", "1958.3.5", "健康",
               "普通劳动力", "６", "是"])  # fmt: skip
    ms.append(["0101", "刘小花", person(32, 1990, "女"), 2, "03", "30", "1990年3月5日", "患大病",
               "弱劳动力", 0, "√"])  # fmt: skip
    ms.append(["102", "马英", person(41, 1970, "女"), "女", "回族", "户主", None, "残疾",
               "丧失劳动能力", None, "×"])  # fmt: skip
    wb.save(path)
    return path
