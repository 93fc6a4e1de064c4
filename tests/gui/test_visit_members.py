"""A member who joins or leaves the household during a visit is one of the visit's findings."""

from PySide6.QtWidgets import QMessageBox

from gui.dialogs import RecordDialog
from storage.activity import visits_of

from .helpers import choose, combo_of, line_of, type_text


def test_member_added_and_deleted_during_a_visit_are_recorded(
    qtbot, make_window, demo_db, monkeypatch
):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    window = make_window(demo_db)
    qtbot.waitUntil(lambda: window.household_id is not None)
    hid, editor = window.household_id, window.work.editor
    dialog = window.on_work_new_visit()
    type_text(qtbot, line_of(dialog.section, "purpose"), "核对家庭成员信息")
    dialog.try_accept()
    qtbot.waitUntil(lambda: window.work.editing.visit is not None)
    # a newborn joins
    members = editor.members
    members.add_member_dialog()
    dialog = members.findChildren(RecordDialog)[-1]
    type_text(qtbot, line_of(dialog.section, "name"), "李小宝")
    choose(combo_of(dialog.section, "relation"), "孙子女")
    dialog.try_accept()
    qtbot.waitUntil(lambda: any(m["name"] == "李小宝" for m in members.model.members))
    # and the newborn's record is deleted again (entered by mistake)
    row = next(i for i, m in enumerate(members.model.members) if m["name"] == "李小宝")
    members.table.selectRow(row)
    qtbot.waitUntil(
        lambda: (
            members.member_id is not None
            and any(
                m["id"] == members.member_id and m["name"] == "李小宝"
                for m in members.model.members
            )
        )
    )
    members.delete_current()
    end = editor.visits.end_visit_dialog()
    end.try_accept()
    qtbot.waitUntil(lambda: window.work.editing.visit is None)
    changes = visits_of(window.store, hid)[0]["changes"]
    assert [(c["label"], c["old"], c["new"]) for c in changes] == [
        ("家庭成员", None, "李小宝"),
        ("家庭成员", "李小宝", None),
    ]
