"""Writing workbooks safely: to a temporary file beside the target, flushed, then renamed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .db import StorageError


def save_workbook(wb, path: str | os.PathLike) -> None:
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=target.parent or ".")
    except OSError as e:
        raise StorageError(f"无法写入 {target}（{e.strerror or e}）") from None
    os.close(fd)
    try:
        wb.save(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as e:
        raise StorageError(f"无法写入 {target}（{e.strerror or e}）") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
