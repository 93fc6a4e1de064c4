"""The main window: scope tree, household table, editor and check panel, and the other views."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from forms import choices as C
from forms.criteria.result import UNMET
from forms.entities import CADRE, GROUP, POLICY, VILLAGE
from storage import browse
from storage.activity import set_household_status
from storage.db import StorageError, open_store
from storage.register import (
    ValidationError,
    add_cadre,
    add_group,
    add_household,
    add_village,
    default_year,
    policy_for,
    policy_years,
    seed_default_policy,
    set_policy,
)

from .actions import build_menus, create_actions, update_enabled
from .check_panel import CheckPanel
from .criteria import CriteriaCache
from .dialogs import NewHouseholdDialog, RecordDialog, about, ask, remember_operator, warn
from .editing import Editing
from .editor import HouseholdEditor
from .household_table import FilterBar, HouseholdTableModel
from .measures import NeedsPage
from .reminders import RemindersPage
from .scope_tree import ScopeTree, scope_filter
from .start_page import StartPage
from .tasks import Task, run_with_progress
from .village_view import VillagePage

PAGE_HOUSEHOLDS, PAGE_VILLAGE, PAGE_REMINDERS, PAGE_NEEDS = range(4)


def demo_path(settings: QSettings) -> Path:
    return Path(settings.fileName()).parent / "fupin-demo.db"


class WorkArea(QTabWidget):
    """Everything that needs an open register; rebuilt when another file is opened."""

    def __init__(self, store, criteria: CriteriaCache, parent=None):
        super().__init__(parent)
        self.store = store
        self.editing = Editing(store, self)
        self.setDocumentMode(True)
        # 贫困户: table | editor over check panel
        page = QSplitter(Qt.Horizontal)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(4, 4, 4, 4)
        self.filter_bar = FilterBar()
        ll.addWidget(self.filter_bar)
        self.model = HouseholdTableModel(store, criteria, self)
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
        for col, width in enumerate((54, 62, 38, 62, 90, 86, 66, 70)):
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
        self.village_page = VillagePage()
        self.reminders_page = RemindersPage()
        self.needs_page = NeedsPage()
        self.addTab(page, self.tr("贫困户"))
        self.addTab(self.village_page, self.tr("村情与指标"))
        self.addTab(self.reminders_page, self.tr("走访提醒"))
        self.addTab(self.needs_page, self.tr("需求清单"))

    def unmet_criteria(self) -> list:
        evaluation = self.check_panel.evaluation
        return [c for c in evaluation.criteria if c.status == UNMET] if evaluation else []


class MainWindow(QMainWindow):
    store_opened = Signal()

    def __init__(self, settings: QSettings, operator: str, parent=None):
        super().__init__(parent)
        self.settings = settings
        self.operator = operator
        self.store = None
        self.work: WorkArea | None = None
        self.scope: dict | None = None
        self.year: int | None = None
        self.household_id: str | None = None
        self.criteria = CriteriaCache(self)
        self.criteria.progress.connect(self._criteria_progress)
        self.criteria.finished.connect(self._criteria_finished)
        self.criteria.updated.connect(self._criteria_updated)
        self.undo_group = QUndoGroup(self)
        self.setWindowTitle("")  # the application display name alone

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
        for key in (
            "register.new_household",
            "work.new_visit",
            "work.add_measure",
            "work.change_status",
        ):
            toolbar.addAction(self.actions[key])
        toolbar.addSeparator()
        toolbar.addAction(self.actions["reports.print"])
        toolbar.addSeparator()
        toolbar.addAction(undo)
        toolbar.addAction(redo)
        self.addToolBar(toolbar)

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
        self.stack.addWidget(self.start_page)
        self.setCentralWidget(self.stack)

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

        self._tree_timer = QTimer(self, singleShot=True, interval=300)
        self._tree_timer.timeout.connect(self._refresh_tree_counts)
        self._criterion_filter_timer = QTimer(self, singleShot=True, interval=800)
        self._criterion_filter_timer.timeout.connect(self._reload_table)
        self._dirty_pages: set[int] = set()

        self.resize(1366, 768)
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        self._show_start(None, "")
        self._update_actions()

    # -- opening files -------------------------------------------------------------------------
    def open_file(self, path: Path, create: bool = False, role: str = "village") -> Task:
        """Open (or create) a register off the GUI thread behind a progress dialog."""
        path = Path(path)
        operator = self.operator

        def work(task: Task):
            task.progress(0, 0, self.tr("正在打开 {0}…").format(path.name))
            existed = path.exists() and path.stat().st_size > 0
            store = open_store(path, create=create, role=role, operator=operator)
            try:
                if not existed:
                    seed_default_policy(store)
                task.progress(0, 0, self.tr("正在统计各村户数…"))
                return {
                    "store": store,
                    "tree": browse.scope_tree(store),
                    "year": default_year(store),
                    "years": policy_years(store),
                }
            except BaseException:
                store.close()
                raise

        return run_with_progress(
            self,
            self.tr("打开数据库"),
            self.tr("正在打开…"),
            work,
            self._opened,
            lambda m: self._open_failed(path, m),
        )

    def _open_failed(self, path: Path, message: str) -> None:
        if self.store is None:
            self._show_start(None, message)
        warn(self, self.tr("无法打开数据库"), message)

    def _opened(self, result: dict) -> None:
        self.close_store()
        self.store = result["store"]
        self.store.operator = self.operator
        self.settings.setValue("last_file", str(self.store.path))
        # Qt appends the application display name ("… — 精准扶贫驻村帮扶台账") itself
        self.setWindowTitle(self.store.path.name)
        self.status_label.clear()  # nothing said about the previous file still holds
        self.year = result["year"]
        self._fill_years(result["years"])
        self._build_work_area()
        self._load_tree(result["tree"])
        self.store_opened.emit()

    def _build_work_area(self) -> None:
        work = WorkArea(self.store, self.criteria)
        self.work = work
        self.undo_group.addStack(work.editing.undo_stack)
        self.undo_group.setActiveStack(work.editing.undo_stack)
        work.filter_bar.changed.connect(self._reload_table)
        work.table.selectionModel().currentRowChanged.connect(self._row_changed)
        work.editor.changed.connect(self._household_changed)
        work.editor.set_year(self.year, policy_years(self.store))
        work.editing.failed.connect(lambda m: self.statusBar().showMessage(m, 8000))
        work.check_panel.focus_requested.connect(work.editor.focus_criterion)
        work.check_panel.add_measure_requested.connect(
            lambda c: work.editor.measures.add_measure_dialog(c)
        )
        work.village_page.household_requested.connect(self.go_to_household)
        work.village_page.criterion_filter_requested.connect(self._filter_unmet_criterion)
        work.reminders_page.household_requested.connect(self.go_to_household)
        work.needs_page.household_requested.connect(self.go_to_household)
        work.currentChanged.connect(self._page_changed)
        self.stack.addWidget(work)

    def close_store(self) -> None:
        self.criteria.stop()
        if self.work is not None:
            self.undo_group.removeStack(self.work.editing.undo_stack)
            self.stack.removeWidget(self.work)
            self.work.deleteLater()
            self.work = None
        if self.store is not None:
            self.store.close()
            self.store = None
        self.household_id = None

    def _load_tree(self, villages: list[dict]) -> None:
        if not villages:
            self.tree.model_.load([])
            self._show_start(str(self.store.path), "")
            return
        self.stack.setCurrentWidget(self.work)
        # Start the criteria first: the tree's first selection evaluates a household.
        self.criteria.start(self.store.path, self.year, [v["id"] for v in villages])
        self.tree.load(villages)
        self.criteria_bar.setMaximum(len(villages))
        self.criteria_bar.setValue(0)
        self.criteria_bar.setVisible(True)
        self._update_actions()

    def _show_start(self, path: str | None, error: str) -> None:
        self.start_page.set_state(path, self.store is not None, error)
        self.stack.setCurrentWidget(self.start_page)
        self._update_actions()

    def open_demo(self) -> Task | None:
        """Generate a small demo county into the user's data folder (once) and open it."""
        path = demo_path(self.settings)
        if path.exists():
            return self.open_file(path)

        def work(task: Task):
            from storage.demo import generate

            path.parent.mkdir(parents=True, exist_ok=True)
            store = open_store(path, create=True, role="county", operator=self.operator)
            try:
                generate(
                    store,
                    villages=3,
                    households=50,
                    progress=lambda d, t: task.progress(
                        d, t, self.tr("生成演示数据：{0}/{1} 个村").format(d, t)
                    ),
                )
            finally:
                store.close()
            return path

        return run_with_progress(
            self,
            self.tr("演示数据"),
            self.tr("正在生成演示数据…"),
            work,
            lambda p: self.open_file(p),
            lambda m: warn(self, self.tr("演示数据"), m),
        )

    # -- scope, table, selection ---------------------------------------------------------------
    def _scope_changed(self, scope: dict | None) -> None:
        self.scope = scope
        if self.work is None:
            return
        flt = scope_filter(scope)
        self.work.filter_bar.set_cadres(browse.cadre_choices(self.store, flt.village_id))
        self._reload_table()
        self._dirty_pages = {PAGE_VILLAGE, PAGE_REMINDERS, PAGE_NEEDS}
        self._page_changed(self.work.currentIndex())
        self._update_actions()

    def current_filter(self) -> browse.HouseholdFilter:
        return self.work.filter_bar.apply(scope_filter(self.scope))

    def _reload_table(self) -> None:
        if self.work is None:
            return
        keep = self.household_id
        self.work.model.set_filter(self.current_filter(), self.work.filter_bar.unmet_criterion())
        self._select_row(keep)
        self.work.filter_bar.count.setText(self.tr("{0} 户").format(len(self.work.model.ids)))

    def _select_row(self, hid: str | None) -> None:
        model = self.work.model
        row = model.row_of.get(hid) if hid else None
        if row is None:
            row = 0 if model.ids else None
        target = model.ids[row] if row is not None else None
        if target != self.household_id and not self._may_leave_household():
            return  # the editor stays on the household with the refused input
        if row is None:
            self._show_household(None)
            return
        sm = self.work.table.selectionModel()
        sm.blockSignals(True)  # asked above already: _row_changed must not ask again
        self.work.table.setCurrentIndex(model.index(row, 0))
        sm.blockSignals(False)
        self.work.table.viewport().update()
        self.work.table.scrollTo(model.index(row, 0))
        if target != self.household_id:
            self._show_household(target)

    def _may_leave_household(self) -> bool:
        """True unless the editor holds refused input the user wants to keep working on."""
        pending = self.work.editor.pending_invalid() if self.work is not None else []
        return not pending or ask(
            self,
            self.tr("有未保存的输入"),
            self.tr("以下内容填写有误，尚未保存：{0}。\n放弃这些输入并切换到另一户吗？").format(
                "、".join(pending)
            ),
        )

    def _row_changed(self, current, previous) -> None:
        hid = self.work.model.household_id(current.row()) if current.isValid() else None
        if hid == self.household_id:
            return
        if not self._may_leave_household():
            row = self.work.model.row_of.get(self.household_id)
            if row is not None:
                sm = self.work.table.selectionModel()
                sm.blockSignals(True)
                self.work.table.setCurrentIndex(self.work.model.index(row, 0))
                sm.blockSignals(False)
            return
        self._show_household(hid)

    def _show_household(self, hid: str | None) -> None:
        self.household_id = hid
        self.work.editor.set_household(hid)
        self._evaluate_current()
        self._update_actions()

    def _evaluate_current(self) -> None:
        hid = self.household_id
        evaluation = self.criteria.refresh(self.store, hid) if hid else None
        self.work.check_panel.show_evaluation(evaluation, self.year)

    def _household_changed(self, hid: str) -> None:
        """An edit, undo, new member, measure or status change of one household."""
        self.work.model.refresh_household(hid)
        if hid == self.household_id:
            self._evaluate_current()
        else:
            self.criteria.refresh(self.store, hid)
        self._tree_timer.start()
        self._dirty_pages |= {PAGE_VILLAGE, PAGE_REMINDERS, PAGE_NEEDS}

    def _refresh_tree_counts(self) -> None:
        if self.store is not None:
            self.tree.model_.set_counts(browse.scope_tree(self.store))

    def go_to_household(self, hid: str) -> None:
        """Show a household from another view (reminders, needs list, 疑点)."""
        place = browse.household_place(self.store, hid)
        if place is None:
            return
        if hid != self.household_id:
            if not self._may_leave_household():
                return
            self._show_household(None)  # the refused input is given up, as agreed
        self.work.setCurrentIndex(PAGE_HOUSEHOLDS)
        bar = self.work.filter_bar
        for combo in (bar.status, bar.cause, bar.cadre, bar.criterion):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        bar.text.blockSignals(True)
        bar.text.clear()
        bar.text.blockSignals(False)
        if (self.scope or {}).get("village_id") != place["village_id"] or (self.scope or {}).get(
            "kind"
        ) == "group":
            self.tree.select_village(place["village_id"])
        self._reload_table()
        self._select_row(hid)

    def _filter_unmet_criterion(self, no: int) -> None:
        bar = self.work.filter_bar
        bar.criterion.setCurrentIndex(bar.criterion.findData(no))
        self.work.setCurrentIndex(PAGE_HOUSEHOLDS)

    # -- the other pages -----------------------------------------------------------------------
    def _page_changed(self, index: int) -> None:
        if self.work is None or index not in self._dirty_pages:
            return
        self._dirty_pages.discard(index)
        flt = scope_filter(self.scope)
        if index == PAGE_VILLAGE:
            self.work.village_page.set_village(self.store, flt.village_id, self.year, self.criteria)
        elif index == PAGE_REMINDERS:
            self.work.reminders_page.set_scope(self.store, flt)
        elif index == PAGE_NEEDS:
            self.work.needs_page.set_scope(self.store, flt)

    def _year_chosen(self, _index: int) -> None:
        year = self.year_combo.currentData()
        if year is None or year == self.year or self.store is None:
            return
        self._recheck(year)

    def _recheck(self, year: int) -> None:
        """Evaluate the criteria for `year` again (a new year chosen, or its policy values
        changed)."""
        self.year = year
        villages = browse.village_ids(self.store, browse.HouseholdFilter())
        self.criteria.start(self.store.path, year, villages)
        self.criteria_bar.setMaximum(len(villages))
        self.criteria_bar.setVisible(True)
        self.work.editor.set_year(year, policy_years(self.store))
        self._evaluate_current()
        self._dirty_pages.add(PAGE_VILLAGE)
        self._page_changed(self.work.currentIndex())

    def _criteria_progress(self, done: int, total: int) -> None:
        self.criteria_bar.setMaximum(total)
        self.criteria_bar.setValue(done)

    def _criteria_finished(self) -> None:
        self.criteria_bar.setVisible(False)
        self.status_label.setText(
            self.tr("{0}年指标核查完成：{1} 户").format(self.year, len(self.criteria.statuses))
        )
        if self.work is not None and self.work.model.sort_column == 7:
            self.work.model.sort(7, self.work.model.sort_order)
        if self.work is not None and self.work.currentIndex() == PAGE_VILLAGE:
            self.work.village_page.refresh_chart()

    def _criteria_updated(self, _hids: list) -> None:
        if (
            self.work is not None
            and self.work.filter_bar.unmet_criterion()
            and not self.criteria.complete
        ):
            self._criterion_filter_timer.start()

    # -- state ---------------------------------------------------------------------------------
    def _update_actions(self) -> None:
        scope = self.scope or {}
        update_enabled(
            self.actions,
            store=self.store is not None,
            village=self.store is not None and bool(scope.get("village_id")),
            household=self.store is not None and self.household_id is not None,
        )

    def _update_operator_label(self) -> None:
        self.operator_label.setText(self.tr("操作员：{0}").format(self.operator))

    def closeEvent(self, event) -> None:
        if self.work is not None and self.work.editor.pending_invalid():
            if not ask(
                self,
                self.tr("有未保存的输入"),
                self.tr("以下内容填写有误，尚未保存：{0}。\n仍然退出吗？").format(
                    "、".join(self.work.editor.pending_invalid())
                ),
            ):
                event.ignore()
                return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.sync()
        self.close_store()
        event.accept()

    # -- action handlers (gui/actions.py) ------------------------------------------------------
    def on_file_new(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("新建数据库"), "", self.tr("台账数据库 (*.db)")
        )
        if name:
            path = Path(name if name.endswith(".db") else name + ".db")
            if path.exists():
                warn(self, self.tr("新建数据库"), self.tr("文件已存在：{0}").format(path))
                return
            self.open_file(path, create=True)

    def on_file_open(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("打开数据库"), "", self.tr("台账数据库 (*.db);;所有文件 (*)")
        )
        if name:
            self.open_file(Path(name))

    def on_file_demo(self) -> None:
        self.open_demo()

    def on_file_import(self) -> None:
        if self.store is None:
            return
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("导入"), "", self.tr("fupin-register JSON (*.json)")
        )
        if name:
            self.import_json(Path(name))

    def import_json(self, source: Path) -> Task:
        path, operator = self.store.path, self.operator

        def work(task: Task):
            from storage.interchange import import_register, read_json

            data = read_json(source)
            writer = open_store(path, operator=operator)
            try:
                return import_register(writer, data)
            finally:
                writer.close()

        def done(counts: dict) -> None:
            QMessageBox.information(
                self,
                self.tr("导入完成"),
                self.tr("新增 {0}，更新 {1}，未变 {2}").format(
                    counts["inserted"], counts["updated"], counts["unchanged"]
                ),
            )
            self.open_file(path)

        def failed(message: str) -> None:
            warn(self, self.tr("导入失败（数据库未作任何修改）"), message)

        return run_with_progress(self, self.tr("导入"), self.tr("正在导入…"), work, done, failed)

    def on_file_export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("导出"), "", self.tr("fupin-register JSON (*.json)")
        )
        if not name:
            return
        path, scope = self.store.path, self.scope or {}
        village = (
            self.store.get("villages", scope["village_id"]) if scope.get("village_id") else None
        )

        def work(task: Task):
            from storage.interchange import export_register, write_json

            reader = browse.open_reader(path)
            try:
                data = export_register(reader, village["code"] if village else None)
            finally:
                reader.close()
            write_json(data, name)
            return len(data["households"])

        run_with_progress(
            self,
            self.tr("导出"),
            self.tr("正在导出…"),
            work,
            lambda n: self.statusBar().showMessage(
                self.tr("已导出 {0} 户 → {1}").format(n, name), 10000
            ),
            lambda m: warn(self, self.tr("导出失败"), m),
        )

    def on_file_operator(self) -> None:
        from .dialogs import OperatorDialog

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

    def on_register_new_village(self) -> RecordDialog | None:
        if self.store is None:
            return None
        store = self.store
        defaults = {"is_poor_village": True}
        scope = self.scope or {}
        if scope.get("county"):
            defaults["county"] = scope["county"]
        if scope.get("township"):
            defaults["township"] = scope["township"]

        def submit(values: dict):
            try:
                dialog.result_value = add_village(store, values)
            except ValidationError as e:
                return e.problems
            return None

        dialog = RecordDialog(
            self.tr("新建村"),
            VILLAGE,
            VILLAGE.keys,
            submit,
            self,
            values=defaults,
            columns=2,
            intro=self.tr("建好村以后，请添加社、帮扶干部，再录入贫困户。"),
        )
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._village_added(dialog.result_value))
        dialog.open()
        return dialog

    def _village_added(self, village_id: str) -> None:
        self._reload_tree(select_village=village_id)

    def _reload_tree(self, select_village: str | None = None) -> None:
        villages = browse.scope_tree(self.store)
        if self.stack.currentWidget() is not self.work:
            self._load_tree(villages)
        else:
            self.tree.load(villages)
        if select_village:
            self.tree.select_village(select_village)

    def on_register_new_group(self) -> RecordDialog | None:
        village_id = (self.scope or {}).get("village_id")
        if not village_id:
            return None
        store = self.store

        def submit(values: dict):
            try:
                dialog.result_value = add_group(store, village_id, values.get("name"))
            except ValidationError as e:
                return e.problems
            return None

        dialog = RecordDialog(self.tr("新建社"), GROUP, ("name",), submit, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._reload_tree(select_village=village_id))
        dialog.open()
        return dialog

    def on_register_new_cadre(self) -> RecordDialog | None:
        village_id = (self.scope or {}).get("village_id")
        if not village_id:
            return None
        store = self.store

        def submit(values: dict):
            try:
                dialog.result_value = add_cadre(store, {**values, "village_id": village_id})
            except ValidationError as e:
                return e.problems
            return None

        dialog = RecordDialog(
            self.tr("新建帮扶干部"),
            CADRE,
            ("name", "unit", "role", "phone"),
            submit,
            self,
            values={"role": "帮扶责任人"},
        )
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: self.work.filter_bar.set_cadres(browse.cadre_choices(self.store, village_id))
        )
        dialog.open()
        return dialog

    def on_register_policy(self) -> RecordDialog | None:
        """年度政策参数: the year's poverty line and provincial figures, which the criteria use."""
        if self.store is None:
            return None
        store = self.store

        def submit(values: dict):
            try:
                set_policy(store, values["year"], values)
            except ValidationError as e:
                return e.problems
            return None

        current = policy_for(store, self.year) or {"year": self.year}
        dialog = RecordDialog(
            self.tr("年度政策参数"),
            POLICY,
            POLICY.keys,
            submit,
            self,
            values={k: current.get(k) for k in POLICY.keys},
            intro=self.tr(
                "县扶贫办确认后填写；改一个年度的贫困线，该年度所有户"
                "的脱贫指标会重新核查。填写新的年度即新增该年度。"
            ),
        )
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(self._policy_saved)
        dialog.open()
        return dialog

    def _policy_saved(self) -> None:
        self._fill_years(policy_years(self.store))
        self._recheck(self.year)

    def _fill_years(self, years: list[int]) -> None:
        """The evaluation years offered: those with policy values, and the one shown."""
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for y in sorted(set(years) | {self.year}):
            self.year_combo.addItem(self.tr("{0}年").format(y), y)
        self.year_combo.setCurrentIndex(self.year_combo.findData(self.year))
        self.year_combo.blockSignals(False)

    def on_register_new_household(self) -> NewHouseholdDialog | None:
        village_id = (self.scope or {}).get("village_id")
        if not village_id:
            return None
        store = self.store
        created: list[str] = []

        def save(values: dict, members: list[dict]) -> str | None:
            try:
                hid = add_household(
                    store, {**values, "village_id": village_id, "status": C.STATUS_NEW}, members
                )
                # "有进有出、动态管理": the entry is kept in the status history too.
                set_household_status(
                    store, hid, C.STATUS_NEW, date.today(), self.tr("精准识别纳入建档立卡")
                )
            except ValidationError as e:
                return "；".join(str(p) for p in e.problems) or str(e)
            except StorageError as e:
                return str(e)
            created.append(hid)
            return None

        choices = {
            "group_id": browse.group_choices(store, village_id),
            "cadre_id": browse.cadre_choices(store, village_id),
        }
        dialog = NewHouseholdDialog(
            choices, save, self, browse.next_household_no(store, village_id)
        )
        group_id = (self.scope or {}).get("group_id")
        if group_id and group_id != browse.NO_GROUP:
            dialog.household.set_value("group_id", group_id)
        dialog.setAttribute(Qt.WA_DeleteOnClose)

        def added() -> None:
            self._refresh_tree_counts()
            self._reload_table()
            if created:
                self.criteria.refresh(store, created[0])
                self._select_row(created[0])

        dialog.accepted.connect(added)
        dialog.open()
        return dialog

    def on_work_new_visit(self):
        if self.work and self.household_id:
            self.work.setCurrentIndex(PAGE_HOUSEHOLDS)
            self.work.editor.tabs.setCurrentWidget(self.work.editor.visits)
            return self.work.editor.visits.start_visit_dialog()
        return None

    def on_work_add_measure(self):
        if self.work and self.household_id:
            self.work.setCurrentIndex(PAGE_HOUSEHOLDS)
            self.work.editor.tabs.setCurrentWidget(self.work.editor.measures)
            return self.work.editor.measures.add_measure_dialog(
                self.work.check_panel.list.selected()
            )
        return None

    def on_work_change_status(self):
        if self.work and self.household_id:
            self.work.setCurrentIndex(PAGE_HOUSEHOLDS)
            self.work.editor.tabs.setCurrentWidget(self.work.editor.status)
            return self.work.editor.status.change_dialog()
        return None

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
        if self._show_page(PAGE_HOUSEHOLDS):
            self.work.filter_bar.text.setFocus()
            self.work.filter_bar.text.selectAll()

    def on_reports_print(self):
        """The 报表 dialog, with the village chosen in the tree (if any) preselected."""
        if self.store is None:
            return None
        from .reports_dialog import ReportsDialog

        dialog = ReportsDialog(
            self.store,
            self.settings,
            year=self.year,
            village_id=(self.scope or {}).get("village_id"),
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
