"""The village view: its 17 criteria, a bar chart of the 12 household criteria, the 疑点 list."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from forms.criteria.household import HOUSEHOLD_RULES
from forms.criteria.quality import lint, lint_village_facts
from forms.criteria.result import LOOKS, MET, NA, UNKNOWN, UNMET
from forms.criteria.village import evaluate_village
from forms.facts import VILLAGE_FACTS
from storage import browse
from storage.register import village_facts
from storage.snapshots import household_snapshots, village_snapshot

from .check_panel import COLORS, CriteriaList
from .editing import Editing
from .fields import FormSection
from .procedures import VillageProcedures
from .tasks import Task

SHORT_TITLES = {r.no: r.label for r in HOUSEHOLD_RULES}  # declared on the rules
ISSUE_ROLE = Qt.UserRole + 1  # a 疑点 item's Issue (Qt.UserRole: its household's id)


class CriteriaBarChart(QWidget):
    """How many households of the village meet each of the 12 criteria (stacked bars)."""

    criterion_clicked = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.tally: list[dict] = []
        self.households = 0
        self.setMinimumHeight(300)
        self.setMouseTracking(True)
        self._rows: list[QRectF] = []

    def set_tally(self, tally: list[dict], households: int) -> None:
        self.tally, self.households = tally, households
        self.update()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        fm = QFontMetrics(self.font())
        title = self.tr("各项指标达标户数（共 {0} 户）").format(self.households)
        p.setPen(QColor("#212121"))
        p.drawText(8, fm.ascent() + 6, title)
        top = fm.height() + 14
        legend_h = fm.height() + 8
        label_w = max(fm.horizontalAdvance(f"12 {t}") for t in SHORT_TITLES.values()) + 12
        count_w = fm.horizontalAdvance("0000/0000") + 10
        n = 12
        avail = self.height() - top - legend_h - 4
        row_h = max(fm.height() + 4, avail / n)
        bar_h = min(row_h * 0.7, 26)
        width = max(10, self.width() - label_w - count_w - 16)
        self._rows = []
        for i in range(n):
            y = top + i * row_h
            counts = self.tally[i] if i < len(self.tally) else {}
            total = sum(counts.values()) or 0
            p.setPen(QColor("#424242"))
            p.drawText(
                QRectF(6, y, label_w - 8, row_h),
                Qt.AlignVCenter | Qt.AlignRight,
                f"{i + 1} {SHORT_TITLES[i + 1]}",
            )
            x = 8 + label_w
            bar = QRectF(x, y + (row_h - bar_h) / 2, width, bar_h)
            p.fillRect(bar, QColor("#f5f5f5"))
            if total:
                for status in (MET, NA, UNKNOWN, UNMET):
                    w = width * counts.get(status, 0) / total
                    if w > 0:
                        p.fillRect(QRectF(x, bar.y(), w, bar_h), QColor(COLORS[status]))
                        x += w
            passing = counts.get(MET, 0) + counts.get(NA, 0)
            p.setPen(QColor("#212121"))
            p.drawText(
                QRectF(bar.right() + 6, y, count_w, row_h),
                Qt.AlignVCenter,
                f"{passing}/{total}" if total else "—",
            )
            self._rows.append(QRectF(0, y, self.width(), row_h))
        # legend
        y = self.height() - legend_h + 2
        x = 8 + label_w
        for status, word in ((s, LOOKS[s].word) for s in (MET, NA, UNKNOWN, UNMET)):
            p.fillRect(QRectF(x, y + 3, 12, 12), QColor(COLORS[status]))
            p.setPen(QColor("#424242"))
            text = self.tr(word)
            p.drawText(int(x + 16), int(y + fm.ascent() + 1), text)
            x += 16 + fm.horizontalAdvance(text) + 14
        p.end()

    def mousePressEvent(self, event) -> None:
        for i, r in enumerate(self._rows):
            if r.contains(event.position()):
                self.criterion_clicked.emit(i + 1)
                return


class VillagePage(QWidget):
    issue_requested = Signal(object)  # a household's 疑点 clicked: open it at the issue's field
    criterion_filter_requested = Signal(int)

    def __init__(self, editing: Editing, parent=None):
        super().__init__(parent)
        self.editing = editing
        self.store = editing.store
        self.village: dict | None = None
        self.year: int | None = None
        self.tally_source = None
        self.task: Task | None = None
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight:bold; font-size:12pt;")
        layout.addWidget(self.title)
        split = QSplitter(Qt.Horizontal)
        self.criteria = CriteriaList(self.tr("贫困村可以退出"), self.tr("贫困村尚不能退出"))
        self.criteria.focus_requested.connect(self._focus_fact)
        split.addWidget(self.criteria)
        right = QSplitter(Qt.Vertical)
        self.chart = CriteriaBarChart()
        self.chart.criterion_clicked.connect(self.criterion_filter_requested)
        right.addWidget(self.chart)
        self.tabs = QTabWidget()
        self.issues = QListWidget()
        self.issues.setWordWrap(True)
        self.issues.itemClicked.connect(self._issue_clicked)
        self.tabs.addTab(self.issues, self.tr("疑点"))
        self.facts = FormSection(
            VILLAGE_FACTS, tuple(k for k in VILLAGE_FACTS.keys if k != "year"), columns=2
        )
        self.facts.save = self._save_fact
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.facts)
        self.tabs.addTab(scroll, self.tr("村级年度基础数据"))
        right.addWidget(self.tabs)
        right.setSizes([340, 260])
        split.addWidget(right)
        split.setSizes([480, 620])
        # 村情与指标 and 动态管理 (the procedures, the in/out list, plan vs actual), each the
        # whole width
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        self.pages.addTab(split, self.tr("指标与疑点"))
        self.procedures = VillageProcedures(editing)
        self.pages.addTab(self.procedures, self.tr("动态管理（识别、脱贫、返贫、清退）"))
        layout.addWidget(self.pages, 1)

    def set_village(self, village_id: str | None, year: int | None, criteria) -> None:
        self.year, self.tally_source = year, criteria
        self.village = self.store.get("villages", village_id) if village_id else None
        self.refresh()

    def refresh(self) -> None:
        v = self.village
        if not v or self.year is None:
            self.title.setText(self.tr("请在左侧选择一个村"))
            self.criteria.set_results([], None, self.tr("未选择村"))
            self.issues.clear()
            self.facts.set_record(None)
            self.chart.set_tally([], 0)
            self.procedures.set_village(None, None)
            return
        self.procedures.set_village(v, self.year)
        self.title.setText(
            self.tr("{0}（{1} {2}）{3}年").format(
                v["name"], v.get("township") or "", v["code"], self.year
            )
        )
        self.facts.set_record(village_facts(self.store, v["id"], self.year) or {})
        self.refresh_chart()
        self._evaluate()

    def refresh_chart(self) -> None:
        if self.village and self.tally_source is not None:
            tally, n = self.tally_source.village_tally(self.village["id"])
            self.chart.set_tally(tally, n)

    def _evaluate(self) -> None:
        """The 17 criteria and the 疑点 list, computed off the GUI thread."""
        if self.task is not None:
            self.task.cancel()
        village, year, path = self.village, self.year, self.store.path
        self.criteria.set_results([], None, self.tr("正在核查…"))

        def work(task: Task):
            reader = browse.open_reader(path)
            try:
                out = {"criteria": None, "issues": None, "village_id": village["id"], "task": task}
                out["criteria"] = evaluate_village(village_snapshot(reader, village, year))
                if not task.cancelled:
                    facts = village_facts(reader, village["id"], year)
                    out["issues"] = lint_village_facts(village, facts, year) + lint(
                        household_snapshots(reader, year, village_id=village["id"]), year
                    )
                return out
            finally:
                reader.close()

        self.task = Task(work)
        self.task.signals.finished.connect(self._evaluated)
        self.task.signals.failed.connect(
            lambda m: self.criteria.set_results([], None, self.tr("核查出错：{0}").format(m))
        )
        self.task.start()

    def _evaluated(self, out: dict) -> None:
        # a run superseded by a newer refresh (cancelled half-way, its 疑点 not read) is dropped:
        # the newer one's result follows
        if out["task"] is not self.task or out["issues"] is None:
            return
        if not self.village or out["village_id"] != self.village["id"]:
            return
        evaluation = out["criteria"]
        unmet = sum(1 for c in evaluation.criteria if c.status == UNMET)
        self.criteria.set_results(
            evaluation.criteria,
            evaluation.all_passing,
            self.tr("（{0}项未达标）").format(unmet) if unmet else "",
        )
        self.issues.clear()
        if not out["issues"]:
            self.issues.addItem(self.tr("未发现疑点"))
        for issue in out["issues"]:
            severity, message, hid = issue.severity, issue.message, issue.household_id
            item = QListWidgetItem(("⚠ " if severity == "error" else "· ") + message)
            item.setData(Qt.UserRole, hid)
            item.setData(ISSUE_ROLE, issue)
            if severity == "error":
                item.setForeground(QColor("#c62828"))
            self.issues.addItem(item)

    def _issue_clicked(self, item: QListWidgetItem) -> None:
        """A household's 疑点 opens the household at its field (and member); the village's own
        (lint_village_facts, field "facts.<key>") shows the fact in the 村级年度基础数据 tab."""
        issue = item.data(ISSUE_ROLE)
        if issue is None:
            return
        if issue.household_id:
            self.issue_requested.emit(issue)
            return
        self._show_fact(issue.field)

    def _focus_fact(self, result) -> None:
        for path in result.fields:
            if self._show_fact(path):
                return

    def _show_fact(self, path: str) -> bool:
        """Show and focus the village fact of a "facts.<key>" path."""
        where, _, key = path.partition(".")
        if where != "facts" or key not in self.facts.rows:
            return False
        self.pages.setCurrentIndex(0)
        self.tabs.setCurrentIndex(1)
        self.facts.focus(key)
        return True

    def _save_fact(self, key: str, raw) -> str | None:
        if not self.village:
            return None
        outcome = self.editing.set_village_facts(self.village["id"], self.year, {key: raw})
        if outcome.problems:
            return outcome.message(key)
        self._evaluate()
        return None
