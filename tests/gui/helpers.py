"""Driving real widgets: typing (Chinese through the input method), choosing, dialogs."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit


def type_text(qtbot, line: QLineEdit, text: str, *, finish: bool = False) -> None:
    """Replace the text as a user would. qtbot.keyClicks aborts pytest on Chinese (PITFALLS),
    so non-ASCII text is committed through a QInputMethodEvent, as an IME does."""
    line.setFocus()
    line.selectAll()
    qtbot.keyClick(line, Qt.Key_Backspace)
    if text.isascii():
        qtbot.keyClicks(line, text)
    else:
        event = QInputMethodEvent("", [])
        event.setCommitString(text)
        QApplication.sendEvent(line, event)
    assert line.text() == text
    if finish:
        qtbot.keyClick(line, Qt.Key_Return)


def choose(combo: QComboBox, text: str) -> None:
    """Pick an item by its text, emitting the signal the user's pick emits."""
    i = combo.findText(text)
    assert i >= 0, f"{text!r} not in {[combo.itemText(k) for k in range(combo.count())]}"
    combo.setCurrentIndex(i)
    combo.activated.emit(i)


def line_of(section, key: str) -> QLineEdit:
    return section.rows[key].input.line


def combo_of(section, key: str) -> QComboBox:
    return section.rows[key].input.combo


def message_of(section, key: str) -> str:
    row = section.rows[key]
    return row.message.text() if row.has_error() else ""
