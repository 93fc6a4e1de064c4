"""The county page (县级, issue 9 item 7): the county's 19 criteria, a sortable table of its
villages with their 17, households still poor and each team's last package, what waits.

    page = CountyPage(store, year)          # shown by gui/work_area.py when store.role == "county"
    page.apply(changes)                     # after every write: reloads if the changes touch it
    page.set_year(year)                     # another evaluation year
    page.duplicates_requested.connect(...)  # 处理疑点… clicked
    page.conflicts_requested.connect(...)   # 处理冲突… clicked
    page.village_requested.connect(...)     # a village row double-clicked (its id)

`duplicates_requested` and `conflicts_requested` carry nothing: whoever merges the 同步 menu
(gui/sync_actions.py, gui/sync_dialogs.py) connects them to its 疑点 dialog
(gui/duplicates_dialog.DuplicatesDialog) and its conflicts dialog. Until then the buttons do
nothing. Deciding there writes through gui/editing.py, whose Changes reach `apply`.

The evaluation reads the whole county (75,000 households at 150 villages × 500) the way
`main.py check` does: storage.snapshots.county_snapshot inside forms.criteria.batch.bulk(),
forms.criteria.county.evaluate_county for the 19 and forms.criteria.village.evaluate_village
per village for the 17. It runs in a gui/tasks.Task on a read-only connection of its own
(storage.browse.open_reader), never on the GUI thread: the table's counts, teams and conflicts
come first (storage/county_view.py), the criteria when done (正在计算… until then). A page not
shown is only marked stale, and evaluates when next shown."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from forms.criteria.batch import bulk
from forms.criteria.county import COUNTY_RULES, evaluate_county
from forms.criteria.result import LOOKS, UNKNOWN, UNMET
from forms.criteria.village import evaluate_village
from storage import browse, county_view, procedures
from storage.changes import Changes
from storage.snapshots import county_snapshot

from .county_table import N_VILLAGE, VillagesModel
from .procedures import PlanBars
from .tasks import Task

# 减贫计划与进出: households/people of each
PLAN_HEADS = (
    "村",
    "乡镇",
    "任务（户/人）",
    "工作队建议",
    "计划脱贫",
    "已脱贫",
    "新识别",
    "返贫",
    "清退",
)


def _t(text: str) -> str:
    return QCoreApplication.translate("CountyPage", text)


def compute(path, county: str, year: int, task: Task | None = None) -> dict | None:
    """The page's data, on a worker thread: first (task.chunk) the table without criteria, then
    with the year's plans and movements, then (returned) with the 19 and every village's 17.
    None when cancelled."""
    reader = browse.open_reader(path)
    try:
        out = {
            "county": county,
            "year": year,
            "villages": county_view.village_summaries(reader, county),
            "teams": county_view.teams_by_village(reader),
            "conflicts": county_view.open_conflicts_by_village(reader),
            "pending": county_view.pending(reader),
            "county_eval": None,
            "village_evals": None,
        }
        if task is not None:
            if task.cancelled:
                return None
            task.chunk(dict(out))
        # the 减贫计划与进出 tab (~2 s for a county), before the criteria (~20 s)
        moved = procedures.movements(reader, year)
        out["plans"] = procedures.plan_vs_actual(reader, year, moved=moved)
        out["moves"] = procedures.movement_counts(moved)
        if task is not None:
            if task.cancelled:
                return None
            task.chunk(dict(out))
        with bulk():  # as `main.py check`: each household's view built once for both levels
            snap = county_snapshot(reader, county, year)
            if task is not None and task.cancelled:
                return None
            out["county_eval"] = evaluate_county(snap)
            out["village_evals"] = {
                v["village"]["id"]: evaluate_village(v) for v in snap["villages"]
            }
        return out
    finally:
        reader.close()


class CountyPage(QWidget):
    """The county's 19, its villages with their 17, what waits for a decision."""

    duplicates_requested = Signal()  # 处理疑点… (the 同步 menu's 疑点 dialog)
    conflicts_requested = Signal()  # 处理冲突… (the 同步 menu's conflicts dialog)
    village_requested = Signal(str)  # a village row double-clicked: its id

    def __init__(self, store, year: int | None, parent=None):
        super().__init__(parent)
        self.store = store
        self.year = year
        self.county: str | None = None
        self.task: Task | None = None
        self._again = False  # another evaluation to start when the running one ends
        self.stale = True  # evaluated when next shown
        self.data: dict | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        head = QHBoxLayout()
        self.title = QLabel()
        self.title.setStyleSheet("font-weight:bold; font-size:12pt;")
        head.addWidget(self.title, 1)
        self.county_combo = QComboBox()
        self.county_combo.setVisible(False)  # only when the register holds several counties
        self.county_combo.activated.connect(self._county_chosen)
        head.addWidget(self.county_combo)
        layout.addLayout(head)
        self.banner = QLabel()
        self.banner.setAlignment(Qt.AlignCenter)
        font = self.banner.font()
        font.setBold(True)
        self.banner.setFont(font)
        self.banner.setMinimumHeight(26)
        layout.addWidget(self.banner)

        split = QSplitter(Qt.Vertical)
        self.criteria = QTableWidget(len(COUNTY_RULES), 4)
        self.criteria.setHorizontalHeaderLabels(
            [_t("序号"), _t("县级指标"), _t("结果"), _t("现状与说明")]
        )
        self.criteria.verticalHeader().setVisible(False)
        self.criteria.verticalHeader().setDefaultSectionSize(24)
        self.criteria.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.criteria.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.criteria.setWordWrap(False)
        header = self.criteria.horizontalHeader()
        header.resizeSection(0, 40)
        header.resizeSection(1, 430)
        header.resizeSection(2, 84)
        header.setStretchLastSection(True)
        split.addWidget(self.criteria)

        self.model = VillagesModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.doubleClicked.connect(self._double_clicked)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(20)
        widths = (72, 64, 44, 62, 74, 78) + (24,) * N_VILLAGE + (84, 112)
        for col, width in enumerate(widths):
            header.resizeSection(col, width)
        header.setStretchLastSection(True)
        # 各村指标 | 减贫计划与进出 (the year's task, planned and exited; who came in and left)
        self.lower = QTabWidget()
        self.lower.setDocumentMode(True)
        self.lower.addTab(self.table, _t("各村指标"))
        plans = QSplitter(Qt.Horizontal)
        self.plan_bars = PlanBars()
        plans.addWidget(self.plan_bars)
        self.plan_table = QTableWidget(0, len(PLAN_HEADS))
        self.plan_table.setHorizontalHeaderLabels([_t(h) for h in PLAN_HEADS])
        self.plan_table.verticalHeader().setVisible(False)
        self.plan_table.verticalHeader().setDefaultSectionSize(22)
        self.plan_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.plan_table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.plan_table.setSortingEnabled(True)
        self.plan_table.cellDoubleClicked.connect(self._plan_clicked)
        for col, width in enumerate((96, 80) + (92,) * (len(PLAN_HEADS) - 2)):
            self.plan_table.horizontalHeader().resizeSection(col, width)
        plans.addWidget(self.plan_table)
        plans.setSizes([320, 900])
        self.lower.addTab(plans, _t("减贫计划与进出"))
        split.addWidget(self.lower)
        split.setSizes([300, 360])
        layout.addWidget(split, 1)

        foot = QHBoxLayout()
        self.pending = QLabel()
        foot.addWidget(self.pending, 1)
        self.duplicates_button = QPushButton(_t("处理疑点…"))
        self.duplicates_button.clicked.connect(self.duplicates_requested)
        self.conflicts_button = QPushButton(_t("处理冲突…"))
        self.conflicts_button.clicked.connect(self.conflicts_requested)
        foot.addWidget(self.duplicates_button)
        foot.addWidget(self.conflicts_button)
        layout.addLayout(foot)
        self._show_criteria(None)
        self.destroyed.connect(lambda *_: self._cancel())

    # -- when to compute -----------------------------------------------------------------------
    def apply(self, changes: Changes) -> bool:
        """After a write: whether it touches what the page shows (households and their status,
        members, facts, policy values, places, an import). Reloads now when shown, else when
        next shown. A visit note or a measure changes nothing here."""
        touched = bool(
            changes.everything
            or changes.criteria
            or changes.household_fields
            or changes.status
            or changes.members
            or changes.facts
            or changes.policy
            or changes.register
            or changes.tree
            or changes.procedures
        )
        if touched:
            self.stale = True
            if self.isVisible():
                self.refresh()
        return touched

    def set_year(self, year: int | None) -> None:
        if year != self.year:
            self.year = year
            self.stale = True
            if self.isVisible():
                self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.stale:
            self.refresh()

    @property
    def busy(self) -> bool:
        """An evaluation running or waiting to run."""
        return self.task is not None or self._again

    # -- computing -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the county again: the table's counts first, the criteria when evaluated."""
        self.stale = False
        names = county_view.counties(self.store)
        self.county_combo.blockSignals(True)
        self.county_combo.clear()
        self.county_combo.addItems(names)
        if self.county not in names:
            self.county = names[0] if names else None
        if self.county is not None:
            self.county_combo.setCurrentIndex(names.index(self.county))
        self.county_combo.blockSignals(False)
        self.county_combo.setVisible(len(names) > 1)
        if self.county is None or self.year is None:
            self._cancel()
            self.title.setText(_t("全县指标：还没有村"))
            self.model.set_data({"villages": [], "teams": {}, "conflicts": {}})
            self._show_criteria(None)
            self._show_pending(None)
            return
        self.title.setText(
            _t("{0} {1}年 县级脱贫指标（19项）与各村指标（17项）").format(self.county, self.year)
        )
        self._show_criteria(None, _t("正在计算…"))
        if self.task is not None:
            # One evaluation at a time (a county's takes seconds and ~1 GB): the running one is
            # dropped when it ends, and this one starts then, with the county and year of then.
            self.task.cancel()
            self._again = True
            return
        self._start()

    def _start(self) -> None:
        county, year, path = self.county, self.year, self.store.path
        task = Task(lambda t: compute(path, county, year, t))
        task.signals.chunk.connect(lambda part: self._arrived(task, part))
        task.signals.finished.connect(lambda out: self._arrived(task, out, done=True))
        task.signals.failed.connect(lambda message: self._arrived(task, None, True, message))
        self.task = task.start()

    def _cancel(self) -> None:
        self._again = False
        if self.task is not None:
            self.task.cancel()
            self.task = None

    def _arrived(self, task: Task, data, done: bool = False, failed: str | None = None) -> None:
        if task is not self.task:
            return
        if done:
            self.task = None
            if self._again:
                self._again = False
                self._start()
                return
        if failed is not None:
            self._show_criteria(None, _t("计算出错：{0}").format(failed))
            return
        if data is None or task.cancelled:
            return
        self.data = data
        self.model.set_data(data)
        if "plans" in data:
            self._show_plans(data)
        self._show_pending(data["pending"])
        if data["county_eval"] is not None:
            self._show_criteria(data["county_eval"])

    def _county_chosen(self, _index: int) -> None:
        self.county = self.county_combo.currentText() or None
        self.refresh()

    # -- showing -------------------------------------------------------------------------------
    def _show_criteria(self, evaluation, note: str = "") -> None:
        results = evaluation.criteria if evaluation is not None else []
        by_no = {r.no: r for r in results}
        for i, rule in enumerate(COUNTY_RULES):
            r = by_no.get(rule.no)
            look = LOOKS.get(r.status) if r else None
            reasons = "；".join(r.reasons) if r else ""
            cells = (
                str(rule.no),
                rule.title,
                f"{look.mark} {look.word}" if look else "",
                reasons,
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 0:
                    item.setTextAlignment(Qt.AlignCenter)
                if look is not None and col == 2:
                    item.setForeground(QColor(look.colour))
                    f = QFont(item.font())
                    f.setBold(True)
                    item.setFont(f)
                item.setToolTip(f"{rule.no}. {rule.title}\n{reasons}" if col else "")
                self.criteria.setItem(i, col, item)
        if evaluation is None:
            self.banner.setText(note)
            self.banner.setStyleSheet("background:#eeeeee; color:#616161; border-radius:4px;")
            return
        unmet = sum(r.status == UNMET for r in results)
        unknown = sum(r.status == UNKNOWN for r in results)
        parts = [f"{unmet}项{LOOKS[UNMET].word}"] if unmet else []
        parts += [f"{unknown}项{LOOKS[UNKNOWN].word}"] if unknown else []
        detail = f"（{'，'.join(parts)}）" if parts else ""
        if evaluation.all_passing:
            self.banner.setText(_t("全县达到脱贫摘帽标准"))
            self.banner.setStyleSheet("background:#e8f5e9; color:#1b5e20; border-radius:4px;")
        else:
            self.banner.setText(_t("全县尚未达到脱贫摘帽标准") + detail)
            self.banner.setStyleSheet("background:#ffebee; color:#b71c1c; border-radius:4px;")

    def _show_pending(self, pending: dict | None) -> None:
        dup = pending["duplicates"] if pending else 0
        con = pending["conflicts"] if pending else 0
        self.pending.setText(_t("待处理：疑点 {0} 个，冲突 {1} 个").format(dup, con))
        self.duplicates_button.setEnabled(bool(dup))
        self.conflicts_button.setEnabled(bool(con))

    def statuses(self) -> list[str]:
        """The 19 statuses shown (empty until evaluated)."""
        ev = self.data["county_eval"] if self.data else None
        return [r.status for r in ev.criteria] if ev is not None else []

    def _show_plans(self, data: dict) -> None:
        """Each village's task, planned and exited households/people, and its in/out counts."""
        t = self.plan_table
        t.setSortingEnabled(False)
        t.setRowCount(len(data["plans"]))

        def pair(h, p):
            return "—" if h is None else f"{h}/{p or 0}"

        for row, p in enumerate(data["plans"]):
            moves = data["moves"].get(p.village["id"], {})
            cells = [
                p.village["name"],
                p.village.get("township") or "",
                pair(p.task_households, p.task_people),
                pair(p.proposed_households, p.proposed_people),
                pair(p.planned_households, p.planned_people),
                pair(p.exited_households, p.exited_people),
            ] + [pair(*moves.get(what, (0, 0))) for what in procedures.MOVEMENTS if what != "脱贫"]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.UserRole, p.village["id"])
                t.setItem(row, col, item)
        t.setSortingEnabled(True)
        self.plan_bars.set_figures(
            _t("{0}年全县减贫计划与完成").format(data["year"]), data["plans"]
        )

    def _plan_clicked(self, row: int, _col: int) -> None:
        item = self.plan_table.item(row, 0)
        if item is not None and item.data(Qt.UserRole):
            self.village_requested.emit(item.data(Qt.UserRole))

    def _double_clicked(self, index) -> None:
        vid = self.model.village_id(index.row())
        if vid:
            self.village_requested.emit(vid)
