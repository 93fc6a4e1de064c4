"""What one edit costs: the SQL statements and transactions it runs, and what it re-evaluates."""

import pytest
from PySide6.QtWidgets import QMessageBox

import gui.criteria as criteria_module
from gui.work_area import PAGE_VILLAGE
from storage.activity import visits_of
from storage.register import list_villages, members_of
from tests.dumps import dump
from tests.gui.helpers import line_of, message_of, type_text


class Trace:
    """Every SQL statement the register's connection runs, through sqlite3's trace callback."""

    def __init__(self, store):
        self.conn = store.db.conn
        self.statements: list[str] = []

    def __enter__(self):
        self.conn.set_trace_callback(self.statements.append)
        return self

    def __exit__(self, *exc):
        self.conn.set_trace_callback(None)

    def commits(self) -> int:
        return sum(1 for s in self.statements if s.strip().upper().startswith("COMMIT"))

    def writes(self) -> list[str]:
        verbs = ("INSERT", "UPDATE", "DELETE", "REPLACE")
        return [s for s in self.statements if s.lstrip().upper().startswith(verbs)]


@pytest.fixture
def household_window(make_window, demo_db, qtbot):
    window = make_window(demo_db)
    village = list_villages(window.store)[0]
    window.tree.select_village(village["id"])
    qtbot.waitUntil(lambda: window.household_id is not None)
    qtbot.wait(350)  # what the opening started has settled
    return window


def test_housing_area_edit_is_one_transaction_of_few_statements(household_window, qtbot):
    # Given a household open in the editor
    window = household_window
    hid = window.household_id
    editor = window.work.editor
    editor.tabs.setCurrentWidget(editor.tabs.widget(2))
    line = line_of(editor.conditions, "housing_area_m2")
    old = window.store.get("households", hid)["housing_area_m2"]
    new = "77.5" if old != 77.5 else "78.5"
    # When the user types a housing area and presses Enter (and every timer it starts fires)
    with Trace(window.store) as trace:
        type_text(qtbot, line, new, finish=True)
        qtbot.wait(500)
    # Then it is saved, in one transaction of about ten statements, the check panel is current
    assert window.store.get("households", hid)["housing_area_m2"] == float(new)
    assert trace.commits() == 1, trace.statements
    assert len(trace.writes()) == 3, trace.writes()  # the record, its change-log row, the clock
    assert len(trace.statements) <= 10, "\n".join(trace.statements)
    c2 = window.work.check_panel.evaluation.criteria[1]
    assert c2.figures["housing_area_m2"] == float(new)


def _start_visit(window, qtbot, purpose="核实住房"):
    dialog = window.on_work_new_visit()
    type_text(qtbot, line_of(dialog.section, "purpose"), purpose)
    dialog.try_accept()
    qtbot.waitUntil(lambda: window.work.editing.visit is not None)
    return window.work.editing.visit


def test_an_edit_during_a_visit_and_its_finding_are_one_transaction(household_window, qtbot):
    window = household_window
    hid, editor = window.household_id, window.work.editor
    visit = _start_visit(window, qtbot)
    line = line_of(editor.conditions, "housing_area_m2")
    with Trace(window.store) as trace:
        type_text(qtbot, line, "66", finish=True)
    assert trace.commits() == 1, trace.statements
    begin = trace.statements.index("BEGIN")
    commit = trace.statements.index("COMMIT")
    inside = trace.statements[begin:commit]
    assert any(s.startswith("update [households]") for s in inside)
    assert any(s.startswith("update [visits]") for s in inside)  # the finding, same transaction
    findings = visits_of(window.store, hid)[0]["changes"]
    assert visits_of(window.store, hid)[0]["id"] == visit["id"]
    assert findings[-1]["field"] == "housing_area_m2" and findings[-1]["new"] == "66"


def test_a_visit_note_evaluates_no_criteria(household_window, qtbot, monkeypatch):
    # Given an open visit
    window = household_window
    hid = window.household_id
    _start_visit(window, qtbot)
    evaluated = []
    real = criteria_module.evaluate_household
    monkeypatch.setattr(
        criteria_module, "evaluate_household", lambda snap: evaluated.append(snap) or real(snap)
    )
    # When the visit ends with a note
    dialog = window.work.editor.visits.end_visit_dialog()
    type_text(qtbot, line_of(dialog.section, "note"), "住房已核实")
    with Trace(window.store) as trace:
        dialog.try_accept()
        qtbot.wait(350)
    # Then the note is saved and no criterion was evaluated, no member or finance read
    assert window.work.editing.visit is None
    assert visits_of(window.store, hid)[0]["note"] == "住房已核实"
    assert evaluated == []
    assert not any("from [members]" in s or "from [finances]" in s for s in trace.statements)
    # while a housing-area edit does evaluate the household (the check above can fail)
    type_text(qtbot, line_of(window.work.editor.conditions, "housing_area_m2"), "71", finish=True)
    assert len(evaluated) == 1


def test_a_failed_undo_is_shown_and_leaves_the_undo_stack(household_window, qtbot):
    # Given a saved edit
    window = household_window
    hid, editing = window.household_id, window.work.editing
    type_text(qtbot, line_of(window.work.editor.conditions, "housing_area_m2"), "88", finish=True)
    steps = editing.undo_stack.count()
    assert steps >= 1
    # and the household deleted meanwhile by another path (a merge, say)
    window.store.delete("households", hid)
    before = dump(window.store)
    # When the edit is undone
    editing.undo_stack.undo()
    # Then the register refuses, the user is told, the step leaves the stack, nothing changed
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert boxes and "撤销失败" in boxes[-1].text()
    assert editing.undo_stack.count() == steps - 1
    assert window.store.get("households", hid, include_deleted=True)["housing_area_m2"] == 88
    assert dump(window.store) == before
    boxes[-1].close()


def test_a_write_the_file_refuses_is_shown_and_the_input_kept(household_window, qtbot):
    # Given a register that can no longer be written (a full disk, a locked file…)
    window = household_window
    hid = window.household_id
    before = dump(window.store)
    window.store.db.conn.execute("PRAGMA query_only = ON")
    # When the user saves a field
    line = line_of(window.work.editor.conditions, "housing_area_m2")
    type_text(qtbot, line, "99", finish=True)
    # Then the field says so, keeps the typed value, and the file is unchanged
    said = message_of(window.work.editor.conditions, "housing_area_m2")
    assert "只读" in said and "没有保存" in said  # storage.db.WriteFailed says why
    assert line.text() == "99"
    window.store.db.conn.execute("PRAGMA query_only = OFF")
    assert dump(window.store) == before
    assert window.store.get("households", hid)["housing_area_m2"] != 99
    # and once the file can be written again, the same input saves
    type_text(qtbot, line, "99", finish=True)
    assert not message_of(window.work.editor.conditions, "housing_area_m2")
    assert window.store.get("households", hid)["housing_area_m2"] == 99


def test_pages_that_show_what_changed_are_reloaded(household_window, qtbot):
    window = household_window
    store, work = window.store, window.work
    hid = window.household_id
    # Given the village page and the needs list shown once (nothing stale), then the households
    window.on_view_village()
    window.on_view_needs()
    window.on_view_households()
    assert PAGE_VILLAGE not in work._dirty_pages
    # When a measure is planned: the village page's 疑点 read measures (Q11, planned to exit
    # with no open measure), so it is stale
    outcome = work.editing.plan_measure(
        {
            "village_id": store.get("households", hid)["village_id"],
            "household_id": hid,
            "level": "户",
            "category": "产业发展",
            "description": "养殖补助",
            "status": "计划",
        }
    )
    assert outcome.problems is None
    assert PAGE_VILLAGE in work._dirty_pages
    # and the needs list, shown again, lists it; then the head is renamed
    window.on_view_needs()
    window.on_view_households()
    head = next(m for m in members_of(store, hid) if m["relation"] == "户主")
    work.editor.members.select(head["id"])
    type_text(qtbot, line_of(work.editor.members.form, "name"), "改名测试", finish=True)
    assert store.get("members", head["id"])["name"] == "改名测试"
    # Then the needs list shows the new name of the head (户主 is a member)
    window.on_view_needs()
    heads = {r["head"] for r in work.needs_page.model.rows if r["household_id"] == hid}
    assert heads == {"改名测试"}
