"""The 家庭成员 tab: the household's members in a table, the selected one in a form."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from forms.entities import MEMBER
from forms.validation import derive_member, validate_record
from storage.register import members_of

from .dialogs import RecordDialog
from .editing import Editing
from .fields import FormSection, display
from .guard import ask, warn

COLUMNS = (
    "name",
    "relation",
    "sex",
    "birth_date",
    "id_number",
    "school_status",
    "health",
    "labor_ability",
)


class MembersModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.members: list[dict] = []

    def set_members(self, members: list[dict]) -> None:
        self.beginResetModel()
        self.members = list(members)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.members)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal and 0 <= section < len(COLUMNS):
            return MEMBER[COLUMNS[section]].label
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.members):
            return None
        if role == Qt.DisplayRole:
            key = COLUMNS[index.column()]
            return display(MEMBER[key], self.members[index.row()].get(key))
        if role == Qt.UserRole:
            return self.members[index.row()]["id"]
        return None


class MembersTab(QWidget):
    def __init__(self, editing: Editing, parent=None):
        super().__init__(parent)
        self.editing = editing
        self.household_id: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        split = QSplitter(Qt.Vertical)
        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        self.model = MembersModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        tl.addWidget(self.table)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("添加成员…"))
        self.add_button.clicked.connect(self.add_member_dialog)
        self.delete_button = QPushButton(self.tr("删除成员"))
        self.delete_button.clicked.connect(self.delete_current)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        tl.addLayout(buttons)
        split.addWidget(top)
        keys = tuple(k for k in MEMBER.keys if k != "household_id")
        self.form = FormSection(MEMBER, keys, columns=2)
        self.form.save = self._save
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        split.addWidget(scroll)
        split.setSizes([140, 220])
        layout.addWidget(split)
        self.member_id: str | None = None

    def set_household(self, household_id: str | None, keep_member: str | None = None) -> None:
        self.household_id = household_id
        members = members_of(self.editing.store, household_id) if household_id else []
        self.model.set_members(members)
        self.add_button.setEnabled(household_id is not None)
        target = keep_member if keep_member else (members[0]["id"] if members else None)
        self.select(target)

    def select(self, member_id: str | None) -> None:
        row = next((i for i, m in enumerate(self.model.members) if m["id"] == member_id), -1)
        if row >= 0:
            self.table.selectRow(row)
            self.table.setCurrentIndex(self.model.index(row, 0))
        self._show(member_id if row >= 0 else None)

    def _row_changed(self, current, _previous) -> None:
        mid = current.data(Qt.UserRole) if current.isValid() else None
        if mid == self.member_id:
            return
        if not self.form.may_discard(self.tr("另一名成员")):
            row = next(
                (i for i, m in enumerate(self.model.members) if m["id"] == self.member_id), -1
            )
            sm = self.table.selectionModel()
            sm.blockSignals(True)  # back to the member being edited, input kept
            if row >= 0:
                self.table.selectRow(row)
                self.table.setCurrentIndex(self.model.index(row, 0))
            sm.blockSignals(False)
            return
        self._show(mid)

    def _show(self, member_id: str | None) -> None:
        self.member_id = member_id
        record = next((m for m in self.model.members if m["id"] == member_id), None)
        self.form.set_record(record)
        self.delete_button.setEnabled(record is not None)

    def _save(self, key: str, raw) -> str | None:
        if not self.member_id:
            return None
        return self.editing.save("member", self.member_id, self.household_id, key, raw)

    def refresh(self, force: tuple[str, ...] = ()) -> None:
        """Reload after a save or undo (an ID number may have filled sex and birth date),
        keeping refused input in the form where it is."""
        members = members_of(self.editing.store, self.household_id) if self.household_id else []
        member_id = self.member_id
        self.model.set_members(members)
        record = next((m for m in members if m["id"] == member_id), None)
        if record is None:
            self.select(members[0]["id"] if members else None)
            return
        row = members.index(record)
        self.table.blockSignals(True)
        self.table.selectRow(row)
        self.table.blockSignals(False)
        self.form.sync(record, force)

    def focus_member_field(self, member_id: str | None, key: str) -> bool:
        if member_id:
            self.select(member_id)
        return self.form.focus(key)

    def add_member_dialog(self) -> RecordDialog | None:
        """Open the 添加家庭成员 dialog (window-modal, not blocking); returns it."""
        if not self.household_id:
            return None
        keys = tuple(k for k in MEMBER.keys if k != "household_id")
        household_id = self.household_id

        def submit(values: dict):
            record = derive_member({**values, "household_id": household_id})
            problems = validate_record(MEMBER, record)
            if problems:
                return problems
            outcome = self.editing.add_member(household_id, values)
            dialog.result_value = outcome.created
            return outcome.problems

        dialog = RecordDialog(self.tr("添加家庭成员"), MEMBER, keys, submit, self, columns=2)
        dialog.setAttribute(Qt.WA_DeleteOnClose)

        def added() -> None:
            if household_id == self.household_id:
                self.select(dialog.result_value)

        dialog.accepted.connect(added)
        dialog.open()
        return dialog

    def delete_current(self) -> None:
        if not self.member_id:
            return
        record = next((m for m in self.model.members if m["id"] == self.member_id), {})
        if not ask(
            self,
            self.tr("删除成员"),
            self.tr("确定删除家庭成员 {0}？删除记入修改日志。").format(record.get("name")),
        ):
            return
        outcome = self.editing.remove_member(self.household_id, self.member_id)
        if outcome.problems:
            warn(self, self.tr("不能删除"), outcome.message())
