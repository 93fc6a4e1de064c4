"""疑点：同一身份证号登记在不止一户 — the open duplicates of the register, and the clerk's decision.

    dialog = DuplicatesDialog(editing, store, parent)   # store defaults to editing.store
    dialog.exec()   # or show(): it follows editing.changed while it is open

`editing` is the window's gui.editing.Editing: every decision is written through it. The list
is storage.duplicates.find_duplicates on the open register (~0.1 s for a county of 265,000
members, so on the GUI thread); the keyword `village_ids` keeps only the 疑点 of those villages.
Each line is one member holding a duplicated number. Pick one, then 同一人：保留此户 (that
member's household keeps the person; the other households lose theirs) or 不同人：更正身份证号…
(that member's number is the wrong one: it asks for the right one). A refused decision is shown
in red below the list and nothing changes. The 同步 menu (疑点…) and the county page's
处理疑点… button open it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from storage.db import Store
from storage.duplicates import DECISIONS, Duplicate, DuplicateMember, find_duplicates

from .editing import Editing, Outcome
from .fields import ERROR_STYLE

COLUMNS = ("身份证号", "姓名", "户主", "村", "社", "户编号")


class DuplicatesDialog(QDialog):
    """The open 疑点 (an ID number held in more than one household) and the two decisions."""

    def __init__(
        self,
        editing: Editing,
        store: Store | None = None,
        parent=None,
        *,
        village_ids: set[str] | None = None,
    ):
        super().__init__(parent)
        self.editing = editing
        self.store = store or editing.store
        self.village_ids = village_ids
        self.rows: list[tuple[Duplicate, DuplicateMember]] = []
        self.setWindowTitle(self.tr("疑点：身份证号重复登记"))
        self.resize(860, 480)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "同一身份证号登记在不止一户。核实后选中一行：是同一人，保留所选成员所在的户，"
                "其他户中的此人删除；是不同人，更正所选成员的身份证号。"
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("处理说明（可不填，记入处理记录）"))
        layout.addWidget(self.note)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.same_button = QPushButton(self.tr("同一人：保留此户"))
        self.same_button.clicked.connect(self.keep_selected)
        self.different_button = QPushButton(self.tr("不同人：更正身份证号…"))
        self.different_button.clicked.connect(self.correct_selected)
        row.addWidget(self.same_button)
        row.addWidget(self.different_button)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.button(QDialogButtonBox.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        row.addWidget(buttons)
        layout.addLayout(row)
        editing.changed.connect(self._changed)
        self.reload()

    # -- the list ------------------------------------------------------------------------------
    def reload(self) -> None:
        found = [d for d in find_duplicates(self.store, self.village_ids) if d.open]
        self.rows = [(d, m) for d in found for m in d.members]
        self.table.setRowCount(len(self.rows))
        for r, (dup, m) in enumerate(self.rows):
            cells = (
                dup.id_number,
                m.name,
                m.head_name or self.tr("（无户主）"),
                m.village_name,
                m.group_name or "",
                m.household_no or "",
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 0 and dup.decision:
                    item.setToolTip(self._decided_before(dup.decision))
                self.table.setItem(r, c, item)
        self.table.clearSelection()
        self._selection_changed()
        if not self.rows:
            self._say(self.tr("没有待处理的疑点"))

    def _decided_before(self, decision: dict) -> str:
        return self.tr("曾处理为{0}（{1} {2}），此人又出现在另一户").format(
            DECISIONS.get(decision["decision"], decision["decision"]),
            decision.get("decided_by") or "",
            decision.get("decided_at") or "",
        )

    def _changed(self, changes) -> None:
        if changes.members or changes.everything:
            self.reload()

    def selected(self) -> tuple[Duplicate, DuplicateMember] | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def select(self, member_id: str) -> None:
        """Highlight a member's line (tests, and a caller that opens the dialog on one)."""
        for r, (_dup, m) in enumerate(self.rows):
            if m.member_id == member_id:
                self.table.selectRow(r)
                return

    def _selection_changed(self) -> None:
        chosen = self.selected() is not None
        self.same_button.setEnabled(chosen)
        self.different_button.setEnabled(chosen)

    # -- the decisions -------------------------------------------------------------------------
    def keep_selected(self) -> Outcome | None:
        """同一人：the selected member's household keeps the person; the others lose them."""
        chosen = self.selected()
        if chosen is None:
            return None
        dup, keep = chosen
        others = "、".join(
            f"{m.village_name}{m.household_no or ''}号户" for m in dup.members if m is not keep
        )
        answer = QMessageBox.question(
            self,
            self.tr("同一人"),
            self.tr("{0}（{1}）保留在{2}{3}号户，并从{4}删除。确定吗？").format(
                keep.name, dup.id_number, keep.village_name, keep.household_no or "", others
            ),
        )
        if answer != QMessageBox.Yes:
            return None
        outcome = self.editing.decide_same_person(dup.id_number, keep.member_id, self._note())
        return self._done(outcome, self.tr("已记录：同一人，保留在{0}").format(keep.village_name))

    def correct_selected(self) -> Outcome | None:
        """不同人：the selected member's number is corrected to the one typed."""
        chosen = self.selected()
        if chosen is None:
            return None
        dup, member = chosen
        text, ok = QInputDialog.getText(
            self,
            self.tr("不同人：更正身份证号"),
            self.tr("{0}（{1}{2}号户）的正确身份证号：").format(
                member.name, member.village_name, member.household_no or ""
            ),
            QLineEdit.Normal,
            dup.id_number,
        )
        if not ok or not text.strip():
            return None
        outcome = self.editing.decide_different_people(
            dup.id_number, member.member_id, text.strip(), self._note()
        )
        return self._done(
            outcome, self.tr("已记录：不同人，{0}的身份证号已更正").format(member.name)
        )

    def _note(self) -> str:
        return self.note.text().strip()

    def _done(self, outcome: Outcome, said: str) -> Outcome:
        if outcome.problems:
            self._say(self.tr("未处理：{0}").format(outcome.message()), error=True)
        else:
            self.note.clear()  # the list was read again on editing.changed
            self._say(said if self.rows else said + self.tr("；没有待处理的疑点"))
        return outcome

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)
        self.message.setAlignment(Qt.AlignLeft)
