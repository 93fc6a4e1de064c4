"""The 疑点 dialog, driven offscreen: select a member's row, click a decision, and the register
follows; a refused decision is shown in the dialog and changes nothing."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from gui.duplicates_dialog import DuplicatesDialog
from gui.editing import Editing
from storage import register as R
from storage.db import open_store
from storage.interchange import FORMAT, import_register
from tests.dumps import dump

SHARED = "11010519491231002X"
RIGHT = "621102195803120012"
QINGLING = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}
DONGCHUAN = {"code": "621102100305", "name": "东川村", "township": "凤翔镇", "county": "安定区"}


@pytest.fixture
def store(tmp_path):
    """王建国 heads a household in 青岭村 and stands again, as a son, in 东川村's 0007."""
    store = open_store(tmp_path / "county.db", create=True, role="county", operator="县扶贫办")
    import_register(
        store,
        {
            "format": FORMAT,
            "villages": [QINGLING, DONGCHUAN],
            "households": [
                {
                    "village_code": QINGLING["code"],
                    "household_no": "0001",
                    "group": "一社",
                    "status": "未脱贫",
                    "members": [{"name": "王建国", "relation": "户主", "id_number": SHARED}],
                },
                {
                    "village_code": DONGCHUAN["code"],
                    "household_no": "0007",
                    "group": "三社",
                    "status": "未脱贫",
                    "members": [
                        {"name": "李桂兰", "relation": "户主", "id_number": "621102195204180224"},
                        {"name": "王建国", "relation": "子", "id_number": SHARED},
                    ],
                },
            ],
        },
    )
    yield store
    store.close()


def _dialog(qtbot, store):
    editing = Editing(store)
    dialog = DuplicatesDialog(editing, store)
    qtbot.addWidget(dialog)
    dialog.show()
    return editing, dialog


def _row_of(dialog, village):
    for r in range(dialog.table.rowCount()):
        if dialog.table.item(r, 3).text() == village:
            return r
    raise AssertionError(village)


def _click_row(qtbot, dialog, row):
    rect = dialog.table.visualItemRect(dialog.table.item(row, 1))
    qtbot.mouseClick(dialog.table.viewport(), Qt.LeftButton, pos=rect.center())


def _member_in(store, code, name):
    village = R.find_village(store, code)
    for h in R.households_of(store, village["id"]):
        for m in R.members_of(store, h["id"]):
            if m["name"] == name:
                return m
    return None


def test_the_dialog_lists_the_pair_and_keeps_the_chosen_household(qtbot, store, monkeypatch):
    editing, dialog = _dialog(qtbot, store)
    cells = [
        [dialog.table.item(r, c).text() for c in range(dialog.table.columnCount())]
        for r in range(dialog.table.rowCount())
    ]
    assert sorted(cells) == [
        [SHARED, "王建国", "李桂兰", "东川村", "三社", "0007"],
        [SHARED, "王建国", "王建国", "青岭村", "一社", "0001"],
    ]
    assert not dialog.same_button.isEnabled()  # nothing selected yet
    seen = []
    editing.changed.connect(seen.append)
    # When the clerk selects 青岭村's row and clicks 同一人：保留此户 (and confirms)
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.Yes
    )
    _click_row(qtbot, dialog, _row_of(dialog, "青岭村"))
    assert dialog.same_button.isEnabled()
    kept = _member_in(store, QINGLING["code"], "王建国")
    qtbot.mouseClick(dialog.same_button, Qt.LeftButton)
    # Then 王建国 stays in 青岭村 and has left 东川村's 0007, and the list is empty
    assert "东川村0007号户" in asked[0]
    assert store.get("members", kept["id"]) is not None
    assert _member_in(store, DONGCHUAN["code"], "王建国") is None
    assert [
        m["name"]
        for m in R.members_of(store, _member_in(store, DONGCHUAN["code"], "李桂兰")["household_id"])
    ] == ["李桂兰"]
    assert dialog.table.rowCount() == 0 and "已记录：同一人" in dialog.message.text()
    assert seen and seen[-1].members  # the views were told


def test_a_wrong_number_is_corrected_and_a_bad_one_refused(qtbot, store, monkeypatch):
    editing, dialog = _dialog(qtbot, store)
    typed = iter(["11010519491231002", RIGHT])  # first one digit short, then right
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (next(typed), True))
    _click_row(qtbot, dialog, _row_of(dialog, "东川村"))
    son = _member_in(store, DONGCHUAN["code"], "王建国")
    before = dump(store)
    # a bad new number: refused with the validation message, nothing changed, row still there
    qtbot.mouseClick(dialog.different_button, Qt.LeftButton)
    assert "身份证号应为18位" in dialog.message.text()
    assert dump(store) == before and dialog.table.rowCount() == 2
    # the right one: stored, birth date and sex from it, the 疑点 gone
    dialog.note.setText("核对户口本")
    _click_row(qtbot, dialog, _row_of(dialog, "东川村"))
    qtbot.mouseClick(dialog.different_button, Qt.LeftButton)
    now = store.get("members", son["id"])
    assert (now["id_number"], now["birth_date"]) == (RIGHT, "1958-03-12")
    assert dialog.table.rowCount() == 0 and "已更正" in dialog.message.text()
    (decision,) = store.db.execute(
        "select decision, corrected_member_id, note from duplicate_decisions"
    ).fetchall()
    assert decision == ("different", son["id"], "核对户口本")


def test_a_cancelled_or_refused_decision_changes_nothing(qtbot, store, monkeypatch):
    head = _member_in(store, QINGLING["code"], "王建国")
    R.add_member(store, head["household_id"], {"name": "李秀英", "relation": "配偶"})
    editing, dialog = _dialog(qtbot, store)
    before = dump(store)
    _click_row(qtbot, dialog, _row_of(dialog, "东川村"))
    # the clerk says no to the confirmation
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.No)
    qtbot.mouseClick(dialog.same_button, Qt.LeftButton)
    assert dump(store) == before and dialog.table.rowCount() == 2
    # keeping 东川村's would leave 青岭村's 0001 (with 李秀英) without its head: refused
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    qtbot.mouseClick(dialog.same_button, Qt.LeftButton)
    assert "是青岭村一社0001号户的户主" in dialog.message.text()
    assert dump(store) == before and dialog.table.rowCount() == 2
