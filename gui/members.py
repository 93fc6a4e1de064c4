"""The 家庭成员 tab: the household's members in a table, those who left (已离开的成员) apart below
it, the selected one in a form; 成员离开 records a leave, which never deletes the member."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractTableModel, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from forms.entities import MEMBER
from forms.history import has_left
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
# Former members: who, when and why they left (and joined, when they did).
FORMER_COLUMNS = (
    "name",
    "relation",
    "left_date",
    "left_reason",
    "joined_date",
    "join_reason",
    "birth_date",
)
# A new member's fields; a leave is recorded afterwards with 成员离开 (date and reason checked).
ADD_KEYS = tuple(k for k in MEMBER.keys if k not in ("household_id", "left_date", "left_reason"))
FORMER_ROWS = 2  # former members shown without scrolling when their pane comes back


class MembersModel(QAbstractTableModel):
    def __init__(self, parent=None, columns: tuple[str, ...] = COLUMNS):
        super().__init__(parent)
        self.columns = columns
        self.members: list[dict] = []

    def set_members(self, members: list[dict]) -> None:
        self.beginResetModel()
        self.members = list(members)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.members)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if (
            role == Qt.DisplayRole
            and orientation == Qt.Horizontal
            and 0 <= section < len(self.columns)
        ):
            return MEMBER[self.columns[section]].label
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.members):
            return None
        if role == Qt.DisplayRole:
            key = self.columns[index.column()]
            return display(MEMBER[key], self.members[index.row()].get(key))
        if role == Qt.UserRole:
            return self.members[index.row()]["id"]
        return None


def _table(model: MembersModel) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setSelectionMode(QAbstractItemView.SingleSelection)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)  # compact
    return table


class MembersTab(QWidget):
    def __init__(self, editing: Editing, parent=None):
        super().__init__(parent)
        self.editing = editing
        self.household_id: str | None = None
        self.member_id: str | None = None
        self._placing = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        self.split = split = QSplitter(Qt.Vertical)
        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        self.model = MembersModel(self)
        self.table = _table(self.model)
        tl.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("添加成员…"))
        self.add_button.clicked.connect(self.add_member_dialog)
        self.leave_button = QPushButton(self.tr("成员离开…"))
        self.leave_button.setToolTip(
            self.tr("死亡、嫁出、迁出等：登记离开日期和原因，成员记录保留在档案中")
        )
        self.leave_button.clicked.connect(self.leave_dialog)
        self.delete_button = QPushButton(self.tr("删除成员"))
        self.delete_button.setToolTip(self.tr("只用于删除录入错误的记录"))
        self.delete_button.clicked.connect(self.delete_current)
        for b in (self.add_button, self.leave_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        tl.addLayout(buttons)

        # 已离开的成员: apart from today's members, smaller, hidden when there are none.
        self.former_box = QWidget()
        fl = QVBoxLayout(self.former_box)
        fl.setContentsMargins(0, 4, 0, 0)
        fl.setSpacing(2)
        head = QHBoxLayout()
        self.former_label = QLabel()
        self.former_label.setStyleSheet("font-weight:bold; color:#616161;")
        self.restore_button = QPushButton(self.tr("恢复为在册成员"))
        self.restore_button.setToolTip(self.tr("离开登记有误时使用：清除离开日期和原因"))
        self.restore_button.clicked.connect(self.restore_current)
        head.addWidget(self.former_label)
        head.addStretch(1)
        head.addWidget(self.restore_button)
        fl.addLayout(head)
        self.former_model = MembersModel(self, FORMER_COLUMNS)
        self.former_table = _table(self.former_model)
        self.former_table.setStyleSheet("QTableView { color:#616161; }")
        fl.addWidget(self.former_table)
        split.addWidget(top)
        split.addWidget(self.former_box)

        for table in (self.table, self.former_table):
            table.selectionModel().currentRowChanged.connect(
                lambda current, _previous, table=table: self._row_changed(table, current)
            )
        keys = tuple(k for k in MEMBER.keys if k != "household_id")
        self.form = FormSection(MEMBER, keys, columns=2)
        self.form.save = self._save
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        split.addWidget(scroll)
        # today's members, the former ones, the form: room for four, two and a few fields in the
        # ~350 px the tab has on a 1366×768 laptop; the handles move them
        split.setSizes([165, 100, 90])
        for i, stretch in enumerate((3, 1, 4)):
            split.setStretchFactor(i, stretch)
        split.setChildrenCollapsible(False)
        layout.addWidget(split)
        self._show(None)

    # -- the two lists -------------------------------------------------------------------------
    @property
    def members(self) -> list[dict]:
        """Every member of the household: today's, then the former ones."""
        return self.model.members + self.former_model.members

    def _load(self) -> list[dict]:
        members = members_of(self.editing.store, self.household_id) if self.household_id else []
        today = date.today()
        self.model.set_members([m for m in members if not has_left(m, today)])
        former = [m for m in members if has_left(m, today)]
        former.sort(key=lambda m: m.get("left_date") or "", reverse=True)  # latest first
        self.former_model.set_members(former)
        self.former_label.setText(self.tr("已离开的成员（{0}人）").format(len(former)))
        self.former_box.setVisible(bool(former))
        if former:
            self._fit_former(len(former))
        return self.members

    def _fit_former(self, rows: int) -> None:
        """Room for the former members (up to FORMER_ROWS of them): a pane shown again after
        it was hidden comes back with no height. Taken from the other two panes in proportion."""
        sizes = self.split.sizes()
        total = sum(sizes)
        table = self.former_table
        want = (
            max(self.former_label.sizeHint().height(), self.restore_button.sizeHint().height())
            + 6
            + table.horizontalHeader().sizeHint().height()
            + 2 * table.frameWidth()
            + min(rows, FORMER_ROWS) * table.verticalHeader().defaultSectionSize()
        )
        want = min(want, total // 3)
        if total <= 0 or sizes[1] >= want:
            return  # not laid out yet (the first sizes stand), or room enough
        rest = total - want
        top = round(rest * sizes[0] / (sizes[0] + sizes[2])) if sizes[0] + sizes[2] else rest // 2
        self.split.setSizes([top, want, rest - top])

    def _place(self, member_id: str | None) -> bool:
        """Mark the member's row in its table (no signal) and clear the other table."""
        found = False
        self._placing = True  # the views see the change; _row_changed ignores it
        try:
            for table, model in (
                (self.table, self.model),
                (self.former_table, self.former_model),
            ):
                row = next((i for i, m in enumerate(model.members) if m["id"] == member_id), -1)
                sm = table.selectionModel()
                if row >= 0:
                    table.selectRow(row)
                    table.setCurrentIndex(model.index(row, 0))
                    found = True
                else:
                    sm.clearSelection()
                    sm.setCurrentIndex(QModelIndex(), QItemSelectionModel.NoUpdate)
        finally:
            self._placing = False
        return found

    def _record(self) -> dict | None:
        return next((m for m in self.members if m["id"] == self.member_id), None)

    # -- choosing a member ---------------------------------------------------------------------
    def set_household(self, household_id: str | None, keep_member: str | None = None) -> None:
        self.household_id = household_id
        members = self._load()
        self.add_button.setEnabled(household_id is not None)
        target = keep_member if keep_member else (members[0]["id"] if members else None)
        self.select(target)

    def select(self, member_id: str | None) -> None:
        found = self._place(member_id)
        self._show(member_id if found else None)

    def _row_changed(self, table: QTableView, current) -> None:
        mid = current.data(Qt.UserRole) if current.isValid() else None
        if self._placing or mid is None or mid == self.member_id:
            return
        if not self.form.may_discard(self.tr("另一名成员")):
            self._place(self.member_id)  # back to the member being edited, input kept
            return
        self._place(mid)
        self._show(mid)

    def _show(self, member_id: str | None) -> None:
        self.member_id = member_id
        record = self._record()
        self.form.set_record(record)
        self._buttons(record)

    def _buttons(self, record: dict | None) -> None:
        former = record is not None and has_left(record)
        self.delete_button.setEnabled(record is not None)
        self.leave_button.setEnabled(record is not None and not former)
        self.restore_button.setEnabled(former)

    def _save(self, key: str, raw) -> str | None:
        if not self.member_id:
            return None
        return self.editing.save("member", self.member_id, self.household_id, key, raw)

    def refresh(self, force: tuple[str, ...] = ()) -> None:
        """Reload after a save or undo (an ID number may have filled sex and birth date; a
        member who left moves to the former list, still selected), keeping refused input in
        the form where it is."""
        members = self._load()
        record = next((m for m in members if m["id"] == self.member_id), None)
        if record is None:
            self.select(members[0]["id"] if members else None)
            return
        self._place(record["id"])
        self.form.sync(record, force)
        self._buttons(record)

    def focus_member_field(self, member_id: str | None, key: str) -> bool:
        if member_id:
            self.select(member_id)
        return self.form.focus(key)

    # -- joining, leaving, a record entered by mistake -----------------------------------------
    def add_member_dialog(self) -> RecordDialog | None:
        """Open the 添加家庭成员 dialog (window-modal, not blocking); returns it. A newborn
        (加入原因 出生) without 加入日期 joins on the birth date (forms.validation.derive_member)."""
        if not self.household_id:
            return None
        household_id = self.household_id

        def submit(values: dict):
            record = derive_member({**values, "household_id": household_id})
            problems = validate_record(MEMBER, record)
            if problems:
                return problems
            outcome = self.editing.add_member(household_id, values)
            dialog.result_value = outcome.created
            return outcome.problems

        dialog = RecordDialog(
            self.tr("添加家庭成员"),
            MEMBER,
            ADD_KEYS,
            submit,
            self,
            columns=2,
            intro=self.tr(
                "新加入的成员请填写加入日期和加入原因（出生、娶入/嫁入、迁入等；新生儿不填加入"
                "日期时按出生日期）。原有成员可不填。"
            ),
        )
        dialog.setAttribute(Qt.WA_DeleteOnClose)

        def added() -> None:
            if household_id == self.household_id:
                self.select(dialog.result_value)

        dialog.accepted.connect(added)
        dialog.open()
        return dialog

    def leave_dialog(self) -> RecordDialog | None:
        """成员离开 for the selected member of today (window-modal, not blocking): 离开日期
        (today by default) and 离开原因, both required; a refusal keeps the dialog open with
        its message (storage.operations.member_leaves). Returns the dialog."""
        record = self._record()
        if record is None or has_left(record) or not self.household_id:
            return None
        household_id, name = self.household_id, record.get("name") or ""

        def submit(values: dict):
            return self.editing.member_leaves(
                household_id, record["id"], values.get("left_date"), values.get("left_reason"), name
            ).problems

        known = [
            f"{MEMBER[k].label} {record[k]}" for k in ("birth_date", "joined_date") if record.get(k)
        ]
        intro = self.tr(
            "{0}（{1}{2}）离开本户：成员记录保留在档案中，列入“已离开的成员”，离开日期起不再"
            "计入家庭人口。离开日期和离开原因均须填写。"
        ).format(name, record.get("relation") or "", "，" + "，".join(known) if known else "")
        visit = self.editing.visit
        if visit and visit["household_id"] == household_id:
            intro += self.tr("\n走访进行中：本次离开记为走访的发现。")
        dialog = RecordDialog(
            self.tr("成员离开"),
            MEMBER,
            ("left_date", "left_reason"),
            submit,
            self,
            values={"left_date": date.today().isoformat()},
            intro=intro,
        )
        for label in dialog.section.findChildren(QLabel):  # both are required here
            if label.text() in (MEMBER["left_date"].label, MEMBER["left_reason"].label):
                label.setText(label.text() + "*")
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.setMinimumWidth(420)
        dialog.open()
        return dialog

    def restore_current(self) -> None:
        """恢复为在册成员: a leave recorded by mistake is cleared (an undo step like any edit)."""
        record = self._record()
        if record is None or not has_left(record):
            return
        if not ask(
            self,
            self.tr("恢复为在册成员"),
            self.tr(
                "把 {0} 恢复为在册成员？将清除离开日期（{1}）和离开原因（{2}），只用于更正误登记"
                "的离开。"
            ).format(record.get("name"), record.get("left_date"), record.get("left_reason") or ""),
        ):
            return
        outcome = self.editing.member_returns(self.household_id, record["id"], record.get("name"))
        if outcome.problems:
            warn(self, self.tr("不能恢复"), outcome.message())

    def delete_current(self) -> None:
        record = self._record()
        if record is None:
            return
        text = self.tr("确定删除家庭成员 {0}？删除只用于录入错误的记录，记入修改日志。").format(
            record.get("name")
        )
        if not has_left(record):
            text += "\n\n" + self.tr("如成员死亡、嫁出或迁出，请用“成员离开”，不要删除。")
        if not ask(self, self.tr("删除成员"), text):
            return
        outcome = self.editing.remove_member(self.household_id, record["id"])
        if outcome.problems:
            warn(self, self.tr("不能删除"), outcome.message())
