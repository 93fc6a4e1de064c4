"""Screenshots of the real app under Xvfb at 1366×768 (the common village laptop size).

Unlike make_screenshots.py (offscreen ``grab()`` of a window built in-process), this starts the
real program — ``main.py --db FILE`` — on an X server, answers the operator dialog, drives the
window with xdotool the way a user would (mouse clicks, menus) and captures the whole X screen.

    apt-get install -y xvfb xdotool x11-apps imagemagick \\
        libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-xinerama0 libxcb-xinput0
    .venv/bin/python docs/screenshots/take_xvfb.py              # → docs/screenshots/xvfb-*.png

Options: ``--db FILE`` (default /tmp/shots/demo.db, made with ``main.py demo`` if missing),
``--out DIR``, ``--display :N`` (default :99; an Xvfb is started there if nothing answers and
stopped at the end). No window manager is needed: without one the main window sits at 0,0 and
fills the 1366×768 screen. The settings (operator, last file, window geometry) go to a throwaway
XDG_CONFIG_HOME, so your own settings are neither read nor changed.

The clicks are window coordinates of the layout at 1366×768 (see the constants below); if the
layout changes, look at the PNGs and adjust them.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
PYTHON = ROOT / ".venv" / "bin" / "python"
WIDTH, HEIGHT = 1366, 768
OPERATOR = "张晓东"
MAX_BYTES = 400 * 1024

# Where to click, in main-window coordinates, for the layout at 1366×768.
TREE_VILLAGE = (83, 178)  # 高庄村 (third village row of the demo county's tree)
SORT_UNMET = (735, 151)  # header 未达标项数 (click twice: most unmet first)
FIRST_ROW = (450, 171)  # first row of the household table
EDITOR_TABS = {"基本信息": (851, 119), "家庭成员": (916, 119), "收入支出": (1075, 119)}
HOUSING_CRITERION = (1000, 642)  # check panel: 2. 安全住房 (red for that household)
WORK_TABS = {"贫困户": (237, 67), "村情与指标": (313, 67)}
MENU_WORK = (198, 9)  # 帮扶(W) in the menu bar
MENU_ITEM = (245, 55)  # 添加帮扶措施… in that menu (hovered, not clicked)


def tool(name: str) -> str:
    """The real program (a stand-in `convert` may sit earlier on PATH; prefer /usr/bin)."""
    for folder in ("/usr/bin", "/bin"):
        path = Path(folder) / name
        if path.exists():
            return str(path)
    found = shutil.which(name)
    if not found:
        sys.exit(f"{name} not found: apt-get install -y xvfb xdotool x11-apps imagemagick")
    return found


class Screen:
    def __init__(self, display: str):
        self.display = display
        self.env = dict(os.environ, DISPLAY=display)
        self.xvfb: subprocess.Popen | None = None
        self.window: str | None = None

    def run(self, *args: str, check: bool = True, timeout: float = 30) -> str:
        result = subprocess.run(args, env=self.env, capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)}: {result.stderr.strip()}")
        return result.stdout

    def answers(self) -> bool:
        return (
            subprocess.run(
                [tool("xdotool"), "getdisplaygeometry"], env=self.env, capture_output=True
            ).returncode
            == 0
        )

    def start(self) -> None:
        if self.answers():
            print(f"using the X server already on {self.display}")
        else:
            self.xvfb = subprocess.Popen(
                [
                    tool("Xvfb"),
                    self.display,
                    "-screen",
                    "0",
                    f"{WIDTH}x{HEIGHT}x24",
                    "-nolisten",
                    "tcp",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            wait_for(self.answers, 10, "Xvfb did not start")
        size = self.run(tool("xdotool"), "getdisplaygeometry").split()
        if size != [str(WIDTH), str(HEIGHT)]:
            print(
                f"warning: the screen on {self.display} is {'×'.join(size)}, not {WIDTH}×{HEIGHT}"
            )

    def stop(self) -> None:
        if self.xvfb is not None:
            self.xvfb.terminate()
            self.xvfb.wait(10)

    def find(self, name: str, seconds: float = 60) -> str:
        found: list[str] = []

        def visible() -> bool:
            out = self.run(tool("xdotool"), "search", "--onlyvisible", "--name", name, check=False)
            found[:] = out.split()
            return bool(found)

        wait_for(visible, seconds, f"no window named {name!r}")
        return found[-1]

    def click(self, xy: tuple[int, int], settle: float | None = 0.5) -> None:
        """Click at window coordinates of the main window, then wait for the screen to settle
        (settle=None: return at once)."""
        self.run(
            tool("xdotool"),
            "mousemove",
            "--window",
            self.window,
            str(xy[0]),
            str(xy[1]),
            "click",
            "1",
        )
        if settle is not None:
            self.settle(settle)

    def key(self, *keys: str, settle: float = 0.5) -> None:
        self.run(tool("xdotool"), "key", *keys)
        self.settle(settle)

    def park_mouse(self) -> None:
        """Move the pointer out of the way (no hover highlight, no tooltip in the shot)."""
        self.run(tool("xdotool"), "mousemove", str(WIDTH - 1), str(HEIGHT // 2))

    def grab(self, path: Path) -> None:
        self.run(tool("import"), "-window", "root", str(path))

    def settle(self, minimum: float = 0.5, seconds: float = 20) -> None:
        """Wait until the screen stops changing (a blinking text cursor is allowed)."""
        time.sleep(minimum)
        with tempfile.TemporaryDirectory() as tmp:
            a, b = Path(tmp) / "a.xwd", Path(tmp) / "b.xwd"
            self.run(tool("xwd"), "-root", "-silent", "-out", str(a))
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                time.sleep(0.4)
                self.run(tool("xwd"), "-root", "-silent", "-out", str(b))
                result = subprocess.run(
                    [tool("compare"), "-metric", "AE", str(a), str(b), "null:"],
                    capture_output=True,
                    text=True,
                )
                changed = float((result.stderr.split() or ["1e9"])[0])
                if changed < 400:  # a text cursor is ~20 pixels, a progress bar far more
                    return
                a, b = b, a


def wait_for(condition, seconds: float, message: str) -> None:
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError(message)
        time.sleep(0.2)


def save(screen: Screen, out: Path, name: str, settle: bool = True) -> Path:
    if settle:
        screen.settle()
    path = out / name
    screen.grab(path)
    if path.stat().st_size > MAX_BYTES:
        # 256 colours keep the text crisp (anti-aliased grey on white needs only a few).
        subprocess.run(
            [tool("mogrify"), "-colors", "256", "-define", "png:compression-level=9", str(path)],
            check=True,
        )
    print(f"{path.name}: {path.stat().st_size // 1024} KB")
    return path


def seed_settings(config: Path) -> None:
    """The operator remembered from an earlier session: the dialog comes up with the name filled
    in and is answered with Return, as a returning user would."""
    folder = config / "fupin"
    folder.mkdir(parents=True)
    (folder / "fupin.ini").write_text(f"[General]\nlast_operator={OPERATOR}\n", encoding="utf-8")


def make_demo(db: Path) -> None:
    db.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            str(PYTHON),
            str(ROOT / "main.py"),
            "demo",
            str(db),
            "--villages",
            "6",
            "--households",
            "80",
        ],
        check=True,
        cwd=ROOT,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/shots/demo.db"))
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--display", default=":99")
    args = parser.parse_args()
    if not args.db.exists():
        make_demo(args.db)
    args.out.mkdir(parents=True, exist_ok=True)

    screen = Screen(args.display)
    screen.start()
    config = Path(tempfile.mkdtemp(prefix="fupin-shots-"))
    seed_settings(config)
    log = config / "app-stderr.txt"
    env = dict(
        screen.env,
        QT_QPA_PLATFORM="xcb",
        XDG_CONFIG_HOME=str(config),
        LANG=os.environ.get("LANG") or "C.UTF-8",
    )
    for name in ("QT_SCALE_FACTOR", "QT_SCREEN_SCALE_FACTORS", "QT_AUTO_SCREEN_SCALE_FACTOR"):
        env.pop(name, None)
    with open(log, "w") as err:
        app = subprocess.Popen(
            [str(PYTHON), str(ROOT / "main.py"), "--db", str(args.db)],
            cwd=ROOT,
            env=env,
            stdout=err,
            stderr=err,
        )
    try:
        dialog = screen.find("选择操作员", 30)
        screen.run(tool("xdotool"), "windowfocus", "--sync", dialog)
        screen.key("Return")
        # the main window is titled "<file> — 精准扶贫驻村帮扶台账"; xdotool matches the ASCII part
        screen.window = screen.find(re.escape(args.db.name), 60)
        geometry = screen.run(tool("xdotool"), "getwindowgeometry", screen.window)
        print("main window:", " ".join(geometry.split()[2:]))
        screen.settle(2.0, 60)  # the file opens, the criteria are checked

        screen.click(TREE_VILLAGE, settle=1.0)
        screen.click(SORT_UNMET)  # two separate clicks (not a double-click):
        screen.click(SORT_UNMET, settle=1.0)  # ascending, then descending
        screen.click(FIRST_ROW, settle=1.0)
        screen.park_mouse()
        save(screen, args.out, "xvfb-main-window.png")

        screen.click(EDITOR_TABS["收入支出"])
        screen.park_mouse()
        save(screen, args.out, "xvfb-household-editor.png")
        screen.click(EDITOR_TABS["家庭成员"])
        screen.park_mouse()
        save(screen, args.out, "xvfb-household-members.png")

        screen.click(EDITOR_TABS["基本信息"])
        # The field behind the criterion is shown and flashes for 1.5 s: shoot within it.
        screen.click(HOUSING_CRITERION, settle=None)
        screen.park_mouse()
        time.sleep(0.4)
        save(screen, args.out, "xvfb-check-panel.png", settle=False)

        screen.click(WORK_TABS["村情与指标"], settle=1.0)
        screen.park_mouse()
        save(screen, args.out, "xvfb-village-view.png")

        screen.click(WORK_TABS["贫困户"])
        screen.click(MENU_WORK)
        screen.run(tool("xdotool"), "mousemove", "--window", screen.window, *map(str, MENU_ITEM))
        save(screen, args.out, "xvfb-menu.png")
        screen.key("Escape")

        # Without a window manager nobody gives the focus back: give it, then 文件 → 退出.
        screen.run(tool("xdotool"), "windowfocus", "--sync", screen.window)
        screen.key("ctrl+q", settle=1.0)
        try:
            app.wait(15)
        except subprocess.TimeoutExpired:
            print("warning: the app did not quit on Ctrl+Q")
    finally:
        if app.poll() is None:
            app.terminate()
            app.wait(10)
        screen.stop()
    text = log.read_text(encoding="utf-8", errors="replace").strip()
    print(f"the app exited with code {app.returncode}")
    if text:
        print(f"--- the app wrote to stderr (kept in {log}):\n{text}")
        return 1
    shutil.rmtree(config, ignore_errors=True)
    return 0 if app.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
