"""Writing files so that a crash or an interrupt never leaves a half-written one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def temporary_files_in(folder: Path) -> Iterator[None]:
    """The temporary files made until the block ends (WeasyPrint's copies of the fonts) go
    under `folder`, made if need be: never in the system's temporary folder."""
    folder.mkdir(parents=True, exist_ok=True)
    previous, tempfile.tempdir = tempfile.tempdir, str(folder)
    try:
        yield
    finally:
        tempfile.tempdir = previous


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file renamed into place when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".tmp")
    try:
        # mkstemp makes the file private; outputs are shared like any file the user makes.
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(handle, 0o666 & ~umask)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_all(files: list[tuple[Path, bytes]]) -> None:
    """Write every file, each atomically, or none: when one cannot be written (a full
    disk), those already written get their earlier content back, or go if they are new."""
    earlier: list[tuple[Path, bytes | None]] = []
    try:
        for path, data in files:
            earlier.append((path, path.read_bytes() if path.is_file() else None))
            write_atomically(path, data)
    except BaseException:
        for path, previous in reversed(earlier):
            with contextlib.suppress(OSError):  # the first failure is the one to report
                if previous is None:
                    path.unlink(missing_ok=True)
                else:
                    write_atomically(path, previous)
        raise


def shown_path(path: Path, root: Path) -> str:
    """`path` as the user sees it: relative to the project folder when it lies inside."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
