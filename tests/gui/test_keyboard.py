"""Keyboard-only entry: Tab walks the fields in their declared order, Enter confirms."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from forms.entities import VILLAGE
from gui.dialogs import RecordDialog

from .helpers import type_text


def test_tab_order_follows_the_form_and_enter_confirms(qtbot):
    submitted = []
    keys = ("code", "name", "township", "county")
    dialog = RecordDialog("新建村", VILLAGE, keys, lambda values: submitted.append(values) or [])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    rows = dialog.section.rows
    rows["code"].input.line.setFocus()
    typed = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}
    for i, key in enumerate(keys):
        line = rows[key].input.line
        qtbot.waitUntil(lambda line=line: QApplication.focusWidget() is line)
        type_text(qtbot, line, typed[key])
        if i < len(keys) - 1:
            qtbot.keyClick(line, Qt.Key_Tab)
    qtbot.keyClick(rows["county"].input.line, Qt.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert submitted == [typed]


def test_enter_on_a_wrong_value_keeps_the_dialog_open_with_the_message(qtbot):
    submitted = []
    dialog = RecordDialog(
        "新建村", VILLAGE, ("code", "name"), lambda values: submitted.append(values) or []
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    line = dialog.section.rows["code"].input.line
    type_text(qtbot, line, "6211")
    qtbot.keyClick(line, Qt.Key_Return)
    assert dialog.isVisible() and submitted == []
    assert dialog.section.rows["code"].has_error()
    assert line.text() == "6211"  # nothing typed is lost
