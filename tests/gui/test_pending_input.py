"""Refused input is never dropped without asking: a filter or a click-through that would move
the editor to another household asks first, and "no" keeps the household and the input."""

from PySide6.QtWidgets import QMessageBox

from .helpers import choose, line_of, message_of, type_text


def test_refused_input_survives_a_filter_change_and_a_click_through(
    qtbot, make_window, demo_db, monkeypatch
):
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.No
    )
    window = make_window(demo_db)
    qtbot.waitUntil(lambda: window.household_id is not None)
    here = window.household_id
    basic = window.work.editor.basic
    type_text(qtbot, line_of(basic, "phone"), "12", finish=True)
    assert message_of(basic, "phone")  # refused, red, kept
    status = window.work.editor.household["status"]
    other_status = next(s for s in ("已脱贫", "未脱贫", "返贫") if s != status)
    # When a filter drops the household from the table and the user answers "no"
    choose(window.work.filter_bar.status, other_status)
    window.work.filter_bar.flush()
    # Then the editor keeps the household and the typed text
    assert asked and window.household_id == here
    assert line_of(basic, "phone").text() == "12"
    # The same for a click-through from another view
    other = next(h for h in window.work.model.ids if h != here)
    asked.clear()
    window.go_to_household(other)
    assert asked and window.household_id == here
    assert line_of(basic, "phone").text() == "12"
    # Answering "yes" lets the editor move on
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    window.go_to_household(other)
    assert window.household_id == other


def test_refused_input_survives_choosing_another_member_or_year(
    qtbot, make_window, demo_db, monkeypatch
):
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.No
    )
    window = make_window(demo_db)
    qtbot.waitUntil(lambda: window.household_id is not None)
    model = window.work.model
    row = next(r for r in range(model.rowCount()) if int(model.data(model.index(r, 2))) >= 2)
    window.work.table.selectRow(row)
    qtbot.waitUntil(lambda: window.household_id == model.ids[row])
    members = window.work.editor.members
    members.table.selectRow(0)
    qtbot.waitUntil(lambda: members.member_id is not None)
    first = members.member_id
    type_text(qtbot, line_of(members.form, "id_number"), "123456789012345678", finish=True)
    assert message_of(members.form, "id_number")
    members.table.selectRow(1)
    assert asked and members.member_id == first
    assert line_of(members.form, "id_number").text() == "123456789012345678"

    finance = window.work.editor.finance
    finance.set_household(window.household_id)
    year = finance.current_year()
    type_text(qtbot, line_of(finance.form, "wage_income"), "abc", finish=True)
    assert message_of(finance.form, "wage_income")
    asked.clear()
    finance.year.setCurrentIndex(0 if finance.year.currentIndex() else 1)
    assert asked and finance.current_year() == year
    assert line_of(finance.form, "wage_income").text() == "abc"


def test_an_id_number_with_the_birth_date_it_sets_is_one_undo_step(qtbot, make_window, demo_db):
    window = make_window(demo_db)
    qtbot.waitUntil(lambda: window.household_id is not None)
    members = window.work.editor.members
    members.table.selectRow(0)
    qtbot.waitUntil(lambda: members.member_id is not None)
    stack = window.work.editing.undo_stack
    before = window.store.get("members", members.member_id)
    steps = stack.count()
    type_text(qtbot, line_of(members.form, "id_number"), "11010519491231002X", finish=True)
    after = window.store.get("members", members.member_id)
    assert (after["birth_date"], after["sex"]) == ("1949-12-31", "女")
    assert stack.count() == steps + 1
    stack.undo()
    again = window.store.get("members", members.member_id)
    assert (again["id_number"], again["birth_date"], again["sex"]) == (
        before["id_number"],
        before["birth_date"],
        before["sex"],
    )
