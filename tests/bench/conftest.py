"""Benchmark fixtures: the demo county of 150 villages × 500 households, made once and cached."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("FUPIN_BENCH_DIR", "/tmp/fupin-bench"))
VILLAGES = int(os.environ.get("FUPIN_BENCH_VILLAGES", "150"))
HOUSEHOLDS = int(os.environ.get("FUPIN_BENCH_HOUSEHOLDS", "500"))


@pytest.fixture(scope="session")
def county_db() -> Path:
    """The demo county file (python main.py demo … --villages 150 --households 500)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    from storage.schema import LATEST

    # a demo made by an older schema (and an older demo generator) is made anew
    path = CACHE / f"county-{VILLAGES}x{HOUSEHOLDS}-v{LATEST}.db"
    if not path.exists():
        tmp = path.with_suffix(".part.db")
        tmp.unlink(missing_ok=True)
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "main.py"),
                "demo",
                str(tmp),
                "--villages",
                str(VILLAGES),
                "--households",
                str(HOUSEHOLDS),
            ],
            check=True,
        )
        tmp.rename(path)
    return path


def report(name: str, seconds: float, floor: float | None = None, floor_name: str = "") -> None:
    def shown(s: float) -> str:  # a step of milliseconds reads as such
        return f"{s:.2f} s" if s >= 0.1 else f"{s * 1000:.1f} ms"

    line = f"BENCH {name}: {shown(seconds)}"
    if floor is not None:
        line += f"   (floor, {floor_name}: {shown(floor)})"
    print(line)
