"""Saving one field at a time through storage, with undo/redo and the open visit's findings."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from forms.entities import FORMS
from forms.validation import parse_value
from storage.activity import add_visit_changes
from storage.db import StorageError, Store
from storage.register import ValidationError, set_finance, update_record

from .fields import display


class FieldEdit(QUndoCommand):
    """One saved field edit. Undo is another update_record back to the old value, so the undo
    is logged with the operator like any edit ("保留每一次修改的痕迹")."""

    def __init__(
        self, editing: "Editing", entity: str, record_id: str, household_id: str, key: str, old, new
    ):
        label = FORMS[entity][key].label
        super().__init__(editing.tr("修改 {0}").format(label))
        self.editing = editing
        self.entity, self.record_id, self.household_id = entity, record_id, household_id
        self.key, self.old, self.new = key, old, new
        self.applied = True  # pushed after the first save succeeded

    def _apply(self, value, previous) -> None:
        try:
            update_record(self.editing.store, self.entity, self.record_id, {self.key: value})
        except StorageError as e:
            self.editing.failed.emit(str(e))
            return
        self.editing.after_write(
            self.entity, self.record_id, self.household_id, self.key, previous, value
        )

    def redo(self) -> None:
        if self.applied:
            self.applied = False
            return
        self._apply(self.new, self.old)

    def undo(self) -> None:
        self._apply(self.old, self.new)


class Editing(QObject):
    """The edit path the editor uses: validate, save, push on the undo stack, tell the views."""

    changed = Signal(str, str, str, str)  # entity, record id, household id, field key
    failed = Signal(str)

    def __init__(self, store: Store, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.undo_stack = QUndoStack(self)
        self.visit: dict | None = None  # {"id", "household_id"} while a visit is open

    def save(self, entity: str, record_id: str, household_id: str, key: str, raw) -> str | None:
        """Save one field; None on success, else the message to show next to the field."""
        problems = self.save_record(entity, record_id, household_id, {key: raw})
        if not problems:
            return None
        if isinstance(problems, str):
            return problems
        return next(
            (p.message for p in problems if p.field == key), "；".join(p.message for p in problems)
        )

    def save_record(self, entity: str, record_id: str, household_id: str, changes: dict):
        """Save several fields of one record at once (a measure marked done with its date, an
        ID number with the birth date it sets): one undo step, each field a visit finding.
        Returns None, or the problems (a list of Problem, or a message)."""
        try:
            diff = update_record(self.store, entity, record_id, changes)
        except ValidationError as e:
            return e.problems or str(e)
        except StorageError as e:
            return str(e)
        if len(diff) > 1:
            key = next(iter(changes))
            self.undo_stack.beginMacro(self.tr("修改 {0}").format(FORMS[entity][key].label))
        for k, (old, new) in diff.items():
            self._push(entity, record_id, household_id, k, old, new)
        if len(diff) > 1:
            self.undo_stack.endMacro()
        return None

    def save_finance(self, household_id: str, year: int, key: str, raw) -> str | None:
        """A field of the household's income and expenditure for a year (record made on need)."""
        existing = self.store.find(
            "finances", "household_id = ? and year = ?", [household_id, year]
        )
        if existing:
            return self.save("finance", existing[0]["id"], household_id, key, raw)
        try:
            fid = set_finance(self.store, household_id, year, {key: raw})
        except ValidationError as e:
            return "；".join(p.message for p in e.problems) or str(e)
        new = self.store.get("finances", fid).get(key)
        self._push("finance", fid, household_id, key, None, new)
        return None

    def _push(self, entity, record_id, household_id, key, old, new) -> None:
        self.undo_stack.push(FieldEdit(self, entity, record_id, household_id, key, old, new))
        self.after_write(entity, record_id, household_id, key, old, new)

    def member_joined_or_left(
        self, household_id: str, member_id: str, name: str, joined: bool
    ) -> None:
        """A member added or deleted: during a visit, one of its findings (家庭成员 前 → 后)."""
        if self.visit and self.visit["household_id"] == household_id:
            add_visit_changes(
                self.store,
                self.visit["id"],
                [
                    {
                        "entity": "member",
                        "record_id": member_id,
                        "field": "member",
                        "label": self.tr("家庭成员"),
                        "old": None if joined else name,
                        "new": name if joined else None,
                    }
                ],
            )

    def after_write(self, entity, record_id, household_id, key, old, new) -> None:
        if self.visit and self.visit["household_id"] == household_id:
            field = FORMS[entity][key]
            add_visit_changes(
                self.store,
                self.visit["id"],
                [
                    {
                        "entity": entity,
                        "record_id": record_id,
                        "field": key,
                        "label": field.label,
                        "old": _plain(field, old),
                        "new": _plain(field, new),
                    }
                ],
            )
        self.changed.emit(entity, record_id, household_id, key)


def _plain(field, value):
    """A value as it reads in a visit's before → after list."""
    if value is None:
        return None
    try:
        value = parse_value(field, value) if not isinstance(value, (list, bool)) else value
    except ValueError:
        pass
    return display(field, value)
