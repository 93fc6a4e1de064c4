"""档案 → 年度数据封存 / 重新开启已封存年度: closing a year freezes its verdicts (storage.closing)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QProgressDialog,
    QSpinBox,
    QVBoxLayout,
)

from storage.closing import closed_years
from storage.register import list_villages


class YearDialog(QDialog):
    """Year and scope (every village of the file, or the one selected), and for a reopen the
    reason. OK runs the write; a refusal stays in the dialog in red, nothing changed."""

    def __init__(self, window, reopen: bool):
        super().__init__(window)
        self.window_, self.reopen = window, reopen
        self.setWindowTitle(self.tr("重新开启已封存年度") if reopen else self.tr("年度数据封存"))
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "重新开启后，该年度的指标判定将按当前档案重新计算。原因记入修改日志，并随同步数据包上报县里。"
            )
            if reopen
            else self.tr(
                "年度动态调整完成后封存：冻结该年度每户的指标数据和判定。封存后，核查、报表和"
                "汇总读取封存数据；此后对档案的修改只影响未封存的年度，该年度的收支、村级数据和"
                "政策参数不能再修改，除非填写原因重新开启。"
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.year = QSpinBox()
        self.year.setRange(2000, 2035)
        self.year.setValue(window.year)
        self.year.valueChanged.connect(self._show_state)
        form.addRow(self.tr("年度"), self.year)
        self.scope = QComboBox()
        self.scope.addItem(self.tr("本数据库的全部村"), None)
        for v in list_villages(window.store):
            self.scope.addItem(f"{v['township']} {v['name']}（{v['code']}）", v["code"])
        selected = (window.scope or {}).get("village_id")
        if selected:
            code = window.store.get("villages", selected)["code"]
            self.scope.setCurrentIndex(self.scope.findData(code))
        self.scope.currentIndexChanged.connect(self._show_state)
        form.addRow(self.tr("范围"), self.scope)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText(
            self.tr("必填：为什么要重新开启（如：县审核发现住房鉴定有误）")
        )
        self.reason.setFixedHeight(70)
        if reopen:
            form.addRow(self.tr("原因"), self.reason)
        layout.addLayout(form)
        self.state = QLabel()
        self.state.setWordWrap(True)
        layout.addWidget(self.state)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color:#b71c1c;")
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText(
            self.tr("重新开启") if reopen else self.tr("封存")
        )
        buttons.button(QDialogButtonBox.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._show_state()

    def _progress(self):
        """A county closes 150 villages (~35 s): a modal bar, village by village. The write
        stays on the GUI thread, which owns the register's one writing connection."""
        bar = QProgressDialog(self.tr("正在封存…"), "", 0, max(1, self.scope.count() - 1), self)
        bar.setWindowTitle(self.windowTitle())
        bar.setCancelButton(None)
        bar.setWindowModality(Qt.WindowModal)
        bar.setMinimumDuration(300)

        def step(done: int, total: int) -> None:
            bar.setMaximum(total)
            bar.setValue(done)
            bar.setLabelText(self.tr("正在封存：第{0}个村，共{1}个").format(done + 1, total))
            if done + 1 >= total:
                bar.close()
            QApplication.processEvents()

        return step

    def _show_state(self) -> None:
        """How many villages have the year closed now, and the last reopen."""
        year = self.year.value()
        rows = [r for r in closed_years(self.window_.store) if r["year"] == year]
        closed = sum(1 for r in rows if r["closed"])
        total = self.scope.count() - 1
        text = self.tr("{0}年度：{1}个村中已封存{2}个。").format(year, total, closed)
        reopened = [r for r in rows if not r["closed"] and r.get("reopen_reason")]
        if reopened:
            last = max(reopened, key=lambda r: r.get("reopened_at") or "")
            text += self.tr("最近一次重新开启：{0}，{1}，原因：{2}").format(
                (last.get("reopened_at") or "")[:10],
                last.get("reopened_by") or "",
                last.get("reopen_reason") or "",
            )
        self.state.setText(text)

    def _submit(self) -> None:
        year, code = self.year.value(), self.scope.currentData()
        editing = self.window_.editing
        if self.reopen:
            outcome, n = editing.reopen_year(year, self.reason.toPlainText(), code)
            done = self.tr("{0}年度已重新开启：{1}个村").format(year, n)
        else:
            outcome, counts = editing.close_year(year, code, self._progress())
            done = self.tr("{0}年度已封存：{1}个村，{2}户").format(
                year, counts.get("villages", 0), counts.get("households", 0)
            )
        if outcome.problems:
            self.problem.setText(outcome.message())
            return
        self.window_.statusBar().showMessage(done, 8000)
        self.accept()


class YearActions:
    """Mixed into MainWindow, which supplies store, editing, scope and year."""

    def on_register_close_year(self) -> YearDialog | None:
        if self.store is None:
            return None
        dialog = YearDialog(self, reopen=False)
        dialog.open()
        return dialog

    def on_register_reopen_year(self) -> YearDialog | None:
        if self.store is None:
            return None
        dialog = YearDialog(self, reopen=True)
        dialog.open()
        return dialog
