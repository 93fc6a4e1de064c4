"""Menu actions declared in one registry; the window only supplies on_<key> handlers."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar


def _t(text: str) -> str:
    return QCoreApplication.translate("actions", text)


@dataclass(frozen=True)
class ActionSpec:
    key: str  # "file.open" → handler on_file_open
    menu: str
    text: str
    shortcut: object = None  # QKeySequence.StandardKey or a string
    tip: str = ""
    needs: str = ""  # "" / "store" / "village" / "household" / "county" / "laptop"
    separator_before: bool = False


MENUS = (
    ("file", "文件(&F)"),
    ("edit", "编辑(&E)"),
    ("register", "档案(&R)"),
    ("work", "帮扶(&W)"),
    ("view", "查看(&V)"),
    ("reports", "报表(&P)"),
    ("sync", "同步(&S)"),
    ("help", "帮助(&H)"),
)

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("file.new", "file", "新建数据库…", QKeySequence.New, "新建一个空的台账数据库文件"),
    ActionSpec("file.open", "file", "打开…", QKeySequence.Open, "打开台账数据库文件"),
    ActionSpec("file.demo", "file", "生成并打开演示数据…", tip="生成一个虚构的县，用来熟悉软件"),
    ActionSpec(
        "file.import",
        "file",
        "导入 JSON…",
        tip="导入 fupin-register/1 文件（全部成功或全部不改）",
        needs="store",
        separator_before=True,
    ),
    ActionSpec("file.export", "file", "导出 JSON…", needs="store"),
    ActionSpec(
        "file.import_xlsx",
        "file",
        "导入 Excel 台账…",
        tip="导入工作队已有的 Excel 台账（花名册）：先核对各列的对应，逐行检查后再导入",
        needs="store",
        separator_before=True,
    ),
    ActionSpec(
        "file.export_xlsx",
        "file",
        "导出 Excel…",
        tip="把花名册、脱贫指标或帮扶措施导出为 Excel 工作簿",
        needs="store",
    ),
    ActionSpec(
        "file.backup",
        "file",
        "备份到U盘…",
        tip="把数据库备份到U盘或其他文件夹，写后读回检查（每天首次打开和每次导入、同步、封存前"
        "另有自动备份）",
        needs="store",
        separator_before=True,
    ),
    ActionSpec(
        "file.passphrase",
        "file",
        "设置/更改数据库口令…",
        tip="为数据库设置口令（加密保存，备份一并加密），或更改、取消口令",
        needs="store",
    ),
    ActionSpec("file.operator", "file", "切换操作员…", separator_before=True),
    ActionSpec("file.quit", "file", "退出", QKeySequence.Quit, separator_before=True),
    ActionSpec("register.new_village", "register", "新建村…", needs="store"),
    ActionSpec("register.new_group", "register", "新建社…", needs="village"),
    ActionSpec("register.new_cadre", "register", "新建帮扶干部…", needs="village"),
    ActionSpec(
        "register.new_household",
        "register",
        "新建贫困户…",
        "Ctrl+Shift+N",
        needs="village",
        separator_before=True,
    ),
    ActionSpec(
        "register.policy",
        "register",
        "年度政策参数…",
        tip="国家扶贫标准（贫困线）、全省农村居民人均可支配收入、低保标准，按年度",
        needs="store",
        separator_before=True,
    ),
    ActionSpec(
        "register.close_year",
        "register",
        "年度数据封存…",
        tip="动态调整完成后，冻结该年度每户的指标数据和判定；此后的修改只影响未封存的年度",
        needs="store",
        separator_before=True,
    ),
    ActionSpec(
        "register.reopen_year",
        "register",
        "重新开启已封存年度…",
        tip="须填写原因；记入日志并随同步上报",
        needs="store",
    ),
    ActionSpec("work.new_visit", "work", "新建走访…", "Ctrl+Shift+V", needs="household"),
    ActionSpec("work.add_measure", "work", "添加帮扶措施…", "Ctrl+Shift+M", needs="household"),
    ActionSpec("work.change_status", "work", "变更户状态…", needs="household"),
    ActionSpec("view.households", "view", "贫困户", "Ctrl+1", needs="store"),
    ActionSpec("view.village", "view", "村情与指标", "Ctrl+2", needs="store"),
    ActionSpec("view.reminders", "view", "走访提醒", "Ctrl+3", needs="store"),
    ActionSpec("view.needs", "view", "需求清单", "Ctrl+4", needs="store"),
    ActionSpec(
        "view.find", "view", "查找户", QKeySequence.Find, needs="store", separator_before=True
    ),
    ActionSpec(
        "reports.print",
        "reports",
        "打印报表…",
        QKeySequence.Print,
        "施工图、进度表、公示公告、需求清单、工作台账、明白卡（PDF）",
        needs="store",
    ),
    ActionSpec(
        "sync.export",
        "sync",
        "导出到U盘…",
        tip="把本机的数据写成加密的数据包，交给对方（工作队 → 县，县 → 各工作队）",
        needs="store",
    ),
    ActionSpec("sync.import", "sync", "导入数据包…", tip="导入一个数据包（.fpk）", needs="store"),
    ActionSpec(
        "sync.import_folder",
        "sync",
        "导入文件夹…",
        tip="导入一个文件夹（U盘）中的全部数据包，逐个导入，拒绝的不影响其他",
        needs="store",
    ),
    ActionSpec(
        "sync.receipt",
        "sync",
        "回执…",
        tip="县里对本队数据包的回执：已导入或已拒绝、原因、冲突",
        needs="laptop",
        separator_before=True,
    ),
    ActionSpec(
        "sync.conflicts",
        "sync",
        "冲突…",
        tip="两处改了同一字段：查看双方的值，决定保留哪一个",
        needs="store",
    ),
    ActionSpec(
        "sync.duplicates",
        "sync",
        "疑点（重复身份证号）…",
        tip="同一身份证号登记在不止一户：由县里决定",
        needs="county",
    ),
    ActionSpec(
        "sync.team",
        "sync",
        "登记工作队…",
        tip="登记一个工作队及其村，写出注册文件（一次性口令）",
        needs="county",
        separator_before=True,
    ),
    ActionSpec(
        "sync.enroll",
        "sync",
        "注册本机…",
        tip="导入县扶贫办发放的注册文件，本机成为该工作队的电脑",
        needs="laptop",
    ),
    ActionSpec(
        "sync.status",
        "sync",
        "同步状态…",
        tip="最近收到和发出的数据包，对方已确认到哪里，待处理的冲突",
        needs="store",
        separator_before=True,
    ),
    ActionSpec("help.about", "help", "关于"),
)

# Why an action is off when the open register's role does not fit it (shown as its tip).
WHY_OFF = {
    "county": "只有县级数据库（县扶贫办）可以使用此功能",
    "laptop": "只有工作队的电脑（村级数据库）可以使用此功能",
    "store": "请先打开一个数据库",
}


def create_actions(parent: QObject, handler: object) -> dict[str, QAction]:
    """One QAction per spec, triggered → handler.on_<menu>_<name>()."""
    actions = {}
    for spec in ACTIONS:
        action = QAction(_t(spec.text), parent)
        if spec.shortcut is not None:
            action.setShortcut(QKeySequence(spec.shortcut))
        if spec.tip:
            action.setStatusTip(_t(spec.tip))
        slot = getattr(handler, "on_" + spec.key.replace(".", "_"))
        action.triggered.connect(lambda _checked=False, slot=slot: slot())
        action.setData(spec.needs)
        action.setProperty("tip", _t(spec.tip) if spec.tip else "")
        actions[spec.key] = action
    return actions


def build_menus(
    menubar: QMenuBar, actions: dict[str, QAction], extra: dict[str, list[QAction]] | None = None
) -> None:
    menus = {key: menubar.addMenu(_t(title)) for key, title in MENUS}
    menus["sync"].setObjectName("sync_menu")
    menus["sync"].setToolTipsVisible(True)  # an item off for this register says why
    for key, items in (extra or {}).items():
        for item in items:
            menus[key].addAction(item)
    for spec in ACTIONS:
        if spec.separator_before:
            menus[spec.menu].addSeparator()
        menus[spec.menu].addAction(actions[spec.key])


def update_enabled(
    actions: dict[str, QAction],
    *,
    store: bool,
    village: bool,
    household: bool,
    county: bool = False,
) -> None:
    have = {"": True, "store": store, "village": village, "household": household,
            "county": store and county, "laptop": store and not county}  # fmt: skip
    for action in actions.values():
        needs = action.data() or ""
        on = have.get(needs, True)
        action.setEnabled(on)
        if needs in ("county", "laptop"):  # off (not hidden), with a tip saying why
            why = WHY_OFF["store" if not store else needs]
            tip = action.property("tip") or ""
            action.setToolTip(tip if on else _t(why))
            action.setStatusTip(tip if on else _t(why))
