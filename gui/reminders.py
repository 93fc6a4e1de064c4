"""走访提醒: households still poor not visited within N days, per responsible cadre."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from storage import browse

from .tables import RowsModel, make_table


class RemindersPage(QWidget):
    household_requested = Signal(str)

    def __init__(self, parent=None, today=None):
        super().__init__(parent)
        self.store = None
        self.filter = browse.HouseholdFilter()
        self.today = today or date.today
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("超过")))
        self.days = QSpinBox()
        self.days.setRange(1, 3650)
        self.days.setValue(30)
        self.days.setSuffix(self.tr(" 天"))
        self.days.valueChanged.connect(lambda _v: self.refresh())
        row.addWidget(self.days)
        row.addWidget(QLabel(self.tr("未走访的未脱贫户")))
        row.addStretch(1)
        self.summary = QLabel()
        row.addWidget(self.summary)
        layout.addLayout(row)
        self.model = RowsModel(
            [
                (self.tr("帮扶责任人"), lambda r: r.get("cadre") or self.tr("（未指定）")),
                (self.tr("村"), "village"),
                (self.tr("户编号"), "household_no"),
                (self.tr("户主"), "head"),
                (self.tr("最近走访"), lambda r: r.get("last_visit") or self.tr("从未走访")),
                (self.tr("距今天数"), "days"),
            ],
            self,
        )
        self.table = make_table(self.model)
        self.table.doubleClicked.connect(self._open)
        layout.addWidget(self.table, 1)

    def set_scope(self, store, flt: browse.HouseholdFilter) -> None:
        self.store, self.filter = store, flt
        self.refresh()

    def refresh(self) -> None:
        if self.store is None:
            self.model.set_rows([])
            return
        rows = browse.visit_reminders(self.store, self.filter, self.days.value(), self.today())
        self.model.set_rows(rows)
        cadres = len({r.get("cadre") for r in rows})
        self.summary.setText(
            self.tr("{0} 户，涉及 {1} 名帮扶责任人（双击打开）").format(len(rows), cadres)
        )

    def _open(self, index) -> None:
        row = index.data(Qt.UserRole)
        if row:
            self.household_requested.emit(row["id"])
