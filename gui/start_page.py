"""The first screen on an empty register: clear first steps instead of a blank window, and
(a plain register) the recommendation to protect it with a passphrase before the first household
is entered: said here once, on the empty register, not on every start."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class StartPage(QWidget):
    new_village = Signal()
    import_file = Signal()
    open_demo = Signal()
    open_file = Signal()
    protect = Signal()  # 设置口令… (gui.passphrase_actions)

    def __init__(self, parent=None):
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        card = QFrame()
        card.setObjectName("startCard")
        card.setStyleSheet(
            "#startCard { background: white; border: 1px solid #ddd; border-radius: 8px; }"
        )
        card.setMaximumWidth(620)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(36, 28, 36, 28)
        title = QLabel(self.tr("精准扶贫驻村帮扶台账"))
        title.setStyleSheet("font-size: 20pt; font-weight: bold; color: #b71c1c;")
        title.setAlignment(Qt.AlignCenter)
        layout.addWidget(title)
        self.where = QLabel()
        self.where.setAlignment(Qt.AlignCenter)
        self.where.setWordWrap(True)
        self.where.setStyleSheet("color: #757575;")
        layout.addWidget(self.where)
        intro = QLabel(self.tr("这个数据库里还没有村。请选择第一步："))
        intro.setAlignment(Qt.AlignCenter)
        intro.setStyleSheet("font-size: 12pt; margin: 12px;")
        layout.addWidget(intro)
        self.buttons = {}
        for key, text, hint, signal in (
            (
                "new_village",
                self.tr("新建村"),
                self.tr("录入本村的行政区划代码、村名、乡镇，然后添加社、帮扶干部和贫困户"),
                self.new_village,
            ),
            (
                "import",
                self.tr("导入"),
                self.tr("导入县扶贫办或其他电脑导出的 JSON 文件"),
                self.import_file,
            ),
            (
                "demo",
                self.tr("打开演示数据"),
                self.tr("生成一个虚构的县（3个村、150户）来熟悉软件"),
                self.open_demo,
            ),
            ("open", self.tr("打开其他数据库文件…"), "", self.open_file),
        ):
            button = QPushButton(text)
            button.setMinimumHeight(40)
            button.setStyleSheet("font-size: 12pt;")
            button.clicked.connect(signal)
            layout.addWidget(button)
            self.buttons[key] = button
            if hint:
                label = QLabel(hint)
                label.setStyleSheet("color: #616161; margin-bottom: 8px;")
                label.setWordWrap(True)
                layout.addWidget(label)
        self.recommend = QFrame()
        self.recommend.setStyleSheet("QFrame { background: #fff8e1; border-radius: 4px; }")
        row = QHBoxLayout(self.recommend)
        row.setContentsMargins(10, 6, 10, 6)
        text = QLabel(
            self.tr("建议先为数据库设置口令：加密保存后，笔记本电脑丢失或被他人使用时，"
                    "贫困户的身份证号等信息不会被读到。")
        )  # fmt: skip
        text.setWordWrap(True)
        row.addWidget(text, 1)
        button = QPushButton(self.tr("设置口令…"))
        button.clicked.connect(self.protect)
        row.addWidget(button)
        self.buttons["protect"] = button
        layout.addWidget(self.recommend)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        row = QVBoxLayout()
        row.addWidget(card, 0, Qt.AlignHCenter)
        outer.addLayout(row)
        outer.addStretch(2)

    def set_state(
        self, path: str | None, has_store: bool, error: str = "", recommend_passphrase=False
    ) -> None:
        self.where.setText(
            self.tr("数据库文件：{0}").format(path) if path else self.tr("尚未打开数据库文件")
        )
        self.buttons["new_village"].setEnabled(has_store)
        self.buttons["import"].setEnabled(has_store)
        self.recommend.setVisible(recommend_passphrase)
        self.error.setText(error)
