"""`build.py watch`: build, then build again on every save, the edited leaflet's screen PDF
first, with one line per save.

The process stays warm between saves: WeasyPrint is loaded and the fonts and templates are
ready in it and in its pool of workers (started once, forked from it after a first layout),
and the documents' markup is kept while their text does not change. An edited document's
screen PDF is laid out in this process as soon as its text is read again, before the rest
of the input is checked; then the build goes on as `build` does, and makes the rest.

Bad input prints its lines (file:line) and keeps the last good outputs; the next save tries
again. Ctrl-C stops: the build under way ends as `build` ends when interrupted (every output
written is whole), the workers stop, and their temporary folders go.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .config import PUBLICATION_FILE, SOURCE_FOLDERS
from .driver import SCRATCH, BuildOptions, Warm, build, checked_dist, plan_targets
from .errors import LeafletError
from .files import shown_path
from .keys import InstalledVersions
from .workers import Workers

if TYPE_CHECKING:
    from .project import Project

LOGGER = "leaflets.progress"
STEP_MS = 10  # a save is over when nothing more changed for this long
MOST_MS = 400  # ... or at the latest after this long (an editor writing several files)
WAKE_MS = 200  # how often the watch looks whether it was asked to stop


def watch(root: Path, options: BuildOptions, stdout: TextIO, stderr: TextIO,
          stop: threading.Event | None = None) -> int:
    """Build, then watch the sources and build again after each save, until Ctrl-C (or
    `stop`, for the tests). Returns the exit status: 0."""
    from .project import ProjectCache, load_project

    dist = checked_dist(root)
    warm = Warm(Workers(options.jobs or os.cpu_count() or 1, dist / SCRATCH),
                ProjectCache(), InstalledVersions())
    repeated = _SaidOnce()
    logging.getLogger(LOGGER).addFilter(repeated)
    try:
        with warm.workers:
            with contextlib.suppress(LeafletError):  # the first build says what is wrong
                _warm_up(load_project(root, warm.projects), warm)
            warm.workers.start()
            _build_once(root, options, warm, "first build", None, stdout, stderr, repeated)

            def ready() -> None:
                print(f"watching {', '.join(_shown(path, root) for path in _sources(root))} "
                      "(Ctrl-C stops)", file=stdout, flush=True)

            for changed, seen in _saves(root, stop, ready):
                edited = tuple(path for path in changed
                               if path.suffix == ".md" and path.is_file())
                _build_once(root, options, dataclasses.replace(warm, first=edited),
                            ", ".join(_shown(path, root) for path in changed[:3])
                            + (f" and {len(changed) - 3} more" if len(changed) > 3 else ""),
                            seen, stdout, stderr, repeated)
    except KeyboardInterrupt:
        pass
    finally:
        logging.getLogger(LOGGER).removeFilter(repeated)
    print("stopped watching", file=stdout, flush=True)
    return 0


def _build_once(root: Path, options: BuildOptions, warm: Warm, what: str,
                seen: float | None, stdout: TextIO, stderr: TextIO,
                repeated: _SaidOnce) -> None:
    """One build, summed up in one line; bad input in its own lines, outputs kept."""
    started = time.monotonic()
    repeated.new_build()
    clock = datetime.datetime.now().strftime("%H:%M:%S")
    try:
        report = build(root, options, warm)
    except LeafletError as error:
        for problem in error.problems:
            print(problem.describe(root), file=stderr, flush=True)
        print(f"{clock} {what}: {len(error.problems)} problem(s) in the input; the last good "
              "outputs are kept, watching for the next save", file=stdout, flush=True)
        return
    first = ""
    if report.first and seen is not None and report.first_written is not None:
        first = (f"{', '.join(shown_path(target.output, root) for target in report.first)} "
                 f"{report.first_written - seen:.2f} s after the save; then ")
    print(f"{clock} {what}: {first}{report.summary()} "
          f"({time.monotonic() - started:.1f} s)", file=stdout, flush=True)


def _warm_up(project: Project, warm: Warm) -> None:
    """Lay out one leaflet here, without writing it, before the workers fork from this
    process: WeasyPrint imported, the fonts found, the templates compiled, in it and in
    them."""
    screens = plan_targets(project, BuildOptions(formats=("pdf",), profiles=("screen",)))
    if screens:
        warm.workers.make_here(project, screens[0])


def _sources(root: Path) -> list[Path]:
    """What the outputs are made from: the publication file and the four folders (known
    without reading the publication file, which may be the one being corrected)."""
    return [root / PUBLICATION_FILE, *(root / folder for folder in SOURCE_FOLDERS)]


def _shown(path: Path, root: Path) -> str:
    shown = shown_path(path, root)
    return f"{shown}/" if path.is_dir() else shown


def _saves(root: Path, stop: threading.Event | None,
           ready: Callable[[], None]) -> Iterator[tuple[list[Path], float]]:
    """The files changed by each save (sorted), and when it was seen (time.monotonic()).
    `ready` is called once the watch is in place: a save before would be missed. The watch
    starts again when the publication file is replaced (editors save by writing a new file
    and renaming it over the old one, which a watch on the file itself loses), before that
    save is built: the next one is not missed."""
    from watchfiles import Change, watch

    pending: tuple[list[Path], float] | None = None
    while stop is None or not stop.is_set():
        publication_file = _sources(root)[0]
        # An empty set every WAKE_MS: the first says the watch is in place.
        for changes in watch(*_sources(root), step=STEP_MS, debounce=MOST_MS, stop_event=stop,
                             watch_filter=_is_source, raise_interrupt=True,
                             yield_on_timeout=True, rust_timeout=WAKE_MS):
            if not changes:
                ready()
                ready = _nothing
                if pending is not None:
                    yield pending
                    pending = None
                continue
            seen = time.monotonic()
            changed = {Path(path) for _, path in changes}
            replaced = any(Path(path) == publication_file and change == Change.deleted
                           for change, path in changes)
            if pending is not None:
                changed |= set(pending[0])
                seen, pending = pending[1], None
            save = sorted(changed), seen
            if replaced:
                pending = save
                break
            yield save
        else:
            return


def _nothing() -> None:
    pass


def _is_source(change: object, path: str) -> bool:
    """A file the outputs may be made from: not an editor's backup or swap file, nor a
    compiled catalog or a temporary file."""
    name = os.path.basename(path)
    return not (name.startswith((".#", "#"))
                or name.endswith(("~", ".swp", ".swx", ".mo", ".tmp")))


class _SaidOnce(logging.Filter):
    """One line per save: each output's line is left out, and a warning the previous build
    already gave (the placeholders, the drafts) is not given again."""

    def __init__(self) -> None:
        super().__init__()
        self.before: set[str] = set()
        self.now: set[str] = set()

    def new_build(self) -> None:
        self.before, self.now = self.now, set()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return False
        if record.levelno >= logging.ERROR:  # an output that failed, every time
            return True
        message = record.getMessage()
        self.now.add(message)
        return message not in self.before
