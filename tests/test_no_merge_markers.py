"""No file of the project holds a merge's conflict markers (one reached the docs once)."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"^(<{7} |={7}$|>{7} )", re.M)


def test_no_tracked_text_file_holds_conflict_markers():
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    names = listed.stdout.split() if listed.returncode == 0 else []
    files = [ROOT / n for n in names] or [*ROOT.glob("**/*.py"), *ROOT.glob("**/*.md")]
    found = []
    for path in files:
        if path.suffix not in (".py", ".md", ".toml", ".txt", ".cfg", "") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if MARKER.search(text):
            found.append(str(path.relative_to(ROOT)))
    assert not found, found
