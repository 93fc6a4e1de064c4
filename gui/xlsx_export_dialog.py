"""导出 Excel…: which layout (花名册, 12项指标, 帮扶措施), which villages, which year."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QSpinBox,
    QVBoxLayout,
)

from storage.register import list_villages
from storage.xlsx_export import LAYOUT_NAMES, LAYOUTS

from .xlsx_wizard import _t, _text_label, _village_text

LAYOUT_HINTS = {
    "register": "一人一行，户的信息在每一行重复；导出后可修改，再用“导入 Excel 台账…”导入",
    "criteria": "一户一行，十二项脱贫指标是否达到；未达到的原因在第二张工作表",
    "measures": "每条帮扶措施一行：户、措施、计划与完成情况",
}


class XlsxExportDialog(QDialog):
    """Which layout, which villages, which year; the file is asked for after OK."""

    def __init__(self, store, village_id: str | None, year: int, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_t("导出 Excel"))
        self.setMinimumWidth(480)
        villages = list_villages(store)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.layout_combo = QComboBox()
        for key in LAYOUTS:
            self.layout_combo.addItem(_t(LAYOUT_NAMES[key]), key)
        self.layout_combo.currentIndexChanged.connect(self._show_hint)
        form.addRow(_t("表式"), self.layout_combo)
        self.village = QComboBox()
        self.village.addItem(_t("全部村"), "")
        self.names = {"": villages[0]["county"] if villages else ""}
        for v in villages:
            self.village.addItem(_village_text(v), v["code"])
            self.names[v["code"]] = v["township"] + v["name"]
        if village_id:
            code = next((v["code"] for v in villages if v["id"] == village_id), None)
            if code is not None:
                self.village.setCurrentIndex(self.village.findData(code))
        form.addRow(_t("范围"), self.village)
        self.year = QSpinBox()
        self.year.setRange(2000, 2035)
        self.year.setValue(year)
        form.addRow(_t("年度"), self.year)
        layout.addLayout(form)
        self.hint = _text_label()
        self.hint.setStyleSheet("color: #555;")
        layout.addWidget(self.hint)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText(_t("导出…"))
        buttons.button(QDialogButtonBox.Cancel).setText(_t("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._show_hint()

    def _show_hint(self, _index: int = 0) -> None:
        self.hint.setText(_t(LAYOUT_HINTS.get(self.layout_combo.currentData(), "")))

    def choice(self) -> tuple[str, str | None, int]:
        """(layout, village code or None for every village, year)."""
        return (
            self.layout_combo.currentData(),
            self.village.currentData() or None,
            self.year.value(),
        )

    def suggested_name(self) -> str:
        layout, code, year = self.choice()
        return f"{self.names.get(code or '', '')}{LAYOUT_NAMES[layout]}（{year}年）.xlsx"
