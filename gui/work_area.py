"""The work area of an open register: the household table, editor and check panel, and the
village, reminders and needs pages; it refreshes each from the Changes of every write."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from forms.criteria.result import UNMET
from storage import browse
from storage.changes import Changes
from storage.register import policy_years

from .check_panel import CheckPanel
from .county_page import CountyPage
from .criteria import CriteriaCache
from .editing import Editing
from .editor import HouseholdEditor
from .guard import may_discard
from .household_table import FilterBar, HouseholdTableModel
from .measures import NeedsPage
from .reminders import RemindersPage
from .scope_tree import scope_filter
from .village_view import VillagePage

PAGE_HOUSEHOLDS, PAGE_VILLAGE, PAGE_REMINDERS, PAGE_NEEDS, PAGE_COUNTY = range(5)
COLUMN_WIDTHS = (54, 62, 38, 62, 90, 86, 66, 70)


def _t(text: str) -> str:
    return QCoreApplication.translate("WorkArea", text)


class WorkArea(QTabWidget):
    """Everything that needs an open register; rebuilt when another file is opened. The window
    talks to it through the intent methods below, never through its widgets."""

    household_shown = Signal(object)  # the household now in the editor (id or None)
    village_wanted = Signal(str)  # a click-through to a household of another village
    message = Signal(str)  # a line for the status bar
    notice_wanted = Signal(str, str)  # a notice just posted: (village id, reports.notice kind)

    def __init__(self, store, criteria: CriteriaCache, year: int, years: list[int], parent=None):
        super().__init__(parent)
        self.store = store
        self.criteria = criteria
        self.year = year
        self.scope: dict | None = None
        self.household_id: str | None = None
        self._dirty_pages: set[int] = set()
        self.editing = Editing(store, self)
        self.setDocumentMode(True)
        self.addTab(self._households_page(), self.tr("贫困户"))
        self.village_page = VillagePage(self.editing)
        self.reminders_page = RemindersPage()
        self.needs_page = NeedsPage()
        self.addTab(self.village_page, self.tr("村情与指标"))
        self.addTab(self.reminders_page, self.tr("走访提醒"))
        self.addTab(self.needs_page, self.tr("需求清单"))
        self.county_page = CountyPage(store, year) if store.role == "county" else None
        if self.county_page is not None:  # evaluates when shown, again after a write touching it
            self.addTab(self.county_page, self.tr("全县指标"))
            self.county_page.village_requested.connect(self.go_to_village)
        self._criterion_filter_timer = QTimer(self, singleShot=True, interval=800)
        self._criterion_filter_timer.timeout.connect(self.reload_table)
        self._wire()
        self.editor.set_year(year, years)

    def _households_page(self) -> QSplitter:
        """贫困户: table | editor over check panel."""
        page = QSplitter(Qt.Horizontal)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(4, 4, 4, 4)
        self.filter_bar = FilterBar()
        ll.addWidget(self.filter_bar)
        self.model = HouseholdTableModel(self.store, self.criteria, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for col, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(col, width)
        header.setStretchLastSection(True)
        ll.addWidget(self.table, 1)
        page.addWidget(left)
        right = QSplitter(Qt.Vertical)
        self.check_panel = CheckPanel()
        self.editor = HouseholdEditor(self.editing, self.unmet_criteria)
        right.addWidget(self.editor)
        right.addWidget(self.check_panel)
        right.setSizes([430, 270])
        page.addWidget(right)
        page.setSizes([600, 540])
        page.setStretchFactor(0, 1)
        page.setStretchFactor(1, 1)
        self.households_page = page
        return page

    def _wire(self) -> None:
        self.editing.changed.connect(self.apply)
        self.filter_bar.changed.connect(self.reload_table)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.check_panel.focus_requested.connect(self.editor.focus_criterion)
        self.check_panel.add_measure_requested.connect(
            lambda c: self.editor.measures.add_measure_dialog(c)
        )
        self.village_page.criterion_filter_requested.connect(self.filter_unmet_criterion)
        self.village_page.issue_requested.connect(self.go_to_issue)
        self.village_page.procedures.household_requested.connect(self.go_to_household)
        self.village_page.procedures.notice_requested.connect(self.notice_wanted)
        for page in (self.reminders_page, self.needs_page):
            page.household_requested.connect(self.go_to_household)
        self.currentChanged.connect(self._page_changed)
        self.criteria.updated.connect(self._criteria_updated)

    def unmet_criteria(self) -> list:
        evaluation = self.check_panel.evaluation
        return [c for c in evaluation.criteria if c.status == UNMET] if evaluation else []

    # -- after every write ---------------------------------------------------------------------
    def apply(self, changes: Changes) -> None:
        """Refresh what the Changes name: a visit note re-runs no criteria, a housing area
        re-reads nothing (the editor and the criteria take the stored record from them)."""
        if changes.everything:  # a whole-file change (a sync import): everything anew
            self.reload_all()
            return
        if changes.policy or changes.closed_years:
            self.recheck(self.year, policy_years(self.store))
        elif changes.criteria:
            for hid in changes.households:
                if hid == self.household_id:
                    self.evaluate_current(changes)
                else:
                    self.criteria.refresh(self.store, hid, changes)
        self.model.apply(changes)
        if self.county_page is not None:
            self.county_page.apply(changes)
        if changes.register:
            self.filter_bar.set_cadres(browse.cadre_choices(self.store, self.village_id()))
        # (a village fact is typed on the village page, which evaluates the 17 again itself:
        # reloading it would drop the refused input of its other fields)
        # (its 疑点 read the open measures too: Q11, planned to exit with no measure)
        if changes.criteria or changes.register or changes.measures or changes.procedures:
            self._dirty_pages.add(PAGE_VILLAGE)
        if changes.visits or changes.household_fields or changes.members:
            self._dirty_pages.add(PAGE_REMINDERS)
        if changes.measures or changes.household_fields or changes.members:  # 户主 is a member
            self._dirty_pages.add(PAGE_NEEDS)
        self._page_changed(self.currentIndex())

    def reload_all(self) -> None:
        """Read everything again; the editor keeps refused input it holds (never dropped)."""
        self.model.cache.clear()
        self.filter_bar.set_cadres(browse.cadre_choices(self.store, self.village_id()))
        self.recheck(self.year, policy_years(self.store))
        self.reload_table()
        if not self.pending_invalid():
            self.show_household(self.household_id)
        self._dirty_pages |= {PAGE_VILLAGE, PAGE_REMINDERS, PAGE_NEEDS}
        if self.county_page is not None:
            self.county_page.apply(Changes(everything=True))
        self._page_changed(self.currentIndex())

    # -- scope, year, the household table and the household shown ----------------------------
    def village_id(self) -> str | None:
        return scope_filter(self.scope).village_id

    def set_scope(self, scope: dict | None) -> None:
        self.scope = scope
        self.filter_bar.set_cadres(browse.cadre_choices(self.store, self.village_id()))
        self.reload_table()
        self._dirty_pages = {PAGE_VILLAGE, PAGE_REMINDERS, PAGE_NEEDS}
        self._page_changed(self.currentIndex())

    def recheck(self, year: int, years: list[int]) -> None:
        """Evaluate the criteria for `year` again (another year, or its policy values)."""
        self.year = year
        villages = browse.village_ids(self.store, browse.HouseholdFilter())
        self.criteria.start(self.store.path, year, villages)
        self.editor.set_year(year, years)
        self.evaluate_current()
        if self.county_page is not None:
            self.county_page.set_year(year)
        self._dirty_pages.add(PAGE_VILLAGE)
        self._page_changed(self.currentIndex())

    def current_filter(self) -> browse.HouseholdFilter:
        return self.filter_bar.apply(scope_filter(self.scope))

    def reload_table(self) -> None:
        keep = self.household_id
        self.model.set_filter(self.current_filter(), self.filter_bar.unmet_criterion())
        self.select_household(keep)
        self.filter_bar.count.setText(self.tr("{0} 户").format(len(self.model.ids)))

    def select_household(self, hid: str | None) -> None:
        """Show household `hid` and highlight its row (the first row when it is not listed),
        asking first when the editor holds refused input."""
        row = self.model.row_of.get(hid) if hid else None
        if row is None:
            row = 0 if self.model.ids else None
        target = self.model.ids[row] if row is not None else None
        if target != self.household_id and not self.may_leave_household():
            return  # the editor stays on the household with the refused input
        if row is None:
            self.show_household(None)
            return
        self._set_current_row(row)
        self.table.viewport().update()
        self.table.scrollTo(self.model.index(row, 0))
        if target != self.household_id:
            self.show_household(target)

    def _set_current_row(self, row: int) -> None:
        sm = self.table.selectionModel()
        sm.blockSignals(True)  # asked already: _row_changed must not ask again
        self.table.setCurrentIndex(self.model.index(row, 0))
        sm.blockSignals(False)

    def pending_invalid(self) -> list[str]:
        return self.editor.pending_invalid()

    def may_leave_household(self) -> bool:
        """True unless the editor holds refused input the user wants to keep working on."""
        return may_discard(self, self.pending_invalid(), _t("另一户"))

    def _row_changed(self, current, _previous) -> None:
        hid = self.model.household_id(current.row()) if current.isValid() else None
        if hid == self.household_id:
            return
        if not self.may_leave_household():
            row = self.model.row_of.get(self.household_id)
            if row is not None:
                self._set_current_row(row)
            return
        self.show_household(hid)

    def show_household(self, hid: str | None) -> None:
        self.household_id = hid
        self.editor.set_household(hid)
        self.evaluate_current()
        self.household_shown.emit(hid)

    def evaluate_current(self, changes: Changes | None = None) -> None:
        hid = self.household_id
        evaluation = self.criteria.refresh(self.store, hid, changes) if hid else None
        self.check_panel.show_evaluation(evaluation, self.year)

    def go_to_household(self, hid: str) -> None:
        """Show a household from another view (reminders, needs list, 疑点)."""
        place = browse.household_place(self.store, hid)
        if place is None:
            return
        if hid != self.household_id:
            if not self.may_leave_household():
                return
            self.show_household(None)  # the refused input is given up, as agreed
        self.setCurrentIndex(PAGE_HOUSEHOLDS)
        self.filter_bar.clear()
        scope = self.scope or {}
        if scope.get("village_id") != place["village_id"] or scope.get("kind") == "group":
            self.village_wanted.emit(place["village_id"])  # the tree sets the scope
        self.reload_table()
        self.select_household(hid)

    def go_to_issue(self, issue) -> None:
        """A household's 疑点 (forms.criteria.quality.Issue): the household, at the field the
        issue names — its member's field when it names a member."""
        self.go_to_household(issue.household_id)
        if self.household_id == issue.household_id:
            self.editor.focus_issue(issue.member_id, issue.field)

    def go_to_village(self, village_id: str) -> None:
        """The village page of a village chosen on the county page (the tree sets the scope)."""
        self.village_wanted.emit(village_id)
        self.setCurrentIndex(PAGE_VILLAGE)

    def filter_unmet_criterion(self, no: int) -> None:
        self.filter_bar.criterion.setCurrentIndex(self.filter_bar.criterion.findData(no))
        self.setCurrentIndex(PAGE_HOUSEHOLDS)

    def _criteria_updated(self, _hids: list) -> None:
        if self.filter_bar.unmet_criterion() and not self.criteria.complete:
            self._criterion_filter_timer.start()

    def criteria_finished(self) -> None:
        if self.model.sort_column == len(self.model.COLUMNS) - 1:
            self.model.sort(self.model.sort_column, self.model.sort_order)
        if self.currentIndex() == PAGE_VILLAGE:
            self.village_page.refresh_chart()

    # -- the other pages -----------------------------------------------------------------------
    def _page_changed(self, index: int) -> None:
        if index not in self._dirty_pages:
            return
        self._dirty_pages.discard(index)
        flt = scope_filter(self.scope)
        if index == PAGE_VILLAGE:
            self.village_page.set_village(flt.village_id, self.year, self.criteria)
        elif index == PAGE_REMINDERS:
            self.reminders_page.set_scope(self.store, flt)
        elif index == PAGE_NEEDS:
            self.needs_page.set_scope(self.store, flt)

    # -- intents of the menus ------------------------------------------------------------------
    def _on_household_tab(self, tab: QWidget) -> bool:
        if not self.household_id:
            return False
        self.setCurrentIndex(PAGE_HOUSEHOLDS)
        self.editor.tabs.setCurrentWidget(tab)
        return True

    def new_visit(self):
        return (
            self.editor.visits.start_visit_dialog()
            if self._on_household_tab(self.editor.visits)
            else None
        )

    def add_measure(self):
        if not self._on_household_tab(self.editor.measures):
            return None
        return self.editor.measures.add_measure_dialog(self.check_panel.list.selected())

    def change_status(self):
        return (
            self.editor.status.change_dialog()
            if self._on_household_tab(self.editor.status_page)
            else None
        )

    def find(self) -> None:
        self.setCurrentIndex(PAGE_HOUSEHOLDS)
        self.filter_bar.text.setFocus()
        self.filter_bar.text.selectAll()
