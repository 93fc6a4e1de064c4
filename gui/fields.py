"""One input widget per field kind, and a form section rendered from a forms declaration."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from forms import fields as K
from forms.fields import Field, Form, blank, display
from forms.validation import check_value

from .guard import may_discard

ERROR_STYLE = "color: #c62828;"
INVALID_INPUT = "background: #ffebee; border: 1px solid #c62828;"


class FieldInput(QWidget):
    """The interface every kind's widget offers: raw(), set_value(), and two signals."""

    edited = Signal()  # the user changed the input (validate as they type)
    finished = Signal()  # the user is done with it (save when valid)

    def __init__(self, field: Field, parent=None):
        super().__init__(parent)
        self.field = field

    def raw(self):
        raise NotImplementedError

    def set_value(self, value) -> None:
        raise NotImplementedError

    def set_invalid(self, invalid: bool) -> None:
        pass

    def focus_widget(self) -> QWidget:
        return self

    def set_read_only(self, read_only: bool) -> None:
        self.setEnabled(not read_only)


class _UndoPassThrough(QObject):
    """Ctrl+Z in a line edit that holds the saved value undoes the last saved edit (the app's
    undo stack), not the line edit's own typing history."""

    def __init__(self, line: "LineInput"):
        super().__init__(line)
        self.line = line

    def eventFilter(self, obj, event):
        if event.type() == QEvent.ShortcutOverride and not self.line.pending():
            if (
                event.matches(QKeySequence.Undo)
                or event.matches(QKeySequence.Redo)
                or (
                    event.key() == Qt.Key_Z
                    and event.modifiers() == (Qt.ControlModifier | Qt.ShiftModifier)
                )
            ):
                event.ignore()
                return True
        return False


class LineInput(FieldInput):
    """Text, numbers, money, dates, ID numbers, phones and codes: typed as text, checked by
    forms.validation, so a wrong value stays visible with its message instead of vanishing."""

    PLACEHOLDER = {
        K.DATE: "yyyy-mm-dd",
        K.YEAR: "如 2016",
        K.ID_NUMBER: "18位身份证号",
        K.PHONE: "手机号或 区号-号码",
        K.DIVISION_CODE: "12位代码",
    }

    def __init__(self, field: Field, parent=None):
        super().__init__(field, parent)
        self.line = QLineEdit()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line, 1)
        if field.unit:
            layout.addWidget(QLabel(field.unit))
        self.line.setPlaceholderText(self.PLACEHOLDER.get(field.kind, ""))
        if field.kind in (K.ID_NUMBER, K.DIVISION_CODE):
            # all 18 (12) characters visible: a cut-off check digit cannot be checked by eye
            self.line.setMinimumWidth(self.line.fontMetrics().horizontalAdvance("0" * 18) + 10)
        if field.help:
            self.line.setToolTip(field.help)
        self.saved = ""
        self.line.textEdited.connect(lambda _t: self.edited.emit())
        self.line.editingFinished.connect(self._finished)
        self.line.installEventFilter(_UndoPassThrough(self))
        self.setFocusProxy(self.line)

    def _finished(self) -> None:
        if self.line.isReadOnly():
            return
        self.finished.emit()

    def pending(self) -> bool:
        return self.line.text() != self.saved

    def raw(self):
        return self.line.text()

    def set_value(self, value) -> None:
        self.saved = display(self.field, value)
        self.line.setText(self.saved)
        self.line.setCursorPosition(0)

    def set_invalid(self, invalid: bool) -> None:
        self.line.setStyleSheet(INVALID_INPUT if invalid else "")

    def focus_widget(self) -> QWidget:
        return self.line

    def set_read_only(self, read_only: bool) -> None:
        self.line.setReadOnly(read_only)


class ChoiceInput(FieldInput):
    """Enums, yes/no and references: a combo with a blank first item (= not filled in)."""

    def __init__(self, field: Field, parent=None, items: list[tuple[object, str]] | None = None):
        super().__init__(field, parent)
        self.combo = QComboBox()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo, 1)
        if field.help:
            self.combo.setToolTip(field.help)
        self.set_items(items if items is not None else self._default_items())
        self.combo.activated.connect(lambda _i: (self.edited.emit(), self.finished.emit()))
        self.setFocusProxy(self.combo)

    def _default_items(self) -> list[tuple[object, str]]:
        if self.field.kind == K.BOOL:
            return [(True, "是"), (False, "否")]
        return [(c, c) for c in self.field.choices]

    def set_items(self, items: list[tuple[object, str]]) -> None:
        """Choices as (stored value, label shown) pairs."""
        current = self.combo.currentData()
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem("", None)
        for value, label in items:
            self.combo.addItem(label, value)
        self._select(current)
        self.combo.blockSignals(False)

    def _select(self, value) -> None:
        i = self.combo.findData(value) if value is not None else 0
        if i < 0 and value is not None:  # a stored value that is no longer a choice: keep it
            self.combo.addItem(str(value), value)
            i = self.combo.count() - 1
        self.combo.setCurrentIndex(max(i, 0))

    def raw(self):
        return self.combo.currentData()

    def set_value(self, value) -> None:
        self.combo.blockSignals(True)
        self._select(value)
        self.combo.blockSignals(False)

    def focus_widget(self) -> QWidget:
        return self.combo


class MultiInput(FieldInput):
    """A list of choices as check boxes; none ticked = none (e.g. 无增收门路)."""

    def __init__(self, field: Field, parent=None):
        super().__init__(field, parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        self.boxes: list[QCheckBox] = []
        columns = 3
        for i, choice in enumerate(field.choices):
            box = QCheckBox(choice)
            box.clicked.connect(lambda _c: (self.edited.emit(), self.finished.emit()))
            grid.addWidget(box, i // columns, i % columns)
            self.boxes.append(box)
        if self.boxes:
            self.setFocusProxy(self.boxes[0])

    def raw(self):
        return [b.text() for b in self.boxes if b.isChecked()]

    def set_value(self, value) -> None:
        chosen = set(value or [])
        for b in self.boxes:
            b.setChecked(b.text() in chosen)


def make_input(field: Field, parent=None) -> FieldInput:
    """The widget factory: one input class per field kind."""
    if field.kind in (K.ENUM, K.BOOL, K.REF):
        return ChoiceInput(field, parent, [] if field.kind == K.REF else None)
    if field.kind == K.MULTI:
        return MultiInput(field, parent)
    return LineInput(field, parent)


class FieldRow(QObject):
    """A field's input plus the message shown next to it."""

    def __init__(self, field: Field, input_: FieldInput, message: QLabel):
        super().__init__(input_)
        self.field = field
        self.input = input_
        self.message = message

    def check(self) -> str | None:
        """Validate what is in the input now and show the message (or clear it)."""
        raw = self.input.raw()
        message = check_value(self.field, raw)
        self.show_message(message)
        return message

    def has_error(self) -> bool:
        """The input holds a refused value (checked on the label, not on what is on screen:
        a field on a tab not shown still holds its input)."""
        return not self.message.isHidden()

    def show_message(self, message: str | None) -> None:
        self.message.setText(message or "")
        self.message.setVisible(bool(message))
        self.input.set_invalid(bool(message))


# The save callback: (field key, raw input) -> None on success or the message to show.
SaveFn = Callable[[str, object], "str | None"]


class FormSection(QWidget):
    """Fields of one form, rendered from the declaration; validates as the user types and
    calls save(key, raw) when a valid value is finished. Invalid input stays, red, unsaved."""

    def __init__(
        self, form: Form, keys: tuple[str, ...] | None = None, parent=None, columns: int = 1
    ):
        super().__init__(parent)
        self.form = form
        self.rows: dict[str, FieldRow] = {}
        self.save: SaveFn | None = None
        self.enabled_record = False
        outer = QHBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        keys = keys or tuple(f.key for f in form.fields)
        per_column = -(-len(keys) // columns)
        for c in range(columns):
            layout = QFormLayout()
            layout.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
            layout.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
            layout.setVerticalSpacing(3)
            for key in keys[c * per_column : (c + 1) * per_column]:
                self._add(layout, form[key])
            outer.addLayout(layout, 1)

    def _add(self, layout: QFormLayout, field: Field) -> None:
        input_ = make_input(field, self)
        message = QLabel()
        message.setStyleSheet(ERROR_STYLE)
        message.setWordWrap(True)
        message.setVisible(False)
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(0)
        v.addWidget(input_)
        v.addWidget(message)
        label = QLabel(field.label + ("*" if field.required else ""))
        label.setBuddy(input_.focus_widget())
        if field.help:
            label.setToolTip(field.help)
        layout.addRow(label, box)
        row = FieldRow(field, input_, message)
        self.rows[field.key] = row
        input_.edited.connect(row.check)
        input_.finished.connect(lambda key=field.key: self._finished(key))

    def _finished(self, key: str) -> None:
        row = self.rows[key]
        if row.check() is not None or self.save is None:
            return  # never saved, never dropped: the text stays, red, with its message
        if isinstance(row.input, LineInput) and not row.input.pending():
            return
        message = self.save(key, row.input.raw())
        row.show_message(message)

    def set_record(self, record: dict | None) -> None:
        """Show a record's values (None: clear and disable)."""
        for key, row in self.rows.items():
            row.input.set_value(None if record is None else record.get(key))
            row.show_message(None)
        self.setEnabled(record is not None)

    def sync(self, record: dict, force: tuple[str, ...] = ()) -> None:
        """Show a record's stored values after a save or undo, but leave a field that holds
        refused input alone (unless it is the one that changed): it is never silently dropped."""
        for key, row in self.rows.items():
            typing = isinstance(row.input, LineInput) and row.input.pending()
            if key in force or not (row.has_error() or typing):
                row.input.set_value(record.get(key))
                row.show_message(None)

    def set_value(self, key: str, value) -> None:
        row = self.rows.get(key)
        if row is not None:
            row.input.set_value(value)
            row.show_message(None)

    def set_choices(self, key: str, items: list[tuple[str, object]]) -> None:
        row = self.rows.get(key)
        if row is not None and isinstance(row.input, ChoiceInput):
            row.input.set_items(items)

    def pending_invalid(self) -> list[str]:
        """Labels of fields holding input that was refused (and so not saved)."""
        return [r.field.label for r in self.rows.values() if r.has_error()]

    def may_discard(self, what: str) -> bool:
        """Before another record replaces this one's fields: True if nothing refused is
        pending, or the user agrees to give it up (never dropped without asking)."""
        return may_discard(self, self.pending_invalid(), what)

    def values(self) -> dict:
        """Raw input of every field (for a dialog that saves a whole record)."""
        return {k: r.input.raw() for k, r in self.rows.items()}

    def check_all(self) -> bool:
        ok = True
        for row in self.rows.values():
            if row.check() is not None:
                ok = False
        return ok

    def show_problems(self, problems) -> None:
        for p in problems:
            row = self.rows.get(p.field)
            if row is not None:
                row.show_message(p.message)

    def focus(self, key: str) -> bool:
        row = self.rows.get(key)
        if row is None:
            return False
        w = row.input.focus_widget()
        w.setFocus(Qt.OtherFocusReason)
        return True


def is_blank(value) -> bool:
    return blank(value) or value == []
