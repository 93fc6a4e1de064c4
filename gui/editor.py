"""The household editor: tabs rendered from the forms declarations, saving each valid edit."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from forms.entities import HOUSEHOLD
from storage import browse
from storage.changes import Changes

from .editing import Editing
from .fields import FormSection
from .finance import FinanceTab
from .history_dialog import HistoryDialog
from .measures import MeasuresTab
from .members import MembersTab
from .procedures import ProcedurePanel
from .status import StatusTab
from .visits import VisitsTab

FLASH = "QWidget { background: #fff59d; }"
# Household fields the header shows (户编号 · 户主 · 状态).
HEADER_FIELDS = frozenset({"household_no", "status"})


def _scroll(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.NoFrame)
    area.setWidget(widget)
    return area


class HouseholdEditor(QWidget):
    """One household: 基本信息 / 家庭成员 / 生产生活条件 / 收入支出 / 帮扶措施 / 走访记录 / 状态与程序."""

    TABS = (
        "基本信息",
        "家庭成员",
        "生产生活条件",
        "收入支出",
        "帮扶措施",
        "走访记录",
        "状态与程序",
    )

    def __init__(self, editing: Editing, unmet_criteria, parent=None):
        super().__init__(parent)
        self.editing = editing
        self.household: dict | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.header = QLabel()
        self.header.setStyleSheet("font-weight:bold; font-size:11pt; padding:2px;")
        self.history_button = QPushButton(self.tr("修改记录…"))
        self.history_button.setToolTip(
            self.tr("本户的全部修改：谁、何时、原值 → 新值、经由哪次走访或同步")
        )
        self.history_button.clicked.connect(self.show_history)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.history_button)
        layout.addLayout(top)
        self.visit_banner = QLabel()
        self.visit_banner.setStyleSheet("background:#fff3e0; color:#e65100; padding:3px;")
        self.visit_banner.setVisible(False)
        layout.addWidget(self.visit_banner)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        # seven tabs in the ~550 px the editor gets on a 1366×768 laptop: tighter padding keeps
        # 状态变更 visible instead of behind scroll arrows
        self.tabs.tabBar().setStyleSheet("QTabBar::tab { padding: 4px 7px; }")
        layout.addWidget(self.tabs, 1)

        self.basic = FormSection(HOUSEHOLD, HOUSEHOLD.sections["基本信息"], columns=1)
        self.basic.save = self._save_household
        self.basic.rows["status"].input.set_read_only(True)
        self.basic.rows["status"].input.setToolTip(
            self.tr("在“状态与程序”页办理识别、脱贫、返贫、清退程序，日期和原因会被记录")
        )
        self.members = MembersTab(editing)
        self.conditions = FormSection(HOUSEHOLD, HOUSEHOLD.sections["生产生活条件"], columns=1)
        self.conditions.save = self._save_household
        self.finance = FinanceTab(editing)
        self.measures = MeasuresTab(editing)
        self.visits = VisitsTab(editing)
        self.status = StatusTab(editing, unmet_criteria)
        self.procedures = ProcedurePanel(editing)
        status_page = QSplitter(Qt.Vertical)
        status_page.addWidget(self.procedures)
        status_page.addWidget(self.status)
        status_page.setSizes([260, 200])
        self.status_page = status_page
        for widget, title in (
            (_scroll(self.basic), "基本信息"),
            (self.members, "家庭成员"),
            (_scroll(self.conditions), "生产生活条件"),
            (self.finance, "收入支出"),
            (self.measures, "帮扶措施"),
            (self.visits, "走访记录"),
            (status_page, "状态与程序"),
        ):
            self.tabs.addTab(widget, self.tr(title))
        editing.changed.connect(self.apply)
        self.set_household(None)

    # -- loading -------------------------------------------------------------------------------
    def set_year(self, year: int | None, years: list[int]) -> None:
        self.finance.set_years(years, year)
        self.finance.load()

    def set_household(self, household_id: str | None) -> None:
        store = self.editing.store
        self.household = store.get("households", household_id) if household_id else None
        h = self.household
        if h:
            self._set_choices(h["village_id"])
        self.basic.set_record(h)
        self.basic.rows["status"].input.set_read_only(True)
        self.conditions.set_record(h)
        self.members.set_household(household_id if h else None)
        self.finance.set_household(household_id if h else None)
        self.measures.set_household(h)
        self.visits.set_household(h)
        self.status.set_household(h)
        self.procedures.set_household(h)
        self._update_header()
        self._update_visit_banner()
        self.tabs.setEnabled(h is not None)
        self.history_button.setEnabled(h is not None)

    def show_history(self) -> HistoryDialog | None:
        if not self.household:
            return None
        dialog = HistoryDialog(self.editing.store, self.household["id"], self)
        dialog.open()
        return dialog

    def _set_choices(self, village_id: str) -> None:
        store = self.editing.store
        self.basic.set_choices("group_id", browse.group_choices(store, village_id))
        self.basic.set_choices("cadre_id", browse.cadre_choices(store, village_id))

    def _update_header(self) -> None:
        h = self.household
        if not h:
            self.header.setText(self.tr("未选择贫困户"))
            return
        head = browse.household_label(self.editing.store, h["id"])
        self.header.setText(f"{head}　·　{h.get('status') or ''}")

    def _update_visit_banner(self) -> None:
        visit = self.editing.visit
        if visit and self.household and visit["household_id"] == self.household["id"]:
            self.visit_banner.setText(
                self.tr(
                    "● 走访进行中（{0}）：现在的修改将记为本次走访的发现。在“走访记录”页结束走访。"
                ).format(visit["date"])
            )
            self.visit_banner.setVisible(True)
        else:
            self.visit_banner.setVisible(False)
        self.visits._update_state()

    # -- saving --------------------------------------------------------------------------------
    def _save_household(self, key: str, raw) -> str | None:
        if not self.household:
            return None
        hid = self.household["id"]
        return self.editing.save("household", hid, hid, key, raw)

    def apply(self, changes: Changes) -> None:
        """After a write, an undo or a redo: show what changed of this household, no more."""
        h = self.household
        if h is not None and changes.register:  # a new cadre or group to choose from
            self._set_choices(h["village_id"])
        if h is None or h["id"] not in changes.households:
            if changes.visits:
                self._update_visit_banner()  # a visit of another household began or ended
            return
        keys = tuple(changes.diff)
        if changes.household_fields:
            record = changes.record if changes.entity == "household" and changes.record else None
            self.household = record or self.editing.store.get("households", h["id"])
            fields = tuple(changes.household_fields)
            self.basic.sync(self.household, fields)
            self.conditions.sync(self.household, fields)
            if changes.status:
                self.status.set_household(self.household)
                self.procedures.set_household(self.household)
        if changes.members:
            self.members.refresh(force=keys if changes.entity == "member" else ())
        if changes.members or changes.finances:
            record = changes.record if changes.entity == "finance" else None
            if record:
                self.finance.show_year(record["year"])
            self.finance.load(force=keys if changes.finances else ())
        if changes.procedures:
            self.procedures.refresh()
        if changes.measures:
            self.measures.refresh()
        if changes.visits:
            self.visits.refresh()
            self._update_visit_banner()
        if changes.members or HEADER_FIELDS & changes.household_fields:
            self._update_header()

    def pending_invalid(self) -> list[str]:
        return (
            self.basic.pending_invalid()
            + self.conditions.pending_invalid()
            + self.members.form.pending_invalid()
            + self.finance.form.pending_invalid()
        )

    # -- from the check panel ------------------------------------------------------------------
    def focus_criterion(self, result) -> bool:
        """Show and focus the field (or member) behind a criterion (CriterionResult.fields)."""
        path = self._pick(result)
        return path is not None and self.focus_path(path)

    def focus_issue(self, member_id, field: str) -> bool:
        """Show and focus the field a 疑点 names (forms.criteria.quality.Issue): "member.<key>"
        of its member, "household.<key>", "finance.<key>", "measures", "status_history.<key>"."""
        where, dot, key = field.partition(".")
        if where == "member":
            where = f"member:{member_id}" if member_id is not None else "members"
        return self.focus_path(f"{where}{dot}{key}")

    def focus_path(self, path: str) -> bool:
        """Show and focus one field path: "household.<key>", "finance.<key>",
        "member:<id>.<key>" (or "members.<key>": the member shown), "measures",
        "status_history" (the tabs)."""
        where, _, key = path.partition(".")
        if where in ("measures", "status_history"):
            self.tabs.setCurrentWidget(self.measures if where == "measures" else self.status_page)
            return True
        if where == "household":
            section = self.basic if key in self.basic.rows else self.conditions
            self.tabs.setCurrentIndex(0 if section is self.basic else 2)
            ok = section.focus(key)
            widget = section.rows[key].input if ok else None
        elif where == "finance":
            self.tabs.setCurrentIndex(3)
            ok = self.finance.form.focus(key)
            widget = self.finance.form.rows[key].input if ok else None
        elif where.startswith("member:") or where == "members":
            self.tabs.setCurrentIndex(1)
            member_id = where.partition(":")[2] or None
            if member_id and member_id.startswith("#"):
                member_id = None
            ok = self.members.focus_member_field(member_id, key) if key else True
            widget = (
                self.members.form.rows[key].input
                if key in self.members.form.rows
                else self.members.table
            )
        else:
            return False
        if widget is not None:
            widget.setStyleSheet(FLASH)
            QTimer.singleShot(1500, widget, lambda w=widget: w.setStyleSheet(""))
        return True

    def _pick(self, result) -> str | None:
        paths = [p for p in result.fields if not p.startswith("policy.")]
        if not paths:
            return None
        text = "；".join(result.reasons)
        members = {f"member:{m['id']}": m.get("name") or "" for m in self.members.members}
        # A reason names the member ("李小红（12岁）辍学"): go to that member first.
        for p in paths:
            prefix = p.partition(".")[0]
            name = members.get(prefix)
            if name and name in text:
                return p
        h = self.household or {}
        for p in paths:
            where, _, key = p.partition(".")
            if where == "household":
                label = HOUSEHOLD[key].label if key in HOUSEHOLD else key
                if label in text or h.get(key) in (None, "", []):
                    return p
            if where == "finance" and key:
                return p
        return paths[0]
