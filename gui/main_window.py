"""The main window: menus, toolbar, the scope tree and status bar around the work area."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QLabel,
    QMainWindow,
    QProgressBar,
    QStackedWidget,
    QToolBar,
)

from storage import browse
from storage.changes import Changes
from storage.cipher import is_encrypted
from storage.register import policy_years

from .actions import build_menus, create_actions, update_enabled
from .criteria import CriteriaCache
from .dialogs import OperatorDialog, about, remember_operator
from .files import FileActions
from .guard import may_quit, tell
from .passphrase_actions import PassphraseActions
from .register_dialogs import RegisterActions
from .scope_tree import ScopeTree
from .start_page import StartPage
from .sync_actions import SyncActions
from .work_area import PAGE_HOUSEHOLDS, PAGE_NEEDS, PAGE_REMINDERS, PAGE_VILLAGE, WorkArea
from .year_dialogs import YearActions

TOOLBAR_ACTIONS = (
    "register.new_household",
    "work.new_visit",
    "work.add_measure",
    "work.change_status",
)


class MainWindow(
    FileActions, PassphraseActions, RegisterActions, SyncActions, YearActions, QMainWindow
):
    store_opened = Signal()

    def __init__(self, settings: QSettings, operator: str, parent=None):
        super().__init__(parent)
        self.settings = settings
        self.operator = operator
        self.store = None
        self.register_lock = None  # storage.lock: one window per register
        self.work: WorkArea | None = None
        self.editing = None  # the open register's gui.editing.Editing: every write
        self.scope: dict | None = None
        self.year: int | None = None
        self.criteria = CriteriaCache(self)
        self.criteria.progress.connect(self._criteria_progress)
        self.criteria.finished.connect(self._criteria_finished)
        self.undo_group = QUndoGroup(self)
        self.setWindowTitle("")  # the application display name alone
        self._build_menus_and_toolbar()

        self.tree = ScopeTree()
        self.tree.scope_changed.connect(self._scope_changed)
        self.tree_dock = QDockWidget(self.tr("县 → 乡镇 → 村 → 社"), self)
        self.tree_dock.setObjectName("scope_dock")
        self.tree_dock.setWidget(self.tree)
        self.tree_dock.setFeatures(QDockWidget.DockWidgetMovable)
        self.addDockWidget(Qt.LeftDockWidgetArea, self.tree_dock)
        self.resizeDocks([self.tree_dock], [200], Qt.Horizontal)

        self.stack = QStackedWidget()
        self.start_page = StartPage()
        self.start_page.new_village.connect(self.on_register_new_village)
        self.start_page.import_file.connect(self.on_file_import)
        self.start_page.open_demo.connect(self.open_demo)
        self.start_page.open_file.connect(self.on_file_open)
        self.start_page.protect.connect(self.on_file_passphrase)
        self.stack.addWidget(self.start_page)
        self.setCentralWidget(self.stack)
        self._build_status_bar()

        self.resize(1366, 768)
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        self._show_start(None, "")

    def _build_menus_and_toolbar(self) -> None:
        self.actions = create_actions(self, self)
        undo = self.undo_group.createUndoAction(self, self.tr("撤销"))
        undo.setShortcut(QKeySequence.Undo)
        redo = self.undo_group.createRedoAction(self, self.tr("重做"))
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.actions["edit.undo"], self.actions["edit.redo"] = undo, redo
        build_menus(self.menuBar(), self.actions, {"edit": [undo, redo]})
        toolbar = QToolBar(self.tr("工具栏"))
        toolbar.setObjectName("main_toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        toolbar.addWidget(QLabel(self.tr(" 核查年度 ")))
        self.year_combo = QComboBox()
        self.year_combo.currentIndexChanged.connect(self._year_chosen)
        toolbar.addWidget(self.year_combo)
        toolbar.addSeparator()
        for key in TOOLBAR_ACTIONS:
            toolbar.addAction(self.actions[key])
        toolbar.addSeparator()
        toolbar.addAction(self.actions["reports.print"])
        toolbar.addSeparator()
        toolbar.addAction(undo)
        toolbar.addAction(redo)
        self.addToolBar(toolbar)

    def _build_status_bar(self) -> None:
        self.status_label = QLabel()
        self.statusBar().addWidget(self.status_label, 1)
        self.criteria_bar = QProgressBar()
        self.criteria_bar.setMaximumWidth(220)
        self.criteria_bar.setFormat(self.tr("核查指标 %v/%m 个村"))
        self.criteria_bar.setVisible(False)
        self.statusBar().addPermanentWidget(self.criteria_bar)
        self.operator_label = QLabel()
        self.statusBar().addPermanentWidget(self.operator_label)
        self._update_operator_label()

    @property
    def household_id(self) -> str | None:
        """The household in the editor."""
        return self.work.household_id if self.work is not None else None

    # -- an open register ----------------------------------------------------------------------
    def _opened(self, result: dict) -> None:
        if result["lock"] is self.register_lock:  # the same register again: its lock stays
            self.register_lock = None
        self.close_store()
        self.register_lock = result["lock"]
        self.store = result["store"]
        self.store.operator = self.operator
        self.settings.setValue("last_file", str(self.store.path))
        # Qt appends the application display name ("… — 精准扶贫驻村帮扶台账") itself
        self.setWindowTitle(self.store.path.name)
        self.status_label.clear()  # nothing said about the previous file still holds
        if self.store.backup_problem:  # it opened, but today's automatic backup was not made
            self.status_label.setText(
                self.tr("今天的自动备份未能完成：{0}").format(self.store.backup_problem)
            )
        self.year = result["year"]
        self._fill_years(result["years"])
        work = WorkArea(self.store, self.criteria, self.year, result["years"])
        self.work, self.editing = work, work.editing
        self.undo_group.addStack(self.editing.undo_stack)
        self.undo_group.setActiveStack(self.editing.undo_stack)
        self.editing.changed.connect(self._changed)
        self.editing.failed.connect(lambda m: tell(self, self.tr("未能完成"), m))
        work.household_shown.connect(lambda _hid: self._update_actions())
        work.village_wanted.connect(self.tree.select_village)
        work.notice_wanted.connect(self.print_notice)
        if work.county_page is not None:  # its 处理疑点… / 处理冲突… open the 同步 menu's dialogs
            work.county_page.duplicates_requested.connect(self.on_sync_duplicates)
            work.county_page.conflicts_requested.connect(self.on_sync_conflicts)
        self.stack.addWidget(work)
        self._load_tree(result["tree"])
        self.store_opened.emit()

    def close_store(self) -> None:
        self.criteria.stop()
        if self.work is not None:
            self.undo_group.removeStack(self.editing.undo_stack)
            self.stack.removeWidget(self.work)
            self.work.deleteLater()
            self.work = self.editing = None
        if self.store is not None:
            self.store.close()
            self.store = None
        if self.register_lock is not None:
            self.register_lock.release()
            self.register_lock = None

    def _load_tree(self, villages: list[dict]) -> None:
        if not villages:
            self.tree.model_.load([])
            self._show_start(str(self.store.path), "")
            return
        self.stack.setCurrentWidget(self.work)
        # Start the criteria first: the tree's first selection evaluates a household.
        self.criteria.start(self.store.path, self.year, [v["id"] for v in villages])
        self.tree.load(villages)
        self._update_actions()

    def _show_start(self, path: str | None, error: str) -> None:
        plain = self.store is not None and not is_encrypted(self.store.path)
        self.start_page.set_state(path, self.store is not None, error, recommend_passphrase=plain)
        self.stack.setCurrentWidget(self.start_page)
        self._update_actions()

    def _reload_tree(self, select_village: str | None = None) -> None:
        villages = browse.scope_tree(self.store)
        if self.stack.currentWidget() is not self.work:
            self._load_tree(villages)
        else:
            self.tree.load(villages)
        if select_village:
            self.tree.select_village(select_village)

    def _changed(self, changes: Changes) -> None:
        """What the window itself shows of a write: the tree's counts, the years offered."""
        if changes.everything and self.store is not None:  # a sync import, an enrolment
            self._fill_years(policy_years(self.store))
            self._reload_tree((self.scope or {}).get("village_id"))
            return
        if changes.tree and not changes.register and self.store is not None:
            self.tree.model_.set_counts(browse.scope_tree(self.store))
        if changes.policy:
            self._fill_years(policy_years(self.store))

    def _scope_changed(self, scope: dict | None) -> None:
        self.scope = scope
        if self.work is not None:
            self.work.set_scope(scope)
        self._update_actions()

    def go_to_household(self, hid: str) -> None:
        """Show a household from another view (reminders, needs list, 疑点)."""
        if self.work is not None:
            self.work.go_to_household(hid)

    # -- the year and the criteria -------------------------------------------------------------
    def _fill_years(self, years: list[int]) -> None:
        """The evaluation years offered: those with policy values, and the one shown."""
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for y in sorted(set(years) | {self.year}):
            self.year_combo.addItem(self.tr("{0}年").format(y), y)
        self.year_combo.setCurrentIndex(self.year_combo.findData(self.year))
        self.year_combo.blockSignals(False)

    def _year_chosen(self, _index: int) -> None:
        year = self.year_combo.currentData()
        if year is None or year == self.year or self.work is None:
            return
        self.year = year
        self.work.recheck(year, policy_years(self.store))

    def _criteria_progress(self, done: int, total: int) -> None:
        self.criteria_bar.setMaximum(total)
        self.criteria_bar.setValue(done)
        self.criteria_bar.setVisible(done < total)

    def _criteria_finished(self) -> None:
        self.criteria_bar.setVisible(False)
        self.status_label.setText(
            self.tr("{0}年指标核查完成：{1} 户").format(self.year, len(self.criteria.statuses))
        )
        if self.work is not None:
            self.work.criteria_finished()

    # -- state ---------------------------------------------------------------------------------
    def _update_actions(self) -> None:
        scope = self.scope or {}
        update_enabled(
            self.actions,
            store=self.store is not None,
            village=self.store is not None and bool(scope.get("village_id")),
            household=self.store is not None and self.household_id is not None,
            county=self.store is not None and self.store.role == "county",
        )

    def _update_operator_label(self) -> None:
        self.operator_label.setText(self.tr("操作员：{0}").format(self.operator))

    def closeEvent(self, event) -> None:
        if self.work is not None and not may_quit(self, self.work.pending_invalid()):
            event.ignore()
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.sync()
        self.close_store()
        event.accept()

    # -- action handlers (gui/actions.py; file and register ones in their mixins) -------------
    def on_file_operator(self) -> None:
        dialog = OperatorDialog(self.settings, self)
        if dialog.exec():
            self.set_operator(dialog.operator())

    def set_operator(self, name: str) -> None:
        self.operator = name
        remember_operator(self.settings, name)
        if self.store is not None:
            self.store.operator = name
        self._update_operator_label()

    def on_file_quit(self) -> None:
        self.close()

    def on_work_new_visit(self):
        return self.work.new_visit() if self.work else None

    def on_work_add_measure(self):
        return self.work.add_measure() if self.work else None

    def on_work_change_status(self):
        return self.work.change_status() if self.work else None

    def _show_page(self, page: int) -> bool:
        if self.work:
            self.work.setCurrentIndex(page)
        return self.work is not None

    def on_view_households(self) -> None:
        self._show_page(PAGE_HOUSEHOLDS)

    def on_view_village(self) -> None:
        self._show_page(PAGE_VILLAGE)

    def on_view_reminders(self) -> None:
        self._show_page(PAGE_REMINDERS)

    def on_view_needs(self) -> None:
        self._show_page(PAGE_NEEDS)

    def on_view_find(self) -> None:
        if self.work:
            self.work.find()

    def print_notice(self, village_id: str, notice: str):
        """A 公示 or 公告 just recorded (gui/procedures.py): its report, the village and kind
        chosen; the notice reads the procedure's posting date, period and number."""
        return self.on_reports_print(village_id=village_id, kind="notice", notice=notice)

    def on_reports_print(self, village_id=None, kind: str = "plan", notice: str | None = None):
        """The 报表 dialog, with the village chosen in the tree (if any) preselected."""
        if self.store is None:
            return None
        from .reports_dialog import ReportsDialog

        dialog = ReportsDialog(
            self.store,
            self.settings,
            year=self.year,
            village_id=village_id or (self.scope or {}).get("village_id"),
            kind=kind,
            notice=notice,
            parent=self,
        )
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.written.connect(
            lambda paths: self.statusBar().showMessage(
                self.tr("已生成 {0} 个 PDF → {1}").format(len(paths), paths[0].parent), 10000
            )
        )
        dialog.open()
        return dialog

    def on_help_about(self) -> None:
        about(self)
