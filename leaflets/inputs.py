"""Reading the project's input files: only regular files whose real path lies inside the
project, and not larger than a leaflet's input can sensibly be.

Translations and catalogs arrive from outside the hospital, in a branch or a zip: a link in
them may point at any file of the machine (/proc/self/environ, a key), which would then be
printed in an error message, a PDF or an e-book. Every input file is read through here.
"""

from __future__ import annotations

from pathlib import Path

from .errors import LeafletError

# A leaflet is some 10 KB of Markdown and a catalog some 20 KB: a file of megabytes is a
# mistake, and laying it out would take minutes and gigabytes.
MAX_INPUT_BYTES = 512 * 1024
MAX_DOCUMENT_BYTES = 64 * 1024  # some 10,000 words: thirty A5 pages


def read_input(path: Path, root: Path, error: type[LeafletError] = LeafletError,
               limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of the input file `path`.

    Raises `error` (naming `path`) when it is a link to a file outside `root`, a link to
    nothing or a link that loops, not a regular file, or larger than `limit` bytes.
    """
    real = checked_path(path, root, error)
    size = real.stat().st_size
    if size > limit:
        raise error(path, None, f"{size / 1024:.0f} KB: larger than any leaflet or catalog "
                    f"should be (at most {limit // 1024} KB); is it the right file?")
    return real.read_bytes()


def checked_folder(path: Path, root: Path, error: type[LeafletError] = LeafletError) -> None:
    """Refuse to write `path` unless its folder really lies inside `root`: a folder of the
    project that is a link (locales/en/follows -> elsewhere) would send the file out."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.resolve().is_relative_to(root.resolve()):
        raise error(path, None, f"{folder.name}/ leads outside the project (a link?): "
                    "nothing is written there")


def checked_path(path: Path, root: Path, error: type[LeafletError] = LeafletError) -> Path:
    """The real path of the input file `path`, after the checks `read_input` makes."""
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        if path.is_symlink():
            raise error(path, None, "a link to a file that does not exist") from None
        raise error(path, None, "file not found") from None
    except (RuntimeError, OSError):  # a link that loops, or a path the system refuses
        raise error(path, None, "a link that cannot be followed (it loops?)") from None
    if not real.is_relative_to(root.resolve()):
        raise error(path, None, "a link to a file outside the project: refused (copy the "
                    "file into the project instead)")
    if not real.is_file():
        raise error(path, None, "not a file (a folder?): rename or remove it")
    return real


def read_input_text(path: Path, root: Path, error: type[LeafletError] = LeafletError,
                    limit: int = MAX_INPUT_BYTES) -> str:
    """`read_input` decoded as UTF-8, a byte order mark at its start left out.

    Raises `error` with the line of the first byte that is not UTF-8.
    """
    data = read_input(path, root, error, limit)
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as problem:
        line = data[:problem.start].count(b"\n") + 1
        raise error(path, line, "not UTF-8 text: save the file as UTF-8") from None
