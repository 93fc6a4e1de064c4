"""文件 → 导入 Excel 台账… / 导出 Excel…: the wizard read, mapped, checked and imported a messy
ledger (tests/storage/ledgers.py) with real widgets; a second run imports nothing new; a bad
row is listed with its row and reason and can be exported; a field chosen twice, or an .xls,
stops the wizard with a Chinese message; the mapping is remembered for the same header."""

from __future__ import annotations

import json

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from gui import xlsx_mappings, xlsx_wizard
from gui.sync_dialogs import cells as table_cells
from gui.xlsx_export_dialog import XlsxExportDialog
from gui.xlsx_wizard import XlsxImportWizard, cells
from storage import register as R
from storage.db import open_store
from tests.dumps import dump
from tests.gui.helpers import choose
from tests.storage.ledgers import member_per_row, person

VILLAGE = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}


@pytest.fixture(autouse=True)
def _memory(tmp_path, monkeypatch):
    """The remembered mappings in the test's own folder, never the user's."""
    path = tmp_path / "data" / "xlsx-mappings.json"
    monkeypatch.setattr(xlsx_mappings, "mappings_file", lambda: path)
    return path


@pytest.fixture
def register_db(tmp_path):
    """A register with the ledgers' village (青岭村) and no households yet."""
    path = tmp_path / "register.db"
    store = open_store(path, create=True, operator="测试")
    R.add_village(store, VILLAGE)
    store.close()
    return path


def _wizard(window) -> XlsxImportWizard:
    window.actions["file.import_xlsx"].trigger()
    [wizard] = [w for w in window.findChildren(XlsxImportWizard) if w.isVisible()]
    return wizard


def _open(qtbot, window, path) -> XlsxImportWizard:
    wizard = _wizard(window)
    assert wizard.currentPage() is wizard.file_page
    wizard.set_path(path)
    qtbot.waitUntil(lambda: not wizard.file_page.busy, timeout=5000)
    return wizard


def _next(qtbot, wizard, button=QWizard.NextButton) -> None:
    """Click 下一步 (or 导入) as the user does: only when it is enabled."""
    before = wizard.currentId()
    assert wizard.button(button).isEnabled() and wizard.button(button).isVisible()
    qtbot.mouseClick(wizard.button(button), Qt.LeftButton)
    assert wizard.currentId() == before + 1


def _checked(qtbot, wizard) -> None:
    page = wizard.check_page
    qtbot.waitUntil(lambda: not page.busy, timeout=5000)


def _households(store) -> dict:
    return {h["household_no"]: h for h in store.find("households")}


def test_a_messy_ledger_is_mapped_checked_and_imported_and_again_changes_nothing(
    qtbot, make_window, register_db, tmp_path
):
    window = make_window(register_db)
    ledger = member_per_row(tmp_path / "花名册.xlsx", merged_household_cells=True)
    wizard = _open(qtbot, window, ledger)
    page = wizard.file_page
    assert page.error.text() == ""
    assert "工作表“花名册”：表头在第2、3行，12列，5行数据" in page.status.text()
    assert page.village.currentText() == "按表中的“行政村”列"  # the sheet has a 行政村 column
    assert [page.village.itemText(i) for i in range(page.village.count())] == [
        "按表中的“行政村”列",
        "凤翔镇 青岭村（621102100201）",
    ]
    assert page.year.value() == R.default_year(window.store)
    _next(qtbot, wizard)

    # 列对应: one row per column, the letter, title, first values and the proposal
    mapping = wizard.mapping_page
    rows = cells(mapping.table)
    assert len(rows) == 12 and mapping.table.isColumnHidden(0)  # one sheet: no 工作表 column
    by_letter = {r[1]: r for r in rows}
    assert by_letter["B"][2:] == ["行政村", "青岭村", "行政村"]  # different values only
    assert by_letter["E"][2] == "家庭成员 / 姓名" and by_letter["E"][3] == "王建国、李秀兰、王小明"
    assert by_letter["E"][4] == "家庭成员·姓名"
    assert by_letter["F"][4] == "家庭成员·身份证号" and by_letter["F"][3].startswith("621102")
    assert by_letter["L"][4] == "贫困户·住房安全稳固（取反）"  # 危房户 √ = not safe
    assert by_letter["A"][4] == "不导入"  # 序号, as proposed
    assert mapping.error.text() == "" and not mapping.info.isVisible()
    _next(qtbot, wizard)

    # 检查: counts, no problems, 导入 enabled
    check = wizard.check_page
    _checked(qtbot, wizard)
    assert "检查了 5 行：新增户 2，已有户 0，新增成员 5" in check.status.text()
    assert "跳过合计行 1" in check.status.text()
    assert not check.table.isVisible() and not check.valid_only.isVisible()
    assert wizard.button(QWizard.CommitButton).text() == "导入"
    _next(qtbot, wizard, QWizard.CommitButton)

    # 导入: written through the register's write path; the window shows the households
    assert "导入完成：新增户 2，更改户 0，新增成员 5" in wizard.result_page.report.text()
    households = _households(window.store)
    assert set(households) == {"0001", "0002"}
    assert households["0001"]["housing_safe"] is False and households["0002"]["main_cause"] == (
        "缺资金"
    )
    people = {m["name"]: m for m in window.store.find("members")}
    assert set(people) == {"王建国", "李秀兰", "王小明", "张德明", "张丽"}
    assert people["李秀兰"]["relation"] == "配偶"
    assert {people[n]["household_id"] for n in ("王建国", "李秀兰", "王小明")} == {
        households["0001"]["id"]
    }
    qtbot.waitUntil(lambda: window.work.model.rowCount() == 2, timeout=5000)  # views reloaded
    qtbot.mouseClick(wizard.button(QWizard.FinishButton), Qt.LeftButton)
    qtbot.waitUntil(lambda: not wizard.isVisible())

    # the same file again: every household and member matched, nothing written
    snapshot = dump(window.store)
    again = _open(qtbot, window, ledger)
    _next(qtbot, again)
    _next(qtbot, again)
    _checked(qtbot, again)
    assert "新增户 0，已有户 2，新增成员 0，已有成员 5" in again.check_page.status.text()
    _next(qtbot, again, QWizard.CommitButton)
    assert again.counts["households_added"] == again.counts["members_added"] == 0
    assert again.counts["households_changed"] == again.counts["members_changed"] == 0
    assert "没有需要写入的数据" in again.result_page.report.text()
    assert dump(window.store) == snapshot
    assert len(window.store.find("households")) == 2 and len(window.store.find("members")) == 5


def test_a_bad_row_is_listed_exported_and_only_the_valid_households_imported(
    qtbot, make_window, register_db, tmp_path, monkeypatch
):
    window = make_window(register_db)
    people = [("赵六", "户主", "62110219800101001", "博士", "非在校生"),
              ("赵七", "户主", person(51, 1982), "小学", "非在校生")]  # fmt: skip
    ledger = member_per_row(
        tmp_path / "a.xlsx", extra=[("0003", "赵六", people, 40, "因懒", "也许")]
    )
    wizard = _open(qtbot, window, ledger)
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    _checked(qtbot, wizard)
    check = wizard.check_page
    assert "有问题的户 1（2 行）" in check.status.text()
    rows = table_cells(check.table)
    assert ["花名册", "9", "F（家庭成员 / 证件号码）"] in [r[:3] for r in rows]
    assert any(
        r[1] == "9" and r[2].startswith("H") and "“博士”不是有效的选项" in r[3] for r in rows
    )
    assert any(r[2] == "K（致贫原因）" and "因懒" in r[3] for r in rows)
    assert check.table.isVisible() and "有 " in check.error.text()

    # 导入 stays off until only the valid households are asked for
    commit = wizard.button(QWizard.CommitButton)
    assert not commit.isEnabled()
    assert check.valid_only.isVisible() and check.valid_only.text() == "只导入没有问题的户"

    # 导出有问题的行…: the rows with their header and a 错误原因 column
    out = tmp_path / "有问题的行.xlsx"
    asked = []
    monkeypatch.setattr(xlsx_wizard, "choose_save", lambda *a: asked.append(a) or str(out))
    qtbot.mouseClick(check.export_button, Qt.LeftButton)
    assert asked and "有问题的 2 行已导出到" in check.exported.text()
    ws = openpyxl.load_workbook(out).active
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    header = values[1]
    assert header[-1] == "错误原因" and header[:4] == ["序号", "行政村", "户编号", "户主姓名"]
    data = [r for r in values[3:] if r[4] in ("赵六", "赵七")]
    assert [r[4] for r in data] == ["赵六", "赵七"]
    assert "F列（家庭成员 / 证件号码）" in data[0][-1] and "博士" in data[0][-1]
    assert len(values) == 5  # the title, two header rows, the two rows of household 0003

    check.valid_only.setChecked(True)
    assert commit.isEnabled()
    _next(qtbot, wizard, QWizard.CommitButton)
    assert "新增户 2" in wizard.result_page.report.text()
    assert "有问题的 1 户（2 行）未导入" in wizard.result_page.left_out.text()
    assert set(_households(window.store)) == {"0001", "0002"}
    assert not {"赵六", "赵七"} & {m["name"] for m in window.store.find("members")}


def test_a_field_chosen_for_two_columns_blocks_the_next_step(
    qtbot, make_window, register_db, tmp_path
):
    window = make_window(register_db)
    wizard = _open(qtbot, window, member_per_row(tmp_path / "a.xlsx"))
    _next(qtbot, wizard)
    page = wizard.mapping_page
    next_button = wizard.button(QWizard.NextButton)
    assert next_button.isEnabled()
    choose(page.combo_for("D"), "家庭成员·姓名")  # 户主姓名 and 家庭成员 / 姓名 both the name
    assert "“D列 户主姓名”和“E列 家庭成员 / 姓名”都对应到“家庭成员·姓名”" in page.error.text()
    assert "一个字段只能对应一列" in page.error.text()
    assert not next_button.isEnabled() and not page.isComplete()
    choose(page.combo_for("D"), "户主姓名")
    assert page.error.text() == "" and next_button.isEnabled()

    # nothing mapped at all is no mapping either
    for _sheet, _index, combo in page.rows:
        combo.setCurrentIndex(0)
    assert "没有任何一列对应到登记册的字段" in page.error.text() and not next_button.isEnabled()
    page.reset()  # 恢复自动识别
    assert page.error.text() == "" and next_button.isEnabled()


def test_an_old_xls_file_is_refused_in_chinese_on_the_first_page(
    qtbot, make_window, register_db, tmp_path
):
    window = make_window(register_db)
    xls = tmp_path / "x.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    wizard = _open(qtbot, window, xls)
    text = wizard.file_page.error.text()
    assert "x.xls 是旧的 Excel 97-2003 格式（.xls）" in text and "另存为" in text
    assert wizard.file_page.error.isVisible()
    assert not wizard.button(QWizard.NextButton).isEnabled()
    assert wizard.currentPage() is wizard.file_page

    # a good file afterwards clears the message
    wizard.set_path(member_per_row(tmp_path / "a.xlsx"))
    qtbot.waitUntil(lambda: not wizard.file_page.busy, timeout=5000)
    assert wizard.file_page.error.text() == "" and wizard.button(QWizard.NextButton).isEnabled()


def test_the_mapping_is_remembered_for_the_same_header_and_saved_as_a_file(
    qtbot, make_window, register_db, tmp_path, _memory
):
    window = make_window(register_db)
    ledger = member_per_row(tmp_path / "a.xlsx")
    wizard = _open(qtbot, window, ledger)
    _next(qtbot, wizard)
    page = wizard.mapping_page
    choose(page.combo_for("H"), "不导入")  # 文化程度 left out
    saved = tmp_path / "对应.json"
    page.save_to(saved)
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["format"] == "fupin-xlsx-mapping/1"
    assert data["sheets"]["花名册"]["家庭成员 / 文化程度"] == ""
    assert data["sheets"]["花名册"]["家庭成员 / 姓名"] == "member.name"
    _next(qtbot, wizard)  # leaving 列对应 remembers it
    assert _memory.exists()
    wizard.reject()

    # the same header in another workbook: the choice made last time
    other = member_per_row(tmp_path / "b.xlsx", merged_household_cells=True)
    again = _open(qtbot, window, other)
    _next(qtbot, again)
    assert again.mapping_page.combo_for("H").currentText() == "不导入"
    assert again.mapping_page.info.isVisible() and "已套用上次" in again.mapping_page.info.text()
    again.mapping_page.reset()
    assert again.mapping_page.combo_for("H").currentText() == "家庭成员·文化程度"
    again.mapping_page.load_from(saved)  # 载入对应方案…
    assert again.mapping_page.combo_for("H").currentText() == "不导入"


def test_export_excel_writes_the_chosen_layout(qtbot, make_window, demo_db, tmp_path, monkeypatch):
    window = make_window(demo_db)
    window.actions["file.export_xlsx"].trigger()
    [dialog] = [d for d in window.findChildren(XlsxExportDialog) if d.isVisible()]
    assert [dialog.layout_combo.itemText(i) for i in range(3)] == ["花名册", "脱贫指标", "帮扶措施"]
    assert dialog.village.itemText(0) == "全部村" and dialog.year.value() == window.year
    dialog.village.setCurrentIndex(1)
    choose(dialog.layout_combo, "脱贫指标")
    layout, code, year = dialog.choice()
    assert layout == "criteria" and code == dialog.village.itemData(1)
    assert dialog.suggested_name().endswith(f"脱贫指标（{year}年）.xlsx")
    out = tmp_path / "指标.xlsx"
    monkeypatch.setattr(xlsx_wizard, "choose_save", lambda *a: str(out))
    dialog.accept()
    qtbot.waitUntil(lambda: out.exists(), timeout=5000)
    qtbot.waitUntil(lambda: "已导出 1 个村" in window.statusBar().currentMessage(), timeout=5000)
    assert openpyxl.load_workbook(out, read_only=True).sheetnames == ["12项指标", "未达标原因"]
