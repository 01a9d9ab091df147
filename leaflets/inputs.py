"""Reading the project's input files: only regular files whose real path lies inside the
project, and not larger than a leaflet's input can sensibly be.

Translations and catalogs arrive from outside the hospital, in a branch or a zip: a link in
them may point at any file of the machine (/proc/self/environ, a key), which would then be
printed in an error message, a PDF or an e-book. Every input file is read through here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
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
    note_read(path)
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


@dataclass
class Reads:
    """The files, and the folder listings (folder, glob pattern), that making one output
    read: what its key is made of, as a depfile records a compiler's includes."""

    files: set[Path] = field(default_factory=set)
    listings: set[tuple[Path, str]] = field(default_factory=set)

    def add(self, other: Reads) -> None:
        self.files |= other.files
        self.listings |= other.listings


# The reads of the output being made in this process, if one is. A context variable rather
# than a parameter: files are read deep in the stages (a catalog, a font, a stylesheet that
# another imports), which need not know that an output is being made.
_recording: ContextVar[Reads | None] = ContextVar("recording", default=None)


@contextmanager
def recording() -> Iterator[Reads]:
    """Record every input read (through `read_input`, `note_read`, `note_listing`) until
    the block ends."""
    reads = Reads()
    token = _recording.set(reads)
    try:
        yield reads
    finally:
        _recording.reset(token)


def note_read(*paths: Path) -> None:
    """Record that the output being made (if any) depends on the files `paths`."""
    reads = _recording.get()
    if reads is not None:
        reads.files.update(paths)


def note_reads(recorded: Reads) -> None:
    """Record reads made earlier, once, for what is kept between outputs (a renderer)."""
    reads = _recording.get()
    if reads is not None:
        reads.add(recorded)


def stamp(reads: Reads) -> tuple[tuple[Path, int, int], ...]:
    """The size and time of each file `reads` read (-1 for one gone): what is kept between
    outputs (a renderer, the parsed stylesheets) is made again when this changes."""
    return tuple((path, *size_and_time(path)) for path in sorted(reads.files))


def size_and_time(path: Path) -> tuple[int, int]:
    try:
        found = path.stat()
    except OSError:
        return -1, -1
    return found.st_size, found.st_mtime_ns


def listed(folder: Path, pattern: str) -> list[Path]:
    """The files of `folder` matching `pattern`, in order; the output being made depends
    on that list (a font added to the folder remakes what embeds them all)."""
    reads = _recording.get()
    if reads is not None:
        reads.listings.add((folder, pattern))
    return sorted(folder.glob(pattern))


def noted_each(paths: Iterable[Path]) -> list[Path]:
    """`paths`, each recorded as read."""
    found = list(paths)
    note_read(*found)
    return found
