"""有进有出、动态管理 in the app (forms.procedures): a household's procedures and their steps, and a
village's households by where their procedure stands, its in/out list and plan vs actual.

    panel = ProcedurePanel(editing)          # in the household editor's 状态与程序 tab
    panel.set_household(household)
    page = VillageProcedures(editing)        # the village page's 动态管理 tab
    page.set_village(village, year)
    page.household_requested.connect(...)    # a row double-clicked: the household's id
    page.notice_requested.connect(...)       # a notice just posted: (village id, report kind)
"""

from __future__ import annotations

import json
from datetime import date

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from forms import choices as C
from forms import procedures as P
from forms.entities import EXIT_PLAN, PROCEDURE_STEP
from storage import procedures as PR
from storage.enrolment import team_of

from .dialogs import RecordDialog
from .editing import Editing
from .tables import RowsModel, make_table


def _int(raw):
    try:
        return int(str(raw).strip()) if raw not in (None, "") else None
    except ValueError:
        return raw  # the step's own check names it


def _checked(row: dict) -> str:
    """What a checking step found, as frozen with it."""
    if not row.get("unmet"):
        return ""
    unmet = json.loads(row["unmet"])
    return "12项全部达标" if not unmet else "未达标：" + "、".join(f"第{n}项" for n in unmet)


def step_dialog(parent, editing: Editing, household_ids: list[str], step: P.Step, *, kind=None,
                intro: str = "", done=None) -> RecordDialog:  # fmt: skip
    """Record `step` for the households: date (today), the notice's period, the document, a
    note and a reason. The dialog stays open with the refusal when the step is refused."""
    keys = ["date"] + (["days"] if step.notice else []) + ["document", "note", "reason"]
    values = {"date": date.today().isoformat()}
    if step.notice:
        values["days"] = P.NOTICE_DAYS

    def submit(v: dict):
        outcome = editing.record_procedure_step(
            household_ids,
            step.name,
            v.get("date"),
            kind=kind,
            days=_int(v.get("days")),
            document=v.get("document"),
            note=v.get("note"),
            reason=v.get("reason"),
        )
        if not outcome.problems and done is not None:
            done(outcome)
        return outcome.problems

    hint = {
        P.OBJECTION: parent.tr("异议成立：该户退回第一步重新办理，原因必填。"),
        P.TERMINATE: parent.tr("终止程序：户状态不变，原因必填。"),
    }.get(step, "")
    if step.notice:
        hint = parent.tr("公示期不少于 {0} 天，自张贴之日起计算。").format(P.NOTICE_DAYS)
    if step.checks:
        hint = parent.tr("将按该户当年的12项指标核查并冻结；有未达标或无法判定的指标时须填写原因。")
    dialog = RecordDialog(
        parent.tr("登记“{0}”").format(step.name),
        PROCEDURE_STEP,
        tuple(keys),
        submit,
        parent,
        values=values,
        intro="　".join(x for x in (intro, hint) if x),
    )
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.open()
    return dialog


class ProcedurePanel(QWidget):
    """One household's procedures: where it stands, the next step, and every step recorded."""

    def __init__(self, editing: Editing, parent=None):
        super().__init__(parent)
        self.editing = editing
        self.household: dict | None = None
        self.current: P.Procedure | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        row = QHBoxLayout()
        self.state = QLabel()
        self.state.setStyleSheet("font-weight:bold;")
        self.state.setWordWrap(True)
        row.addWidget(self.state, 1)
        self.next_button = QPushButton()
        self.next_button.clicked.connect(lambda: self.next_dialog())
        self.start_button = QPushButton(self.tr("开始程序"))
        self.start_menu = QMenu(self)
        self.start_button.setMenu(self.start_menu)
        self.objection_button = QPushButton(self.tr("异议成立…"))
        self.objection_button.clicked.connect(lambda: self.event_dialog(P.OBJECTION))
        self.terminate_button = QPushButton(self.tr("终止…"))
        self.terminate_button.clicked.connect(lambda: self.event_dialog(P.TERMINATE))
        for b in (self.next_button, self.start_button, self.objection_button,
                  self.terminate_button):  # fmt: skip
            row.addWidget(b)
        layout.addLayout(row)
        self.model = RowsModel(
            [
                (self.tr("程序"), lambda r: f"{r['kind']}（{r['year']}）"),
                (self.tr("序号"), "seq"),
                (self.tr("步骤"), "step"),
                (self.tr("日期"), "date"),
                (self.tr("公示天数"), "days"),
                (self.tr("文书/文号"), "document"),
                (self.tr("核查结果"), _checked),
                (self.tr("原因"), "reason"),
                (self.tr("说明"), "note"),
                (self.tr("登记人"), "recorded_by"),
            ],
            self,
        )
        self.table = make_table(self.model, stretch_column=8)
        layout.addWidget(self.table, 1)

    def set_household(self, household: dict | None) -> None:
        self.household = household
        self.refresh()

    def refresh(self) -> None:
        h = self.household
        procs = PR.procedures_of(self.editing.store, h["id"]) if h else []
        self.model.set_rows([r for p in reversed(procs) for r in reversed(p.rows)])  # newest first
        self.current = next((p for p in reversed(procs) if p.open), None)
        cur = self.current
        if h is None:
            self.state.setText("")
        elif cur is not None:
            self.state.setText(
                self.tr("{0}（{1}年）：{2}").format(cur.kind.title, cur.year, cur.label())
            )
        elif procs:
            last = procs[-1]
            self.state.setText(self.tr("{0}：{1}").format(last.kind.title, last.label()))
        else:
            self.state.setText(self.tr("尚未开始任何程序"))
        nxt = cur.next_step if cur else None
        self.next_button.setVisible(nxt is not None)
        self.next_button.setText(self.tr("登记“{0}”…").format(nxt.name) if nxt else "")
        self.objection_button.setVisible(
            cur is not None and cur.notice is not None and nxt is not None and not nxt.notice
        )
        self.terminate_button.setVisible(cur is not None)
        self.start_menu.clear()
        status = C.current_status(h.get("status")) if h else None
        for kind in P.KINDS.values():
            if cur is None and h is not None and status in kind.starts_from:
                action = self.start_menu.addAction(
                    self.tr("{0}（第一步：{1}）").format(kind.title, kind.first.name)
                )
                action.triggered.connect(lambda _=False, k=kind: self.start_dialog(k))
        self.start_button.setVisible(cur is None and not self.start_menu.isEmpty())

    def next_dialog(self):
        if self.current is None or self.current.next_step is None:
            return None
        return step_dialog(self, self.editing, [self.household["id"]], self.current.next_step,
                           intro=self.current.kind.title)  # fmt: skip

    def start_dialog(self, kind: P.Kind):
        return step_dialog(self, self.editing, [self.household["id"]], kind.first,
                           kind=kind.key, intro=kind.title)  # fmt: skip

    def event_dialog(self, step: P.Step):
        if self.current is None:
            return None
        return step_dialog(self, self.editing, [self.household["id"]], step,
                           intro=self.current.kind.title)  # fmt: skip


class PlanBars(QWidget):
    """The year's task, the households planned to exit and those that exited, as bars."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[tuple[str, int | None, str]] = []  # (label, value, colour)
        self.title = ""
        self.setMinimumHeight(150)

    def set_figures(self, title: str, pva: list) -> None:
        """`pva`: storage.procedures.PlanVsActual of one village or every village."""

        def total(key):
            values = [getattr(p, key) for p in pva]
            known = [v for v in values if v is not None]
            return sum(known) if known else None

        self.title = title
        self.rows = [
            (self.tr("任务（户）"), total("task_households"), "#90a4ae"),
            (self.tr("计划脱贫（户）"), total("planned_households"), "#64b5f6"),
            (self.tr("已脱贫（户）"), total("exited_households"), "#43a047"),
            (self.tr("任务（人）"), total("task_people"), "#90a4ae"),
            (self.tr("计划脱贫（人）"), total("planned_people"), "#64b5f6"),
            (self.tr("已脱贫（人）"), total("exited_people"), "#43a047"),
        ]
        self.update()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("white"))
        fm = QFontMetrics(self.font())
        p.setPen(QColor("#212121"))
        p.drawText(8, fm.ascent() + 4, self.title)
        top = fm.height() + 10
        label_w = max([fm.horizontalAdvance(r[0]) for r in self.rows] or [40]) + 14
        value_w = fm.horizontalAdvance("000000") + 10
        row_h = max(fm.height() + 4, min(fm.height() * 2.2, (self.height() - top - 4) / 6))
        width = max(10, self.width() - label_w - value_w - 16)
        groups = (self.rows[:3], self.rows[3:])
        for g, rows in enumerate(groups):
            top_value = max([v or 0 for _, v, _ in rows] + [1])
            for i, (label, value, colour) in enumerate(rows):
                y = top + (g * 3 + i) * row_h
                p.setPen(QColor("#424242"))
                p.drawText(QRectF(4, y, label_w - 8, row_h), Qt.AlignVCenter | Qt.AlignRight,
                           label)  # fmt: skip
                bar_h = min(row_h * 0.7, 22)
                bar = QRectF(label_w, y + (row_h - bar_h) / 2, width * (value or 0) / top_value,
                             bar_h)  # fmt: skip
                p.fillRect(bar, QColor(colour))
                p.setPen(QColor("#212121"))
                text = self.tr("未下达") if value is None else str(value)
                p.drawText(QRectF(bar.right() + 6, y, value_w + 40, row_h), Qt.AlignVCenter, text)
        p.end()


class VillageProcedures(QWidget):
    """A village's 动态管理: the year's task and plan vs actual, its in/out list, and its
    households by where their procedure stands (待公示, 公示中（还剩3天）, 待公告 …)."""

    household_requested = Signal(str)
    notice_requested = Signal(str, str)  # village id, report kind (reports.notice.KINDS)

    def __init__(self, editing: Editing, parent=None):
        super().__init__(parent)
        self.editing = editing
        self.village: dict | None = None
        self.year: int | None = None
        self.standings: list[PR.Standing] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        head = QHBoxLayout()
        self.plan = QLabel()
        self.plan.setWordWrap(True)
        head.addWidget(self.plan, 1)
        self.plan_button = QPushButton()
        self.plan_button.clicked.connect(lambda: self.plan_dialog())
        head.addWidget(self.plan_button)
        layout.addLayout(head)
        self.moves = QLabel()
        self.moves.setWordWrap(True)
        layout.addWidget(self.moves)
        split = QSplitter(Qt.Horizontal)
        self.bars = PlanBars()
        split.addWidget(self.bars)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        self.model = RowsModel(
            [
                (self.tr("户编号"), lambda s: s.household.get("household_no")),
                (self.tr("户主"), lambda s: self._heads.get(s.household["id"], "")),
                (self.tr("程序"), lambda s: f"{s.procedure.kind.name}（{s.procedure.year}）"),
                (self.tr("进度"), lambda s: s.procedure.label()),
                (self.tr("最近一步"), lambda s: (s.procedure.last_row or {}).get("step")),
                (self.tr("日期"), lambda s: (s.procedure.last_row or {}).get("date")),
            ],
            self,
        )
        self._heads: dict[str, str] = {}
        self.table = make_table(self.model, stretch_column=3)
        for col, width in enumerate((70, 90, 110, 170, 90)):
            self.table.horizontalHeader().resizeSection(col, width)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.table.doubleClicked.connect(self._double_clicked)
        self.lists = QTabWidget()
        self.lists.setDocumentMode(True)
        steps = QWidget()
        sl = QVBoxLayout(steps)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.addWidget(self.table, 1)
        self.lists.addTab(steps, self.tr("程序进度"))
        self.moved_model = RowsModel(
            [
                (self.tr("类别"), "what"),
                (self.tr("户编号"), lambda r: r["moved"].household.get("household_no")),
                (self.tr("户主"), lambda r: r["moved"].head),
                (self.tr("人数"), lambda r: r["moved"].people),
                (self.tr("日期"), lambda r: r["moved"].date),
            ],
            self,
        )
        self.moved = make_table(self.moved_model, stretch_column=4)
        self.moved.doubleClicked.connect(self._moved_clicked)
        self.lists.addTab(self.moved, self.tr("进出名单"))
        rl.addWidget(self.lists, 1)
        row = QHBoxLayout()
        self.step_button = QPushButton(self.tr("为选中的户登记下一步…"))
        self.step_button.clicked.connect(lambda: self.step_selected())
        row.addWidget(self.step_button)
        row.addStretch(1)
        rl.addLayout(row)
        split.addWidget(right)
        split.setSizes([340, 900])
        layout.addWidget(split, 1)

    def set_village(self, village: dict | None, year: int | None) -> None:
        self.village, self.year = village, year
        self.refresh()

    def refresh(self) -> None:
        v, year, store = self.village, self.year, self.editing.store
        if not v or year is None:
            self.model.set_rows([])
            self.plan.setText("")
            self.moves.setText("")
            self.bars.set_figures("", [])
            self.moved_model.set_rows([])
            return
        plan = PR.exit_plan(store, v["id"], year) or {}
        task = (
            self.tr("{0}户{1}人").format(plan["households"], plan.get("people") or 0)
            if plan.get("households") is not None
            else self.tr("县里尚未下达")
        )
        text = self.tr("{0}年减贫任务：{1}").format(year, task)
        if plan.get("proposed_households") is not None:
            text += self.tr("；工作队建议 {0}户{1}人").format(
                plan["proposed_households"], plan.get("proposed_people") or 0
            )
        self.plan.setText(text)
        self.plan_button.setText(self.tr("建议任务…") if self._team() else self.tr("下达任务…"))
        moved = PR.movements(store, year, v["id"])
        self.moves.setText(
            self.tr("{0}年进出：").format(year)
            + "　".join(
                self.tr("{0} {1}户{2}人").format(what, len(rows), sum(m.people for m in rows))
                for what, rows in moved.items()
            )
        )
        self.moved_model.set_rows(
            [{"what": what, "moved": m} for what, rows in moved.items() for m in rows]
        )
        self.lists.setTabText(
            1, self.tr("进出名单（{0}户）").format(sum(len(r) for r in moved.values()))
        )
        self.bars.set_figures(
            self.tr("{0}年减贫计划与完成").format(year), PR.plan_vs_actual(store, year, v["id"])
        )
        self.standings = [s for s in PR.village_standings(store, v["id"]) if s.procedure.open]
        # 公示中 first (its days run out), then by the step waited for
        self.standings.sort(key=lambda s: (not s.procedure.label().startswith("公示中"),
                                           s.procedure.label(), s.household["household_no"]))  # fmt: skip
        self._heads = PR.heads(store, [s.household["id"] for s in self.standings])
        self.model.set_rows(self.standings)
        self.step_button.setEnabled(bool(self.standings))

    def _team(self) -> bool:
        return self.editing.store.role != "county" and team_of(self.editing.store) is not None

    def selected(self) -> list[PR.Standing]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.standings[r] for r in rows if r < len(self.standings)]

    def step_selected(self):
        """The same next step for every selected household (one notice lists many)."""
        chosen = self.selected()
        if not chosen:
            QMessageBox.information(self, self.tr("登记下一步"), self.tr("请先在列表中选择户"))
            return None
        steps = {s.procedure.next_step for s in chosen}
        kinds = {s.procedure.kind for s in chosen}
        if len(steps) != 1 or len(kinds) != 1:
            QMessageBox.information(
                self,
                self.tr("登记下一步"),
                self.tr("选中的户下一步不同，请只选择同一程序、同一步骤的户"),
            )
            return None
        step, kind = steps.pop(), kinds.pop()
        vid = self.village["id"]

        def done(_outcome):
            if step.notice or step.announce:
                report = kind.notice_report if step.notice else kind.announce_report
                self.notice_requested.emit(vid, report)

        return step_dialog(
            self,
            self.editing,
            [s.household["id"] for s in chosen],
            step,
            intro=self.tr("{0}：{1}户").format(kind.title, len(chosen)),
            done=done,
        )

    def plan_dialog(self):
        if not self.village or self.year is None:
            return None
        propose = self._team()
        vid, year = self.village["id"], self.year

        def submit(v: dict):
            return self.editing.set_exit_plan(
                vid, year, _int(v.get("households")), _int(v.get("people")), propose=propose
            ).problems

        plan = PR.exit_plan(self.editing.store, vid, year) or {}
        dialog = RecordDialog(
            self.tr("{0}年减贫任务").format(year),
            EXIT_PLAN,
            ("households", "people"),
            submit,
            self,
            values={
                "households": plan.get("proposed_households" if propose else "households"),
                "people": plan.get("proposed_people" if propose else "people"),
            },
            intro=self.tr("工作队的建议随同步报县里，任务由县扶贫办下达。")
            if propose
            else self.tr("下达的任务随同步发给工作队。"),
        )
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _moved_clicked(self, index) -> None:
        rows = self.moved_model.rows
        if 0 <= index.row() < len(rows):
            self.household_requested.emit(rows[index.row()]["moved"].household["id"])

    def _double_clicked(self, index) -> None:
        if 0 <= index.row() < len(self.standings):
            self.household_requested.emit(self.standings[index.row()].household["id"])
