"""The criteria panel: green / red / grey marks with reasons, a banner, click to the field."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forms.criteria.result import LOOKS, UNKNOWN, UNMET

# The statuses' colours, marks and words are the core's (forms.criteria.result.LOOKS).
COLORS = {s: look.colour for s, look in LOOKS.items()}


def mark_icon(status: str, size: int = 18) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(Qt.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.Antialiasing)
    p.setBrush(QColor(COLORS.get(status, "#9e9e9e")))
    p.setPen(Qt.NoPen)
    p.drawEllipse(1, 1, size - 2, size - 2)
    p.setPen(QColor("white"))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * 0.7))
    p.setFont(font)
    look = LOOKS.get(status)
    p.drawText(pix.rect(), Qt.AlignCenter, look.mark if look else "?")
    p.end()
    return QIcon(pix)


class CriteriaModel(QAbstractListModel):
    """A list of CriterionResult (12 for a household, 17 for a village)."""

    ResultRole = Qt.UserRole + 1

    def __init__(self, parent=None):
        super().__init__(parent)
        self.results: list = []
        self._icons = {s: mark_icon(s) for s in COLORS}

    def set_results(self, results: list) -> None:
        self.beginResetModel()
        self.results = list(results)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.results)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.results):
            return None
        c = self.results[index.row()]
        if role == Qt.DisplayRole:
            reasons = "；".join(c.reasons) if c.reasons else ""
            return f"{c.no}. {c.title}\n{reasons}" if reasons else f"{c.no}. {c.title}"
        if role == Qt.DecorationRole:
            return self._icons.get(c.status)
        if role == Qt.ToolTipRole:
            word = LOOKS[c.status].word if c.status in LOOKS else c.status
            return f"{word}：" + "\n".join(c.reasons)
        if role == Qt.ForegroundRole:
            return QColor("#b71c1c") if c.status == UNMET else None
        if role == self.ResultRole:
            return c
        return None


class CriteriaList(QWidget):
    """Banner + list; emits focus_requested(result) when a criterion is clicked."""

    focus_requested = Signal(object)

    def __init__(self, pass_text: str, fail_text: str, parent=None):
        super().__init__(parent)
        self.pass_text, self.fail_text = pass_text, fail_text
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.banner = QLabel()
        self.banner.setAlignment(Qt.AlignCenter)
        font = self.banner.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.banner.setFont(font)
        self.banner.setMinimumHeight(30)
        layout.addWidget(self.banner)
        self.model = CriteriaModel(self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.setIconSize(QSize(18, 18))
        self.view.setSpacing(1)
        self.view.setUniformItemSizes(False)
        self.view.setResizeMode(QListView.Adjust)
        self.view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
        self.view.clicked.connect(self._clicked)
        layout.addWidget(self.view, 1)
        self.set_results([], None)

    def set_results(self, results: list, passing: bool | None, note: str = "") -> None:
        current = self.view.currentIndex().row()
        self.model.set_results(results)
        if 0 <= current < len(results):
            self.view.setCurrentIndex(self.model.index(current))
        if passing is None:
            self.banner.setText(note)
            self.banner.setStyleSheet("background:#eeeeee; color:#616161; border-radius:4px;")
        elif passing:
            self.banner.setText(self.pass_text + (f"  {note}" if note else ""))
            self.banner.setStyleSheet("background:#e8f5e9; color:#1b5e20; border-radius:4px;")
        else:
            self.banner.setText(self.fail_text + (f"  {note}" if note else ""))
            self.banner.setStyleSheet("background:#ffebee; color:#b71c1c; border-radius:4px;")

    def selected(self):
        index = self.view.currentIndex()
        return index.data(CriteriaModel.ResultRole) if index.isValid() else None

    def _clicked(self, index) -> None:
        result = index.data(CriteriaModel.ResultRole)
        if result is not None:
            self.focus_requested.emit(result)


class CheckPanel(QWidget):
    """The 12 household criteria for the household and year being edited."""

    focus_requested = Signal(object)  # CriterionResult
    add_measure_requested = Signal(object)  # CriterionResult

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        head = QHBoxLayout()
        self.title = QLabel(self.tr("脱贫指标核查（12项）"))
        self.title.setStyleSheet("font-weight: bold;")
        head.addWidget(self.title, 1)
        self.add_measure = QPushButton(self.tr("为此项添加措施…"))
        self.add_measure.setEnabled(False)
        self.add_measure.clicked.connect(self._add_measure)
        head.addWidget(self.add_measure)
        layout.addLayout(head)
        # A closed year (年度数据封存): the verdicts come from the frozen record, and say so.
        self.closed = QLabel()
        self.closed.setWordWrap(True)
        self.closed.setStyleSheet(
            "background:#fff8e1; color:#5d4037; border:1px solid #ffe082; border-radius:4px;"
            "padding:3px;"
        )
        self.closed.setVisible(False)
        layout.addWidget(self.closed)
        self.list = CriteriaList(self.tr("可以脱贫"), self.tr("尚不能脱贫"))
        self.list.focus_requested.connect(self._focus)
        layout.addWidget(self.list, 1)
        self.evaluation = None

    def show_evaluation(self, evaluation, year: int | None) -> None:
        self.evaluation = evaluation
        closed = getattr(evaluation, "closed", "") if evaluation is not None else ""
        self.closed.setText(
            self.tr("已封存：{0}。此后的修改只影响未封存的年度。").format(closed) if closed else ""
        )
        self.closed.setVisible(bool(closed))
        if evaluation is None:
            self.title.setText(self.tr("脱贫指标核查（12项）"))
            self.list.set_results([], None, self.tr("请选择一户"))
            self.add_measure.setEnabled(False)
            return
        self.title.setText(self.tr("{0}年 脱贫指标核查（12项）").format(year))
        unmet = sum(1 for c in evaluation.criteria if c.status == UNMET)
        unknown = sum(1 for c in evaluation.criteria if c.status == UNKNOWN)
        note = ""
        if not evaluation.eligible_to_exit:
            parts = []
            if unmet:
                parts.append(self.tr("{0}项{1}").format(unmet, LOOKS[UNMET].word))
            if unknown:
                parts.append(self.tr("{0}项{1}").format(unknown, LOOKS[UNKNOWN].word))
            note = "（" + "，".join(parts) + "）" if parts else ""
        self.list.set_results(evaluation.criteria, evaluation.eligible_to_exit, note)
        self._update_button()

    def _focus(self, result) -> None:
        self._update_button()
        self.focus_requested.emit(result)

    def _update_button(self) -> None:
        c = self.list.selected()
        self.add_measure.setEnabled(c is not None and c.status in (UNMET, UNKNOWN))

    def _add_measure(self) -> None:
        c = self.list.selected()
        if c is not None:
            self.add_measure_requested.emit(c)

    def criterion_status(self, no: int) -> str | None:
        if self.evaluation is None:
            return None
        return next((c.status for c in self.evaluation.criteria if c.no == no), None)
