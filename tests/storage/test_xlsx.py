"""Excel ledgers in and out (storage.xlsx_import, storage.xlsx_export): workbooks in the shapes
teams really keep are read, every bad row is named with its sheet, row, column and reason before
anything is written, a re-import changes nothing, and export → import gives the same register."""

from __future__ import annotations

import json
import zipfile

import openpyxl
import pytest

from forms import ledger
from storage import operations as O
from storage import register as R
from storage import xlsx_export as E
from storage import xlsx_import as X
from storage.db import open_store
from storage.xlsx_read import BLANK_RUN, WorkbookError
from tests.dumps import dump
from tests.storage.ledgers import HOUSEHOLDS, member_per_row, person, two_sheets


def _import(store, path, **kw):
    sheets = X.read(path)
    plan = X.plan_import(store, sheets, X.propose_mapping(sheets), **kw)
    return plan


def _by_name(store):
    return {m["name"]: m for m in store.find("members")}


def test_a_member_per_row_ledger_with_titles_merged_headers_and_totals(fresh_db, village, tmp_path):
    path = member_per_row(tmp_path / "花名册.xlsx", merged_household_cells=True)
    [sheet] = X.read(path)
    assert sheet.header_rows == [2, 3] and sheet.totals == [9]
    assert [c.title for c in sheet.columns][4:6] == ["家庭成员 / 姓名", "家庭成员 / 证件号码"]
    before = dump(fresh_db)
    plan = _import(fresh_db, path)
    assert dump(fresh_db) == before  # checking writes nothing (the dry run)
    assert plan.problems == [] and plan.counts["households_new"] == 2
    assert plan.counts["members_new"] == 5 and plan.counts["totals_skipped"] == 1
    counts, changes = O.import_xlsx(fresh_db, plan)
    assert counts["households_added"] == 2 and counts["members_added"] == 5 and changes.everything
    households = {h["household_no"]: h for h in fresh_db.find("households")}
    assert households["0001"]["housing_safe"] is False  # 危房户 √
    assert (
        households["0002"]["housing_safe"] is True and households["0002"]["main_cause"] == "缺资金"
    )
    assert households["0001"]["status"] == "未脱贫" and households["0001"]["household_size"] == 3
    people = _by_name(fresh_db)
    assert (
        people["李秀兰"]["relation"] == "配偶" and people["李秀兰"]["education"] == "文盲或半文盲"
    )
    assert people["王小明"]["relation"] == "子" and people["王小明"]["school_status"] == "小学"
    assert people["张德明"]["relation"] == "户主" and people["张德明"]["school_status"] == "非在校"
    assert people["张丽"]["school_status"] == "高中" and people["张丽"]["sex"] == "女"
    assert str(people["王建国"]["birth_date"]) == "1960-03-05"  # from the ID number
    assert {m["household_id"] for m in fresh_db.find("members") if m["name"].startswith("王")} == {
        households["0001"]["id"]
    }
    # the same workbook again: matched household by household, member by member; nothing written
    before = dump(fresh_db)
    again = _import(fresh_db, path)
    assert again.counts["households_matched"] == 2 and again.counts["members_matched"] == 5
    assert again.counts["households_new"] == again.counts["members_new"] == 0
    counts, changes = O.import_xlsx(fresh_db, again)
    assert counts["households_changed"] == counts["members_changed"] == 0
    assert not changes.everything and dump(fresh_db) == before


def test_a_changed_cell_goes_through_the_change_log(fresh_db, village, tmp_path):
    path = member_per_row(tmp_path / "a.xlsx")
    O.import_xlsx(fresh_db, _import(fresh_db, path))
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for row in ws.iter_rows(min_row=4):
        if row[4].value == "王小明":
            row[7].value = "初中"  # 文化程度
    wb.save(path)
    plan = _import(fresh_db, path)
    counts, _ = O.import_xlsx(fresh_db, plan)
    assert counts["members_changed"] == 1 and counts["members_added"] == 0
    member = _by_name(fresh_db)["王小明"]
    assert member["education"] == "初中"
    [change] = [c for c in fresh_db.changes("members", member["id"]) if c["field"] == "education"]
    assert change["old"] == "小学" and change["new"] == "初中"
    assert change["operator"] == "测试员"


def test_two_sheets_with_codes_text_dates_and_ten_thousand_yuan(fresh_db, village, tmp_path):
    path = two_sheets(tmp_path / "国家系统导出.xlsx")
    plan = _import(fresh_db, path, year=2016)
    assert plan.problems == [], [str(p) for p in plan.problems]
    O.import_xlsx(fresh_db, plan)
    households = {h["household_no"]: h for h in fresh_db.find("households")}
    assert set(households) == {"0101", "102"}
    liu = households["0101"]
    assert liu["poverty_attribute"] == "低保贫困户" and liu["identification_year"] == 2015
    assert liu["water_safe"] is True and liu["phone"] == "13800001111"
    assert (
        households["102"]["identification_year"] == 2015
        and households["102"]["water_safe"] is False
    )
    groups = {g["id"]: g["name"] for g in fresh_db.find("groups")}
    assert groups[liu["group_id"]] == "一社" and groups[households["102"]["group_id"]] == "二社"
    [finance] = fresh_db.find("finances", "household_id = ?", [liu["id"]])
    assert finance["year"] == 2016 and finance["wage_income"] == 12500
    assert (
        fresh_db.find("finances", "household_id = ?", [households["102"]["id"]])[0]["wage_income"]
        == 3000
    )
    people = _by_name(fresh_db)
    assert people["刘长顺"]["relation"] == "户主" and people["刘长顺"]["ethnicity"] == "汉族"
    assert people["刘长顺"]["migrant_months"] == 6 and people["刘长顺"]["ncms"] is True
    assert people["刘小花"]["relation"] == "女" and people["刘小花"]["ethnicity"] == "回族"
    assert people["刘小花"]["health"] == "患有大病" and people["刘小花"]["labor_ability"] == (
        "弱劳动力或半劳动力"
    )
    assert people["马英"]["labor_ability"] == "丧失劳动力" and people["马英"]["ncms"] is False
    before = dump(fresh_db)
    O.import_xlsx(fresh_db, _import(fresh_db, path, year=2016))
    assert dump(fresh_db) == before


def test_an_id_number_excel_made_a_number_is_called_out_and_nothing_is_written(
    fresh_db, village, tmp_path
):
    path = member_per_row(tmp_path / "a.xlsx", id_as_number=True)
    before = dump(fresh_db)
    plan = _import(fresh_db, path)
    [problem, *_] = plan.problems
    assert problem.sheet == "花名册" and problem.row == 4 and problem.column == "F"
    assert "存成了数字" in problem.message and "文本" in problem.message
    assert "6.21102196003051E+17" in problem.message or "E+17" in problem.message
    assert plan.counts["households_rejected"] == 1 and len(plan.houses) == 1
    assert dump(fresh_db) == before
    # the rows left out, to fix: the same header, a reason on each row of the household
    out = tmp_path / "有问题的行.xlsx"
    assert X.write_rejected(plan, out) == 3
    ws = openpyxl.load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[2][-1] == X.REASON_TITLE and rows[1][4] == "家庭成员"
    assert "存成了数字" in rows[3][-1] and "同户第4行有错误" in rows[4][-1]
    # the valid households alone
    O.import_xlsx(fresh_db, plan)
    assert [h["household_no"] for h in fresh_db.find("households")] == ["0002"]
    # fixed and re-imported, the rejected workbook brings the household in
    wb = openpyxl.load_workbook(out)
    wb.active["F4"].value = HOUSEHOLDS[0][2][0][2]
    wb.save(out)
    fixed = _import(fresh_db, out)
    assert fixed.problems == [] and fixed.counts["households_new"] == 1
    O.import_xlsx(fresh_db, fixed)
    assert len(fresh_db.find("households")) == 2 and len(fresh_db.find("members")) == 5


def test_bad_values_are_named_with_sheet_row_column_and_reason(fresh_db, village, tmp_path):
    people = [("赵六", "户主", "62110219800101001", "博士", "非在校生"),
              ("赵七", "户主", person(51, 1982), "小学", "非在校生")]  # fmt: skip
    extra = [("0003", "赵六", people, 40, "因懒", "也许")]
    path = member_per_row(tmp_path / "a.xlsx", extra=extra)
    plan = _import(fresh_db, path)
    text = [str(p) for p in plan.problems]
    assert any("第9行F列（家庭成员 / 证件号码）" in t for t in text)
    assert any("H列（家庭成员 / 文化程度）" in t and "“博士”不是有效的选项" in t for t in text)
    assert any("K列（致贫原因）" in t and "因懒" in t for t in text)
    assert any("L列（危房户）" in t and "是/否" in t for t in text)
    assert any("J列（家庭人口数）" in t and "1–30" in t for t in text)
    assert plan.counts["households_new"] == 2 and plan.counts["households_rejected"] == 1


def test_export_then_import_gives_the_same_register(tmp_path):
    source = tmp_path / "source.db"
    O.write_demo(source, villages=1, households=25, seed=5)
    src = open_store(source)
    village = src.find("villages")[0]
    year = R.default_year(src)
    first = tmp_path / "花名册.xlsx"
    out = E.export_xlsx(src, first, village_code=village["code"], year=year)
    assert out["rows"] == len(src.find("members"))
    dest = open_store(tmp_path / "dest.db", create=True, role="county", operator="县")
    vid = R.add_village(dest, {k: village[k] for k in ("code", "name", "township", "county")})
    for c in src.find("cadres"):
        R.add_cadre(dest, {"name": c["name"], "village_id": vid, "role": c.get("role")})
    plan = _import(dest, first, year=year)
    assert plan.problems == [] and plan.notes == []
    O.import_xlsx(dest, plan)
    again = tmp_path / "again.xlsx"
    E.export_xlsx(dest, again, village_code=village["code"], year=year)
    a = list(openpyxl.load_workbook(first, read_only=True).active.iter_rows(values_only=True))
    b = list(openpyxl.load_workbook(again, read_only=True).active.iter_rows(values_only=True))
    assert a == b and len(a) == out["rows"] + 3
    # field by field, the same households and members
    skip = {"id", "village_id", "group_id", "cadre_id", "household_id", "created_at",
            "updated_at", "hlc", "device_id"}  # fmt: skip

    def rows(store, table):
        return sorted(
            (tuple(sorted((k, str(v)) for k, v in r.items() if k not in skip))
             for r in store.find(table)),
        )  # fmt: skip

    assert rows(src, "households") == rows(dest, "households")
    assert rows(src, "members") == rows(dest, "members")
    assert rows(src, "finances")[:0] == rows(dest, "finances")[:0]
    src_year = [r for r in rows(src, "finances") if ("year", str(year)) in r]
    assert src_year == rows(dest, "finances")
    # a re-import of the first workbook changes nothing
    before = dump(dest)
    O.import_xlsx(dest, _import(dest, first, year=year))
    assert dump(dest) == before
    src.close()
    dest.close()


def test_the_register_layout_is_what_the_county_re_keys(tmp_path):
    path = tmp_path / "d.db"
    O.write_demo(path, villages=1, households=10, seed=2)
    store = open_store(path)
    out = tmp_path / "r.xlsx"
    E.export_xlsx(store, out)
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    assert ws.freeze_panes == "C4" and ws.auto_filter.ref.startswith("A3:")
    assert "A1:" in str(ws.merged_cells) and ws["A1"].value.endswith(
        "建档立卡贫困户花名册（2017年）"
    )
    titles = [c.value for c in ws[3]]
    idcol = titles.index("证件号码") + 1
    cell = ws.cell(row=4, column=idcol)
    assert isinstance(cell.value, str) and len(cell.value) == 18 and cell.number_format == "@"
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(idcol)].width >= 20
    for group, columns in ledger.register_layout(2017):
        for title, target in columns:
            assert ledger.propose(title, group) == target, title
    store.close()


def test_the_criteria_and_measures_layouts(tmp_path):
    path = tmp_path / "d.db"
    O.write_demo(path, villages=1, households=12, seed=2)
    store = open_store(path)
    code = store.find("villages")[0]["code"]
    out = tmp_path / "c.xlsx"
    E.export_xlsx(store, out, layout="criteria", village_code=code)
    wb = openpyxl.load_workbook(out)
    grid, reasons = wb["12项指标"], wb["未达标原因"]
    rows = list(grid.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 12
    for r in rows:
        marks = r[4:16]
        assert set(marks) <= {"✓", "✘", "?", "—"}
        assert r[16] == sum(m in ("✘", "?") for m in marks)
    listed = list(reasons.iter_rows(min_row=3, values_only=True))
    assert len(listed) == sum(r[16] for r in rows) and all(x[5] for x in listed)
    out = tmp_path / "m.xlsx"
    E.export_xlsx(store, out, layout="measures", village_code=code)
    ws = openpyxl.load_workbook(out).active
    assert ws.max_row - 2 == len(store.find("measures"))
    store.close()


# -- bad input: a clear message, and nothing written -------------------------------------------
def _refused(store, path, match, **kw):
    before = dump(store)
    with pytest.raises(WorkbookError, match=match):
        sheets = X.read(path)
        X.plan_import(store, sheets, X.propose_mapping(sheets), **kw)
    assert dump(store) == before


def test_old_xls_password_protected_corrupt_and_empty_workbooks(fresh_db, village, tmp_path):
    xls = tmp_path / "旧.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)
    _refused(fresh_db, xls, r"\.xls.*另存为")
    locked = tmp_path / "加密.xlsx"
    locked.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512 + "EncryptionInfo".encode("utf-16-le")
    )
    _refused(fresh_db, locked, "密码")
    broken = tmp_path / "坏.xlsx"
    member_per_row(broken)
    broken.write_bytes(broken.read_bytes()[:2000])
    _refused(fresh_db, broken, "损坏|不是 Excel")
    notzip = tmp_path / "文本.xlsx"
    notzip.write_text("姓名,身份证号\n", encoding="utf-8")
    _refused(fresh_db, notzip, "不是 Excel 工作簿")
    empty = tmp_path / "空.xlsx"
    openpyxl.Workbook().save(empty)
    _refused(fresh_db, empty, "找不到台账的表头")
    header_only = tmp_path / "只有表头.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["户编号", "姓名", "证件号码", "与户主关系"])
    wb.save(header_only)
    _refused(fresh_db, header_only, "只有表头，没有数据行")
    with pytest.raises(WorkbookError, match="没有名为“户表”的工作表"):
        X.read(member_per_row(tmp_path / "a.xlsx"), sheet="户表")


def test_a_hundred_thousand_blank_formatted_rows_end_the_table(fresh_db, village, tmp_path):
    path = member_per_row(tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    fill = openpyxl.styles.PatternFill("solid", fgColor="FFFF00")
    for r in range(20, 100_020):
        ws.cell(row=r, column=1).fill = fill
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        assert z.getinfo("xl/worksheets/sheet1.xml").file_size > 1_000_000
    [sheet] = X.read(path)
    assert len(sheet.rows) == 5 and sheet.stopped_at == 10 + BLANK_RUN - 1
    plan = X.plan_import(fresh_db, [sheet], X.propose_mapping([sheet]))
    assert plan.problems == [] and plan.counts["members_new"] == 5
    assert any(f"连续{BLANK_RUN}行空白" in n for n in plan.notes)


def test_a_column_mapped_twice_is_refused(fresh_db, village, tmp_path):
    path = member_per_row(tmp_path / "a.xlsx")
    sheets = X.read(path)
    saved = X.mapping_to_json(sheets, X.propose_mapping(sheets))
    saved["sheets"]["花名册"]["户主姓名"] = "member.name"
    mapping_file = tmp_path / "对应.json"
    mapping_file.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    mapping = X.read_mapping(mapping_file, sheets)
    assert X.mapping_problems(sheets, mapping)
    before = dump(fresh_db)
    with pytest.raises(WorkbookError, match="都对应到“家庭成员·姓名”.*一个字段只能对应一列"):
        X.plan_import(fresh_db, sheets, mapping)
    assert dump(fresh_db) == before


def test_a_saved_mapping_is_applied_again(fresh_db, village, tmp_path):
    path = member_per_row(tmp_path / "a.xlsx")
    sheets = X.read(path)
    mapping = X.propose_mapping(sheets)
    del mapping["花名册"][7]  # 文化程度: not imported
    data = json.loads(json.dumps(X.mapping_to_json(sheets, mapping)))
    assert data["sheets"]["花名册"]["家庭成员 / 文化程度"] == ""
    assert X.mapping_from_json(data, sheets) == mapping
    O.import_xlsx(fresh_db, X.plan_import(fresh_db, sheets, X.mapping_from_json(data, sheets)))
    assert all(m["education"] is None for m in fresh_db.find("members"))


def test_another_villages_workbook_on_a_team_laptop(tmp_path):
    from storage.enrolment import enroll, register_team

    county = open_store(tmp_path / "county.db", create=True, role="county", operator="县")
    R.add_village(county, {"code": "621102100201", "name": "青岭村", "township": "凤翔镇",
                           "county": "安定区"})  # fmt: skip
    R.add_village(county, {"code": "621102100202", "name": "石岔村", "township": "凤翔镇",
                           "county": "安定区"})  # fmt: skip
    stick = tmp_path / "stick"
    stick.mkdir()
    _, enrolment = register_team(
        county, "石岔村工作队", ["621102100202"], "石岔村-2016-开门", stick
    )
    laptop = open_store(tmp_path / "laptop.db", create=True, role="village", operator="队长")
    enroll(laptop, enrolment, "石岔村-2016-开门")
    path = member_per_row(tmp_path / "青岭村.xlsx")
    _refused(laptop, path, "本机是“石岔村工作队”的电脑，登记册中还没有本队的村")
    R.add_village(laptop, {"code": "621102100202", "name": "石岔村", "township": "凤翔镇",
                           "county": "安定区"})  # fmt: skip
    _refused(laptop, path, "这个工作簿是“青岭村”的贫困户，本机是“石岔村”工作队的电脑")
    _refused(laptop, path, "不是要导入的“石岔村”|这个工作簿", village_code="621102100202")
    county.close()
    laptop.close()


def test_an_existing_households_status_is_not_changed_by_a_sheet(fresh_db, village, tmp_path):
    path = two_sheets(tmp_path / "a.xlsx")
    O.import_xlsx(fresh_db, _import(fresh_db, path))
    wb = openpyxl.load_workbook(path)
    wb["户信息"]["I2"].value = "已脱贫"
    wb.save(path)
    plan = _import(fresh_db, path)
    assert any("户状态只能通过" in n for n in plan.notes)
    O.import_xlsx(fresh_db, plan)
    assert {h["status"] for h in fresh_db.find("households")} == {"未脱贫"}


def test_a_ledger_without_household_numbers_is_numbered_and_matched_again(
    fresh_db, village, tmp_path
):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "与户主关系", "身份证号", "户主身份证号", "文化程度"])
    ws.append(["孙大山", "户主", None, None, "小学"])  # no ID number at all: matched by name
    ws.append(["孙小山", "之子", None, None, "初中"])
    ws.append(["周平", "户主", person(61, 1966), person(61, 1966), "高中"])
    ws.append(["吴芳", "之妻", person(62, 1968, "女"), person(61, 1966), "初中"])
    path = tmp_path / "手工台账.xlsx"
    wb.save(path)
    plan = _import(fresh_db, path)
    assert plan.problems == [] and plan.counts["households_new"] == 2
    assert sum("没有户编号，已编为" in n for n in plan.notes) == 2
    O.import_xlsx(fresh_db, plan)
    numbers = sorted(h["household_no"] for h in fresh_db.find("households"))
    assert numbers == ["0001", "0002"]
    before = dump(fresh_db)
    again = _import(fresh_db, path)
    assert again.counts["households_matched"] == 2 and again.counts["members_new"] == 0
    O.import_xlsx(fresh_db, again)
    assert dump(fresh_db) == before


def test_a_member_already_in_another_household_is_listed_as_a_doubt(fresh_db, village, tmp_path):
    path = member_per_row(tmp_path / "a.xlsx")
    O.import_xlsx(fresh_db, _import(fresh_db, path))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["户编号", "姓名", "与户主关系", "证件号码"])
    ws.append(["0009", "王小明", "户主", HOUSEHOLDS[0][2][2][2]])  # 王小明 of 0001, on his own
    other = tmp_path / "b.xlsx"
    wb.save(other)
    plan = _import(fresh_db, other)
    assert plan.problems == [] and any("也登记在户编号 0001" in n for n in plan.notes)
    O.import_xlsx(fresh_db, plan)
    from storage.duplicates import find_duplicates

    assert [d.id_number for d in find_duplicates(fresh_db)] == [HOUSEHOLDS[0][2][2][2]]


def test_the_head_on_the_household_sheet_and_again_on_the_member_sheet_is_one_person(
    fresh_db, village, tmp_path
):
    wb = openpyxl.Workbook()
    hs = wb.active
    hs.title = "户"
    hs.append(["行政村", "户编号", "户主姓名", "户主身份证号", "家庭人口数"])
    hs.append(["青岭村", "0201", "钱进", person(71, 1970), 2])
    hs.append(["青岭村", "0202", "孙立", person(81, 1975), 1])  # the head on this sheet only
    ms = wb.create_sheet("成员")
    ms.append(["户编号", "姓名", "证件号码", "与户主关系", "文化程度"])
    ms.append(["0201", "钱进", person(71, 1970), "户主", "初中"])
    ms.append(["0201", "钱多", person(72, 1998), "之子", "高中"])
    path = tmp_path / "户表成员表.xlsx"
    wb.save(path)
    plan = _import(fresh_db, path)
    assert plan.problems == [], [str(p) for p in plan.problems]
    assert plan.counts["households_new"] == 2 and plan.counts["members_new"] == 3
    O.import_xlsx(fresh_db, plan)
    people = _by_name(fresh_db)
    assert people["钱进"]["relation"] == "户主" and people["钱进"]["education"] == "初中"
    assert people["孙立"]["relation"] == "户主" and people["孙立"]["sex"] == "男"
    # the head's number differs on the two sheets: named, and the household left out
    ms["C2"].value = person(73, 1970)
    wb.save(path)
    plan = _import(fresh_db, path)
    assert any("与第2行是同一人" in str(p) or "户主" in str(p) for p in plan.problems)


def test_a_second_head_under_a_merged_number_is_a_problem_and_numbers_never_repeat(
    fresh_db, village, tmp_path
):
    people = [("赵六", "户主", person(91, 1980), "小学", "非在校生"),
              ("赵七", "户主", person(92, 1982), "小学", "非在校生")]  # fmt: skip
    path = member_per_row(
        tmp_path / "a.xlsx",
        merged_household_cells=True,
        extra=[("0003", "赵六", people, 2, "因病", "×")],
    )
    plan = _import(fresh_db, path)
    assert any("该户有2名户主" in str(p) for p in plan.problems)
    assert plan.counts["households_new"] == 2 and plan.counts["households_rejected"] == 1
    O.import_xlsx(fresh_db, plan)
    assert sorted(h["household_no"] for h in fresh_db.find("households")) == ["0001", "0002"]
    # a workbook of households without numbers, beside a numbered one: the next free number
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["户编号", "姓名", "与户主关系"])
    ws.append(["0007", "甲", "户主"])
    ws.append([None, "乙", "户主"])  # a second head under a blank number: the household above's
    wb.save(tmp_path / "b.xlsx")
    plan = _import(fresh_db, tmp_path / "b.xlsx")
    assert any("该户有2名户主" in str(p) for p in plan.problems)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "与户主关系", "户主姓名"])
    ws.append(["丙", "户主", "丙"])
    ws.append(["丁", "户主", "丁"])
    wb.save(tmp_path / "c.xlsx")
    plan = _import(fresh_db, tmp_path / "c.xlsx")
    O.import_xlsx(fresh_db, plan)
    numbers = sorted(h["household_no"] for h in fresh_db.find("households"))
    assert numbers == ["0001", "0002", "0003", "0004"]


def test_a_plan_made_before_the_register_changed_is_not_written(fresh_db, village, tmp_path):
    path = member_per_row(tmp_path / "a.xlsx")
    O.import_xlsx(fresh_db, _import(fresh_db, path))
    plan = _import(fresh_db, path)
    hid = fresh_db.find("households", "household_no = '0001'")[0]["id"]
    O.edit_record(fresh_db, "household", hid, {"phone": "13900001111"})
    before = dump(fresh_db)
    with pytest.raises(WorkbookError, match="检查之后登记册有了改动"):
        O.import_xlsx(fresh_db, plan)
    assert dump(fresh_db) == before


def test_sheets_without_a_ledger_are_named(tmp_path):
    path = member_per_row(tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("填表说明").append(["请按国家系统的要求填写"])
    wb.save(path)
    skipped: list[str] = []
    assert [s.name for s in X.read(path, skipped=skipped)] == ["花名册"]
    assert skipped == ["填表说明"]
