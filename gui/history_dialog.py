"""修改记录: a household's full history from the change log (storage.household_log), newest
first: when, who, which record and field, old → new, and during what (a visit, a package)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from storage import browse
from storage.household_log import household_history

from .tables import RowsModel, make_table


class HistoryDialog(QDialog):
    def __init__(self, store, household_id: str, parent=None):
        super().__init__(parent)
        label = browse.household_label(store, household_id)
        self.setWindowTitle(self.tr("修改记录 — {0}").format(label))
        layout = QVBoxLayout(self)
        rows = household_history(store, household_id)
        self.summary = QLabel(
            self.tr("共 {0} 条修改。每一条都记在变更记录链中，在本软件之外的改动可用“校验”查出。")
            .format(len(rows))
        )  # fmt: skip
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.model = RowsModel(
            [
                (self.tr("时间"), "at"),
                (self.tr("操作员"), "operator"),
                (self.tr("记录"), "record"),
                (self.tr("项目"), "field"),
                (self.tr("原值"), "old"),
                (self.tr("新值"), "new"),
                (self.tr("经由"), "context"),
            ],
            self,
        )
        self.model.set_rows(rows)
        self.table = make_table(self.model, stretch_column=6)
        for column, width in enumerate((130, 80, 130, 110, 110, 200)):
            self.table.setColumnWidth(column, width)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.button(QDialogButtonBox.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(920, 520)
