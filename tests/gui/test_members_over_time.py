"""Members over time in the 家庭成员 tab: 成员离开 (the member stays, among the former members, and
counts no more), its refusals, a visit's findings, 恢复为在册成员, a newborn's joining."""

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QMessageBox

from gui.dialogs import RecordDialog
from storage.activity import visits_of
from tests.dumps import dump

from .helpers import choose, combo_of, line_of, message_of, type_text

PEOPLE = 2  # the household table's 人数 column


def _household(qtbot, window, people: int = 3) -> str:
    """A household with `people` members or more and income figures for the year, shown in the
    editor on its 家庭成员 tab."""
    model = window.work.model
    for row in range(model.rowCount()):
        if int(model.data(model.index(row, PEOPLE))) < people:
            continue
        window.work.table.selectRow(row)
        qtbot.waitUntil(lambda row=row: window.household_id == model.ids[row])
        if "members" in _income(window).figures:
            editor = window.work.editor
            editor.tabs.setCurrentWidget(editor.members)
            return window.household_id
    raise AssertionError("no household to test with")


def _income(window):
    return window.work.check_panel.evaluation.criterion(1)


def _people(window) -> int:
    model = window.work.model
    return int(model.data(model.index(model.ids.index(window.household_id), PEOPLE)))


def _pick(qtbot, members, relation_not="户主") -> dict:
    """Select a member of today who is not the head, by clicking the row; returns it."""
    row = next(i for i, m in enumerate(members.model.members) if m["relation"] != relation_not)
    member = members.model.members[row]
    rect = members.table.visualRect(members.model.index(row, 0))
    qtbot.mouseClick(members.table.viewport(), Qt.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: members.member_id == member["id"])
    return member


def _leave_dialog(qtbot, members) -> RecordDialog:
    assert members.leave_button.isEnabled()
    qtbot.mouseClick(members.leave_button, Qt.LeftButton)
    dialog = members.findChildren(RecordDialog)[-1]
    assert dialog.isVisible() and dialog.windowTitle() == "成员离开"
    return dialog


def _intro(dialog) -> str:
    return dialog.findChildren(QLabel, options=Qt.FindDirectChildrenOnly)[0].text()


def _fill(qtbot, dialog, when: str, reason: str | None) -> None:
    type_text(qtbot, line_of(dialog.section, "left_date"), when)
    if reason:
        choose(combo_of(dialog.section, "left_reason"), reason)


def _ok(qtbot, dialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(box.button(QDialogButtonBox.Ok), Qt.LeftButton)


def test_a_member_who_leaves_stays_in_the_register_among_the_former_members(
    qtbot, make_window, demo_db
):
    window = make_window(demo_db)
    hid = _household(qtbot, window)
    members, store = window.work.editor.members, window.store
    n, people = _income(window).figures["members"], _people(window)
    former_before = len(members.former_model.members)
    member = _pick(qtbot, members)
    when = f"{window.year}-06-30"  # within the evaluation year: not among its members any more

    dialog = _leave_dialog(qtbot, members)
    assert line_of(dialog.section, "left_date").text() == date.today().isoformat()
    assert _intro(dialog).startswith(f"{member['name']}（{member['relation']}")
    _fill(qtbot, dialog, when, "迁出")
    _ok(qtbot, dialog)
    assert dialog.result() == RecordDialog.Accepted

    stored = store.get("members", member["id"])
    assert (stored["left_date"], stored["left_reason"]) == (when, "迁出")
    assert stored["deleted"] == 0 and stored["name"] == member["name"]  # left, not deleted
    # shown apart, among the former members, still selected with its fields
    assert member["id"] not in [m["id"] for m in members.model.members]
    assert [m["id"] for m in members.former_model.members].count(member["id"]) == 1
    assert len(members.former_model.members) == former_before + 1
    assert not members.former_box.isHidden()
    assert members.former_label.text() == f"已离开的成员（{former_before + 1}人）"
    fm = members.former_model
    row = [m["id"] for m in fm.members].index(member["id"])
    shown = [fm.data(fm.index(row, c)) for c in range(fm.columnCount())]
    assert shown[:4] == [member["name"], member["relation"], when, "迁出"]
    view = members.former_table  # and on screen, not in a pane of no height
    assert view.viewport().rect().contains(view.visualRect(fm.index(row, 0)))
    assert members.member_id == member["id"]
    assert line_of(members.form, "left_date").text() == when
    assert members.restore_button.isEnabled() and not members.leave_button.isEnabled()
    # the year's members exclude the member: the income per person and the table's 人数
    qtbot.waitUntil(lambda: _income(window).figures["members"] == n - 1)
    assert _people(window) == people - 1

    # one undo step, as for any edit
    stack = window.work.editing.undo_stack
    assert stack.undoText() == f"成员离开 {member['name']}"
    stack.undo()
    again = store.get("members", member["id"])
    assert (again["left_date"], again["left_reason"]) == (None, None)
    assert member["id"] in [m["id"] for m in members.model.members]
    qtbot.waitUntil(lambda: _income(window).figures["members"] == n)
    assert window.household_id == hid


def test_a_leave_during_a_visit_is_one_of_its_findings(qtbot, make_window, demo_db):
    window = make_window(demo_db)
    hid = _household(qtbot, window)
    editor = window.work.editor
    members = editor.members
    dialog = window.on_work_new_visit()
    type_text(qtbot, line_of(dialog.section, "purpose"), "核对家庭人口")
    dialog.try_accept()
    qtbot.waitUntil(lambda: window.work.editing.visit is not None)
    editor.tabs.setCurrentWidget(members)
    member = _pick(qtbot, members)
    when = f"{window.year}-03-08"
    dialog = _leave_dialog(qtbot, members)
    assert "走访进行中" in _intro(dialog)
    _fill(qtbot, dialog, when, "死亡")
    _ok(qtbot, dialog)
    assert dialog.result() == RecordDialog.Accepted
    end = editor.visits.end_visit_dialog()
    end.try_accept()
    qtbot.waitUntil(lambda: window.work.editing.visit is None)
    changes = visits_of(window.store, hid)[0]["changes"]
    assert [(c["member"], c["label"], c["old"], c["new"]) for c in changes] == [
        (member["name"], "离开日期", None, when),
        (member["name"], "离开原因", None, "死亡"),
    ]
    # the visit's before → after list names the member
    editor.visits.table.selectRow(0)
    assert f"{member['name']}：离开日期" in editor.visits.detail.toPlainText()


def test_a_refused_leave_keeps_the_dialog_open_and_changes_nothing(qtbot, make_window, demo_db):
    window = make_window(demo_db)
    _household(qtbot, window)
    members, store = window.work.editor.members, window.store
    member = _pick(qtbot, members)
    stack = window.work.editing.undo_stack
    steps = stack.count()
    before = dump(store)
    dialog = _leave_dialog(qtbot, members)

    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    _fill(qtbot, dialog, tomorrow, "迁出")
    _ok(qtbot, dialog)
    assert dialog.isVisible()
    assert message_of(dialog.section, "left_date") == (
        f"离开日期不能晚于今天（{date.today().isoformat()}）"
    )
    assert dump(store) == before

    type_text(qtbot, line_of(dialog.section, "left_date"), f"{window.year}-05-01")
    choose(combo_of(dialog.section, "left_reason"), "")
    _ok(qtbot, dialog)
    assert dialog.isVisible()
    assert message_of(dialog.section, "left_reason") == "请选择离开原因"
    assert dump(store) == before

    born = member["birth_date"]
    _fill(qtbot, dialog, "1900-01-01", "嫁出")
    _ok(qtbot, dialog)
    assert dialog.isVisible()
    assert born > "1900-01-01"
    assert message_of(dialog.section, "left_date") == "离开日期不能早于出生日期"
    assert dump(store) == before
    assert stack.count() == steps
    assert member["id"] in [m["id"] for m in members.model.members]
    dialog.reject()


def test_the_head_leaves_only_after_another_member_is_made_head(qtbot, make_window, demo_db):
    window = make_window(demo_db)
    _household(qtbot, window)
    members, store = window.work.editor.members, window.store
    head = _pick(qtbot, members, relation_not="配偶")  # the head comes first
    assert head["relation"] == "户主"
    before = dump(store)
    dialog = _leave_dialog(qtbot, members)
    _fill(qtbot, dialog, f"{window.year}-02-01", "死亡")
    _ok(qtbot, dialog)
    assert dialog.isVisible()
    assert "是户主：请先把留在本户的一名成员" in dialog.error.text()
    assert dump(store) == before
    dialog.reject()


def test_a_leave_recorded_by_mistake_is_undone_with_restore(
    qtbot, make_window, demo_db, monkeypatch
):
    asked, warned = [], []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.Yes
    )
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    window = make_window(demo_db)
    _household(qtbot, window)
    members, store = window.work.editor.members, window.store
    member = _pick(qtbot, members)
    dialog = _leave_dialog(qtbot, members)
    _fill(qtbot, dialog, f"{window.year}-09-09", "分户")
    _ok(qtbot, dialog)
    qtbot.waitUntil(lambda: members.restore_button.isEnabled())
    qtbot.mouseClick(members.restore_button, Qt.LeftButton)
    assert asked and member["name"] in asked[-1] and "分户" in asked[-1]
    assert warned == []
    again = store.get("members", member["id"])
    assert (again["left_date"], again["left_reason"]) == (None, None)
    assert member["id"] in [m["id"] for m in members.model.members]
    assert members.former_box.isHidden() or member["id"] not in [
        m["id"] for m in members.former_model.members
    ]
    assert window.work.editing.undo_stack.undoText() == f"恢复为在册成员 {member['name']}"


def test_deleting_a_member_points_to_the_leave(qtbot, make_window, demo_db, monkeypatch):
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.No
    )
    window = make_window(demo_db)
    _household(qtbot, window)
    members = window.work.editor.members
    member = _pick(qtbot, members)
    before = dump(window.store)
    qtbot.mouseClick(members.delete_button, Qt.LeftButton)
    assert asked and "如成员死亡、嫁出或迁出，请用“成员离开”，不要删除" in asked[0]
    assert dump(window.store) == before  # answered No
    assert member["id"] in [m["id"] for m in members.model.members]


def test_a_newborn_joins_on_the_birth_date(qtbot, make_window, demo_db):
    window = make_window(demo_db)
    _household(qtbot, window)
    members, store = window.work.editor.members, window.store
    n = len(members.model.members)

    def add(name: str, born: str, reason: str, joined: str = ""):
        qtbot.mouseClick(members.add_button, Qt.LeftButton)
        dialog = members.findChildren(RecordDialog)[-1]
        s = dialog.section
        assert "left_date" not in s.rows  # a leave is recorded with 成员离开
        type_text(qtbot, line_of(s, "name"), name)
        choose(combo_of(s, "relation"), "孙子女")
        type_text(qtbot, line_of(s, "birth_date"), born)
        choose(combo_of(s, "join_reason"), reason)
        if joined:
            type_text(qtbot, line_of(s, "joined_date"), joined)
        _ok(qtbot, dialog)
        return dialog

    dialog = add("李小宝", f"{window.year}-04-02", "出生")
    assert dialog.result() == RecordDialog.Accepted
    baby = store.get("members", members.member_id)
    assert baby["name"] == "李小宝"
    assert (baby["joined_date"], baby["join_reason"]) == (f"{window.year}-04-02", "出生")
    assert line_of(members.form, "joined_date").text() == f"{window.year}-04-02"
    assert len(members.model.members) == n + 1

    # joining before being born is refused, in Chinese, and the dialog stays open
    before = dump(store)
    dialog = add("李小贝", f"{window.year}-05-06", "迁入", f"{window.year}-01-01")
    assert dialog.isVisible()
    assert message_of(dialog.section, "joined_date") == "加入日期不能早于出生日期"
    assert dump(store) == before
    dialog.reject()
