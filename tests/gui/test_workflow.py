"""The work team's day, driven through real widgets and checked against the database."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from forms.criteria.result import MET, UNMET
from forms.entities import FINANCE
from gui.dialogs import NewHouseholdDialog, RecordDialog
from storage.activity import measures_of, status_history, visits_of
from storage.db import open_store
from storage.register import list_villages, members_of

from .helpers import choose, combo_of, line_of, message_of, type_text


def _criterion(window, no):
    return window.work.check_panel.criterion_status(no)


def _new_village(qtbot, window):
    # The start page offers the first steps instead of a blank window.
    assert window.stack.currentWidget() is window.start_page
    qtbot.mouseClick(window.start_page.buttons["new_village"], Qt.LeftButton)
    dialog = window.findChildren(RecordDialog)[-1]
    s = dialog.section
    type_text(qtbot, line_of(s, "code"), "621102100201")
    type_text(qtbot, line_of(s, "name"), "青岚村")
    type_text(qtbot, line_of(s, "township"), "青岚山乡")
    type_text(qtbot, line_of(s, "county"), "安定区")
    dialog.try_accept()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.work)
    assert window.scope["kind"] == "village"


def _new_group_and_cadre(qtbot, window):
    dialog = window.on_register_new_group()
    type_text(qtbot, line_of(dialog.section, "name"), "一社")
    dialog.try_accept()
    dialog = window.on_register_new_cadre()
    type_text(qtbot, line_of(dialog.section, "name"), "王海军")
    type_text(qtbot, line_of(dialog.section, "phone"), "13909320001")
    dialog.try_accept()


def _new_household(qtbot, window):
    dialog = window.on_register_new_household()
    assert isinstance(dialog, NewHouseholdDialog)
    assert line_of(dialog.household, "household_no").text() == "0001"
    choose(combo_of(dialog.household, "group_id"), "一社")
    choose(combo_of(dialog.household, "cadre_id"), "王海军 · 帮扶责任人")
    choose(combo_of(dialog.household, "main_cause"), "因病")
    people = [
        ("李建国", "户主", "621102198003150014"),
        ("张秀兰", "配偶", "621102198205200024"),
        ("李小红", "女", "621102200809010045"),
    ]
    for i, (name, relation, idn) in enumerate(people):
        section = dialog.members[0] if i == 0 else None
        if section is None:
            qtbot.mouseClick(dialog.add_button, Qt.LeftButton)
            section = dialog.members[-1]
        type_text(qtbot, line_of(section, "name"), name)
        choose(combo_of(section, "relation"), relation)
        type_text(qtbot, line_of(section, "id_number"), idn)
    # A wrong ID number is refused next to the field, and nothing is saved.
    type_text(qtbot, line_of(dialog.members[2], "id_number"), "621102200809010044")
    assert "校验" in message_of(dialog.members[2], "id_number") or message_of(
        dialog.members[2], "id_number"
    )
    dialog.try_accept()
    assert dialog.isVisible()
    type_text(qtbot, line_of(dialog.members[2], "id_number"), "621102200809010045")
    dialog.try_accept()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(lambda: window.household_id is not None)


def test_a_day_of_the_work_team(qtbot, make_window, tmp_path, monkeypatch):
    path = tmp_path / "team.db"
    window = make_window(path, create=True)

    # Given an empty register, the team creates its village, a group, a cadre, a household.
    _new_village(qtbot, window)
    _new_group_and_cadre(qtbot, window)
    _new_household(qtbot, window)
    model = window.work.model
    assert model.rowCount() == 1
    assert model.data(model.index(0, 1)) == "李建国"
    assert model.data(model.index(0, 2)) == "3"
    hid = window.household_id
    members = members_of(window.store, hid)
    assert [m["name"] for m in members] == ["李建国", "张秀兰", "李小红"]
    assert members[2]["birth_date"] == "2008-09-01" and members[2]["sex"] == "女"

    # When the housing is entered too small, criterion 2 is unmet…
    editor = window.work.editor
    conditions = editor.conditions
    choose(combo_of(conditions, "housing_safe"), "是")
    type_text(qtbot, line_of(conditions, "housing_area_m2"), "60", finish=True)
    qtbot.waitUntil(lambda: _criterion(window, 2) == UNMET)
    assert window.store.get("households", hid)["housing_area_m2"] == 60

    # …an invalid value stays in the field, red, with its message, and is not saved…
    type_text(qtbot, line_of(conditions, "housing_area_m2"), "六十", finish=True)
    assert message_of(conditions, "housing_area_m2")
    assert line_of(conditions, "housing_area_m2").text() == "六十"
    assert window.store.get("households", hid)["housing_area_m2"] == 60

    # …and fixing the field turns it met at once.
    type_text(qtbot, line_of(conditions, "housing_area_m2"), "120", finish=True)
    assert not message_of(conditions, "housing_area_m2")
    qtbot.waitUntil(lambda: _criterion(window, 2) == MET)
    assert window.store.get("households", hid)["housing_area_m2"] == 120

    # Undo (Ctrl+Z in the field that holds the saved value) writes the old value back: unmet.
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    undo = window.actions["edit.undo"]
    assert undo.isEnabled()
    area = line_of(conditions, "housing_area_m2")
    area.setFocus()
    qtbot.keyClick(area, Qt.Key_Z, Qt.ControlModifier)
    qtbot.waitUntil(lambda: _criterion(window, 2) == UNMET)
    assert line_of(conditions, "housing_area_m2").text() == "60"
    assert window.store.get("households", hid)["housing_area_m2"] == 60
    log = [c for c in window.store.changes("households", hid) if c["field"] == "housing_area_m2"]
    assert [c["new"] for c in log] == [60, 120, 60]  # the undo is logged like any edit
    assert {c["operator"] for c in log} == {"测试员"}
    qtbot.keyClick(area, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    qtbot.waitUntil(lambda: _criterion(window, 2) == MET)
    undo.trigger()
    qtbot.waitUntil(lambda: _criterion(window, 2) == UNMET)

    # A visit: the edits made while it is open are its findings, before → after.
    dialog = window.on_work_new_visit()
    type_text(qtbot, line_of(dialog.section, "purpose"), "核实住房安全情况")
    dialog.try_accept()
    qtbot.waitUntil(lambda: window.work.editing.visit is not None)
    assert not editor.visit_banner.isHidden()
    choose(combo_of(conditions, "toilet"), "无")
    qtbot.waitUntil(lambda: _criterion(window, 9) == UNMET)
    dialog = editor.visits.end_visit_dialog()
    type_text(qtbot, line_of(dialog.section, "findings"), "无厕所，需改建")
    dialog.try_accept()
    qtbot.waitUntil(lambda: window.work.editing.visit is None)
    visits = visits_of(window.store, hid)
    assert len(visits) == 1 and visits[0]["purpose"] == "核实住房安全情况"
    assert visits[0]["findings"] == "无厕所，需改建"
    assert [(c["label"], c["old"], c["new"]) for c in visits[0]["changes"]] == [
        ("厕所", None, "无")
    ]
    assert editor.visits.model.rowCount() == 1

    # A measure from the unmet criterion: criterion, cause and category come prefilled.
    panel = window.work.check_panel
    row = next(i for i, c in enumerate(panel.list.model.results) if c.no == 9)
    index = panel.list.model.index(row)
    panel.list.view.setCurrentIndex(index)
    panel.list.view.clicked.emit(index)
    assert editor.tabs.currentIndex() == 2  # the click went to the 厕所 field
    assert panel.add_measure.isEnabled()
    qtbot.mouseClick(panel.add_measure, Qt.LeftButton)
    dialog = editor.measures.findChildren(RecordDialog)[-1]
    assert line_of(dialog.section, "criterion_no").text() == "9"
    assert combo_of(dialog.section, "category").currentText() == "基础设施"
    assert combo_of(dialog.section, "cause").currentText() == "因病"
    type_text(qtbot, line_of(dialog.section, "description"), "改建卫生厕所")
    type_text(qtbot, line_of(dialog.section, "money"), "1500")
    dialog.try_accept()
    qtbot.waitUntil(lambda: editor.measures.model.rowCount() == 1)
    measure = measures_of(window.store, hid)[0]
    assert (measure["criterion_no"], measure["category"], measure["money"]) == (9, "基础设施", 1500)

    # The measure is edited later: under way now, the money corrected, a planned date set.
    measures_tab = editor.measures
    measures_tab.table.setCurrentIndex(measures_tab.model.index(0, 0))
    qtbot.mouseClick(measures_tab.edit_button, Qt.LeftButton)
    dialog = measures_tab.findChildren(RecordDialog)[-1]
    assert line_of(dialog.section, "description").text() == "改建卫生厕所"
    choose(combo_of(dialog.section, "status"), "实施中")
    type_text(qtbot, line_of(dialog.section, "money"), "1800")
    type_text(qtbot, line_of(dialog.section, "planned_date"), "2017-10-01")
    dialog.try_accept()
    qtbot.waitUntil(lambda: measures_of(window.store, hid)[0]["status"] == "实施中")
    measure = measures_of(window.store, hid)[0]
    assert (measure["money"], measure["planned_date"]) == (1800, "2017-10-01")
    assert {
        c["field"] for c in window.store.changes("measures", measure["id"]) if c["op"] == "update"
    } == {"status", "money", "planned_date"}

    # Marking 已脱贫 with criteria unmet asks first, and the confirmation is recorded.
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.Yes
    )
    dialog = window.on_work_change_status()
    choose(combo_of(dialog.section, "status"), "已脱贫")
    type_text(qtbot, line_of(dialog.section, "reason"), "经核查达标")
    dialog.try_accept()
    qtbot.waitUntil(lambda: editor.household["status"] == "已脱贫")
    assert asked and "未达标" in asked[0]
    last = status_history(window.store, hid)[-1]
    assert last["status"] == "已脱贫" and last["confirmed_unmet"]

    # Closing and reopening the app on the same file finds everything still there.
    window.close()
    again = make_window(path)
    qtbot.waitUntil(lambda: again.household_id == hid)
    assert [v["name"] for v in list_villages(again.store)] == ["青岚村"]
    assert again.work.model.data(again.work.model.index(0, 3)) == "已脱贫"
    assert line_of(again.work.editor.conditions, "housing_area_m2").text() == "60"
    assert again.work.editor.members.model.rowCount() == 3
    assert again.work.editor.visits.model.rowCount() == 1
    assert again.work.editor.measures.model.rowCount() == 1
    assert _criterion(again, 2) == UNMET and _criterion(again, 9) == UNMET


def test_start_page_on_an_empty_register(qtbot, make_window, tmp_path):
    window = make_window(tmp_path / "empty.db", create=True)
    assert window.stack.currentWidget() is window.start_page
    texts = {b.text() for b in window.start_page.findChildren(QPushButton)}
    assert {"新建村", "导入", "打开演示数据"} <= texts
    assert window.start_page.buttons["new_village"].isEnabled()
    store = open_store(tmp_path / "empty.db")
    assert store.find("policy_values")  # a new file starts with the reference values
    store.close()


def test_per_capita_income_is_not_shown_when_a_part_is_missing(qtbot, make_window, demo_db):
    # The 收入支出 tab must agree with criterion 1: a missing operating cost is unknown, not 0.
    window = make_window(demo_db)
    qtbot.waitUntil(lambda: window.household_id is not None)
    finance = window.work.editor.finance
    finance.set_household(window.household_id)
    for key, value in (
        ("wage_income", "6000"),
        ("operating_income", "3000"),
        ("property_income", "0"),
        ("transfer_income", "1200"),
        ("operating_cost", "500"),
    ):
        type_text(qtbot, line_of(finance.form, key), value)
    finance.update_figures()
    assert "人均可支配收入：<b" in finance.figures.text()
    type_text(qtbot, line_of(finance.form, "operating_cost"), "")
    finance.update_figures()
    # the line says what criterion 1 says: which part is missing, and no figure
    income_line = finance.figures.text().split("<br>")[1]
    assert income_line.startswith("人均可支配收入：缺少")
    assert FINANCE["operating_cost"].label in income_line and "<b" not in income_line


def test_marking_a_measure_done_is_one_undo_step_and_a_visit_finding(qtbot, make_window, demo_db):
    window = make_window(demo_db)
    qtbot.waitUntil(lambda: window.household_id is not None)
    store, editing = window.store, window.work.editing
    hid = next(
        h
        for h in window.work.model.ids
        if any(m["status"] != "已完成" for m in measures_of(store, h))
    )
    window.go_to_household(hid)
    qtbot.waitUntil(lambda: window.household_id == hid)
    tab = window.work.editor.measures
    row = next(i for i, m in enumerate(tab.model.rows) if m["status"] != "已完成")
    measure_id = tab.model.rows[row]["id"]
    dialog = window.on_work_new_visit()
    type_text(qtbot, line_of(dialog.section, "purpose"), "核实措施进度")
    dialog.try_accept()
    qtbot.waitUntil(lambda: editing.visit is not None)
    tab.table.setCurrentIndex(tab.model.index(row, 0))
    steps = editing.undo_stack.count()
    qtbot.mouseClick(tab.done_button, Qt.LeftButton)
    assert store.get("measures", measure_id)["status"] == "已完成"
    assert editing.undo_stack.count() == steps + 1
    findings = visits_of(store, hid)[0]["changes"]
    assert {c["label"] for c in findings} >= {"进度", "完成日期"}
    editing.undo_stack.undo()
    assert store.get("measures", measure_id)["status"] != "已完成"
    assert store.get("measures", measure_id)["done_date"] is None


def test_the_income_line_of_a_safety_net_household_says_the_safety_net_reading(
    qtbot, make_window, demo_db
):
    # A 低保 household in which nobody can work meets ⑴ on its 低保 income per person (政策性脱贫):
    # the 收入支出 tab must say so, never "2808 元 > 贫困线 3000 元".
    window = make_window(demo_db)
    qtbot.waitUntil(lambda: window.household_id is not None)
    hid = window.household_id
    editing = window.editing
    assert not editing.save_record(
        "household", hid, hid, {"poverty_attribute": "低保贫困户", "dibao_class": "二类"}
    ).problems
    for m in window.store.find("members", "household_id = ?", [hid]):
        assert not editing.save_record(
            "member", m["id"], hid, {"labor_ability": "丧失劳动力"}
        ).problems
    finance = window.work.editor.finance
    finance.set_household(hid)
    people = finance.figures.text().split("<br>")[0]
    n = int(people.removeprefix("家庭成员 ").split(" ")[0])
    for key, value in (
        ("wage_income", "0"),
        ("operating_income", "0"),
        ("property_income", "0"),
        ("operating_cost", "0"),
        ("transfer_income", str(2808 * n)),
    ):
        type_text(qtbot, line_of(finance.form, key), value)
    finance.update_figures()
    income_line = finance.figures.text().split("<br>")[1]
    assert "政策性脱贫" in income_line and "贫困线" not in income_line, income_line
