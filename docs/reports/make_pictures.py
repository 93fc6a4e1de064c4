"""Print every report for a village of the demo county and save the first pages here as PNG.

    .venv/bin/python docs/reports/make_pictures.py

It runs what a user runs — `main.py demo` for a fictional county of 3 villages × 50 households
(seed 1), then `main.py report KIND … --village 621102100200` — and pictures the PDFs with
pdftoppm (poppler-utils).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
VILLAGE = "621102100200"  # 高庄村 of the demo county (seed 1)
POSTED = "2017-12-10"  # the date printed as 张贴日期 / 制表日期

# picture name: (report arguments, pages to picture, dpi)
PICTURES = {
    "plan": (["plan"], (1, 2), 60),  # A3 landscape
    "plan_tile": (["plan", "--paper", "A2", "--tile", "A4"], (9,), 70),  # big page 2, top left
    "progress": (["progress"], (1,), 60),  # A3 landscape
    "notice_planned_exit": (["notice", "--notice", "planned_exit"], (1,), 70),
    # the demo's households exited in 2015 and 2016: the 2016 announcement
    "notice_exited": (["notice", "--notice", "exited", "--year", "2016"], (1,), 70),
    "needs": (["needs"], (1,), 70),
    "ledger": (["ledger"], (1,), 70),
    "card": (["card"], (1,), 70),
}


def main_py(*args) -> None:
    subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], check=True)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo.db"
        main_py("demo", demo, "--villages", 3, "--households", 50, "--seed", 1)
        for name, (args, pages, dpi) in PICTURES.items():
            pdf = Path(tmp) / f"{name}.pdf"
            main_py(
                "report",
                args[0],
                demo,
                "--village",
                VILLAGE,
                "--out",
                pdf,
                "--date",
                POSTED,
                *args[1:],
            )
            for n in pages:
                out = HERE / (f"{name}.png" if len(pages) == 1 else f"{name}-{n}.png")
                subprocess.run(
                    [
                        "pdftoppm",
                        "-png",
                        "-r",
                        str(dpi),
                        "-f",
                        str(n),
                        "-l",
                        str(n),
                        "-singlefile",
                        str(pdf),
                        str(out.with_suffix("")),
                    ],
                    check=True,
                )
                print(f"{out.name}: {out.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
