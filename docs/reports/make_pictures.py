"""Render every report for the sample village and save the pictures in this folder (needs pdftoppm).

    .venv/bin/python docs/reports/make_pictures.py
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from reports.card import render_cards  # noqa: E402
from reports.ledger import render_ledger  # noqa: E402
from reports.needs import render_needs  # noqa: E402
from reports.notice import render_notice  # noqa: E402
from reports.plan import render_plan  # noqa: E402
from reports.progress import render_progress  # noqa: E402
from tests.reports.sample import sample_village  # noqa: E402

# picture name: (render, pages to picture, dpi)
PICTURES = {
    "plan": (lambda d, p: render_plan(d, p), (1, 2), 60),
    "plan_tile": (lambda d, p: render_plan(d, p, paper="A2", tile_paper="A4"), (10,), 70),
    "progress": (lambda d, p: render_progress(d, p), (1,), 60),
    "notice_planned_exit": (lambda d, p: render_notice(d, p, "planned_exit"), (1,), 70),
    "notice_exited": (lambda d, p: render_notice(d, p, "exited"), (1,), 70),
    "needs": (lambda d, p: render_needs(d, p), (1,), 70),
    "ledger": (lambda d, p: render_ledger(d, p), (1,), 70),
    "card": (lambda d, p: render_cards(d, p), (1,), 70),
}


def main() -> None:
    data = sample_village(45)
    with tempfile.TemporaryDirectory() as tmp:
        for name, (render, pages, dpi) in PICTURES.items():
            pdf = render(data, Path(tmp) / f"{name}.pdf")
            for n in pages:
                out = HERE / (f"{name}.png" if len(pages) == 1 else f"{name}-{n}.png")
                subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(n), "-l", str(n),
                                "-singlefile", str(pdf), str(out.with_suffix(""))], check=True)
                print(f"{out.name}: {out.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
