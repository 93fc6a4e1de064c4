"""状态变更: the household's status history and a change with date and reason ("有进有出")."""

from __future__ import annotations

from datetime import date
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from forms import choices as C
from forms.entities import STATUS_CHANGE
from forms.validation import Problem
from storage.activity import status_history

from .dialogs import RecordDialog
from .editing import Editing
from .tables import RowsModel, make_table


class StatusTab(QWidget):
    def __init__(self, editing: Editing, unmet_criteria: Callable[[], list], parent=None):
        super().__init__(parent)
        self.editing = editing
        self.unmet_criteria = unmet_criteria  # the household's unmet criteria right now
        self.household: dict | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        row = QHBoxLayout()
        self.current = QLabel()
        self.current.setStyleSheet("font-weight:bold;")
        self.change_button = QPushButton(self.tr("变更状态…"))
        self.change_button.clicked.connect(lambda: self.change_dialog())
        row.addWidget(self.current, 1)
        row.addWidget(self.change_button)
        layout.addLayout(row)
        self.model = RowsModel(
            [
                (self.tr("变更日期"), "date"),
                (self.tr("新状态"), "status"),
                (self.tr("所属年度"), "year"),
                (self.tr("原因"), "reason"),
                (
                    self.tr("未达标仍确认"),
                    lambda r: self.tr("是") if r.get("confirmed_unmet") else "",
                ),
            ],
            self,
        )
        self.table = make_table(self.model, stretch_column=3)
        layout.addWidget(self.table, 1)

    def set_household(self, household: dict | None) -> None:
        self.household = household
        self.refresh()

    def refresh(self) -> None:
        h = self.household
        self.model.set_rows(status_history(self.editing.store, h["id"]) if h else [])
        self.change_button.setEnabled(h is not None)
        if h:
            extra = []
            if h.get("planned_exit_year"):
                extra.append(self.tr("计划脱贫年度 {0}").format(h["planned_exit_year"]))
            if h.get("exit_year"):
                extra.append(self.tr("脱贫年度 {0}").format(h["exit_year"]))
            self.current.setText(
                self.tr("当前状态：{0}").format(h.get("status") or "")
                + ("　" + "　".join(extra) if extra else "")
            )
        else:
            self.current.setText("")

    def change_dialog(self) -> RecordDialog | None:
        if not self.household:
            return None
        household = self.household

        def submit(values: dict):
            status = values.get("status")
            if status == household.get("status"):
                return [Problem("status", "新状态", "与当前状态相同")]
            confirmed = False
            if status == C.STATUS_EXITED:
                unmet = self.unmet_criteria()
                if unmet:
                    names = "\n".join(f"{c.no}. {c.title}：{'；'.join(c.reasons)}" for c in unmet)
                    answer = QMessageBox.question(
                        self,
                        self.tr("仍有指标未达标"),
                        self.tr(
                            "该户仍有 {0} 项脱贫指标未达标：\n\n{1}\n\n确定标记为已脱贫吗？"
                            "此确认将记入状态变更记录。"
                        ).format(len(unmet), names),
                        QMessageBox.Yes | QMessageBox.No,
                        QMessageBox.No,
                    )
                    if answer != QMessageBox.Yes:
                        return self.tr("未变更：请先落实帮扶措施，或确认后再标记为已脱贫")
                    confirmed = True
            return self.editing.change_status(
                household["id"],
                status,
                values.get("date"),
                values.get("reason") or "",
                year=values.get("year"),
                confirmed_unmet=confirmed,
            ).problems

        dialog = RecordDialog(
            self.tr("变更户状态"),
            STATUS_CHANGE,
            ("status", "date", "year", "reason"),
            submit,
            self,
            values={"date": date.today().isoformat()},
            intro=self.tr("当前状态：{0}。清退必须填写原因。").format(household.get("status")),
        )
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()
        return dialog
