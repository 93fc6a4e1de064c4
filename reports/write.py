"""Write a PDF atomically: build into a temp file beside the target, then os.replace."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable


def write_pdf(path, build_fn: Callable[[Path], None]) -> Path:
    """Call build_fn(tmp_path) and move the result to `path`; return `path`.

    The temp file lives in the target's folder so the final os.replace is a rename on the same
    volume (a USB stick included): a reader sees the old file or the whole new one, never half.
    On any exception the temp file is removed and the exception propagates; the old file, if
    any, is untouched. (On Windows the replace fails with PermissionError while a viewer holds
    the old file open; the caller tells the user to close it.)
    """
    target = Path(path)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.stem}.", suffix=".pdf.part", dir=target.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        build_fn(tmp)
        with open(tmp, "rb+") as f:
            if not f.read(5) == b"%PDF-":
                raise ValueError(f"{tmp} is not a PDF")
            os.fsync(f.fileno())
        # mkstemp makes the file private (0600); give it the mode a plain open() would have.
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o644)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
