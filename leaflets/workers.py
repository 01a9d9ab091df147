"""Making outputs in worker processes, one per core, or in this process for a single job.

What a worker logs (progress, WeasyPrint's warnings, the traceback of a bug under
`--debug`) travels to the build's process through a queue, and is reported there as if
it had been logged there. Workers end with the build's process, however it ends.
"""

from __future__ import annotations

import ctypes
import logging
import logging.handlers
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from pathlib import Path
from queue import Queue
from typing import TYPE_CHECKING

from .errors import LeafletError
from .keys import read_entries
from .outputs import KINDS, Making, Output, Reused, Target

if TYPE_CHECKING:
    from .outputs.common import Renderers
    from .project import Project

LOGGER = "leaflets"


class Workers:
    """Makes targets in worker processes, or in this one for a single job. Each task carries
    the project (a small pickle); each worker keeps a renderer per language.

    WeasyPrint's temporary folders go under `scratch` (dist/.work/), which the next build
    empties: a killed build leaves nothing in the system's temporary folder. Workers do not
    hold the project's lock (`lock_fd`, inherited when they fork) and end when the build's
    process ends, however it ends."""

    def __init__(self, jobs: int, scratch: Path, lock_fd: int | None = None) -> None:
        self.jobs = jobs
        self.scratch = scratch
        self.lock_fd = lock_fd
        self.pool: ProcessPoolExecutor | None = None
        self.logs: Queue[logging.LogRecord] | None = None
        self.listener: logging.handlers.QueueListener | None = None
        self.here: Maker | None = None
        self.reporter: _ReportHere | None = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if self.pool is not None:
            if kind is not None and self.reporter is not None:
                # Stopped (Ctrl-C, SIGTERM, a bug): what a worker still says concerns an
                # output that will not be written.
                self.reporter.muted = True
            # Each worker ends its current layout (they ignore Ctrl-C, which the build's
            # process handles): killed, one could leave half a message in the pool's pipe,
            # and left running, it would outlive its temporary folder, removed below.
            self.pool.shutdown(wait=True, cancel_futures=True)
        if self.listener is not None:
            self.listener.stop()  # after the workers: what they logged last is reported
        shutil.rmtree(self.scratch, ignore_errors=True)

    def run(self, project: Project, jobs: dict[Target, LeafletError | tuple[Reused | None, ...]]
            ) -> Iterator[tuple[Target, Output | LeafletError]]:
        """Each target with its output, or the error that stopped it, as they complete.
        A job is what the target reuses (see Target.needs and Making.needed), or an error
        already found, reported as it is."""
        work = {target: job for target, job in jobs.items()
                if not isinstance(job, LeafletError)}
        for target, job in jobs.items():
            if isinstance(job, LeafletError):
                yield target, job
        if self.pool is None and (self.jobs <= 1 or len(work) <= 1):
            for target, needed in work.items():
                yield target, self.make_here(project, target, needed)
            return
        if self.pool is None:
            self._start(min(self.jobs, len(work)))
        assert self.pool is not None
        pending: dict[Future[Output | LeafletError], Target] = {
            self.pool.submit(_make_in_worker, project, target, needed): target
            for target, needed in work.items()}
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield pending.pop(future), future.result()

    def start(self) -> None:
        """Start the pool now, warm: the processes fork from this one, with what it has
        loaded (WeasyPrint, the fonts), and `make_here` keeps its renderers. For `watch`,
        whose builds share one pool; started outside a build, they hold no lock."""
        self.here = self.here or Maker()
        if self.pool is None and self.jobs > 1:
            self._start(self.jobs)
            assert self.pool is not None
            # The pool forks its processes when work comes: all of them now, so that none
            # inherits the project's lock from a build (it would hold it after the build).
            started = [self.pool.submit(time.sleep, 0.05) for _ in range(self.jobs)]
            for future in started:
                future.result()

    def make_here(self, project: Project, target: Target,
                  needed: tuple[Reused | None, ...] = ()) -> Output | LeafletError:
        """Make one target in this process (no pickling, a renderer kept warm here)."""
        self.here = self.here or Maker()
        with _temporary_folder(self.scratch / "main"):
            return self.here.make(project, target, needed)

    def _start(self, processes: int) -> None:
        context = multiprocessing.get_context("fork")  # workers inherit the loaded modules
        logs: Queue[logging.LogRecord] = context.Queue()  # type: ignore[assignment]
        self.reporter = _ReportHere()
        self.listener = logging.handlers.QueueListener(logs, self.reporter)
        self.listener.start()
        self.logs = logs
        self.pool = ProcessPoolExecutor(
            processes, mp_context=context, initializer=_start_worker,
            initargs=(self.scratch, self.lock_fd, logs,
                      logging.getLogger(LOGGER).getEffectiveLevel()))


class _ReportHere(logging.Handler):
    """Reports a worker's log record through this process's loggers and handlers, unless
    muted."""

    muted = False

    def handle(self, record: logging.LogRecord) -> bool:
        logger = logging.getLogger(record.name)
        if not self.muted and logger.isEnabledFor(record.levelno):
            logger.handle(record)
        return True

    def emit(self, record: logging.LogRecord) -> None:  # handle() does it all
        pass


@contextmanager
def _temporary_folder(folder: Path) -> Iterator[None]:
    """Temporary files (WeasyPrint's fonts) under `folder` while making one target here."""
    folder.mkdir(parents=True, exist_ok=True)
    previous, tempfile.tempdir = tempfile.tempdir, str(folder)
    try:
        yield
    finally:
        tempfile.tempdir = previous


class Maker:
    """What one process keeps between targets: a renderer per language."""

    def __init__(self) -> None:
        from .outputs.common import Renderers

        self.renderers: Renderers = Renderers()

    def make(self, project: Project, target: Target,
             needed: tuple[Reused | None, ...]) -> Output | LeafletError:
        from .inputs import recording

        started = time.perf_counter()
        try:
            with recording() as reads:
                output = KINDS[target.kind].make(Making(project, target, self.renderers,
                                                        needed))
        except LeafletError as error:
            return error
        except Exception as error:  # a bug of ours: it costs this output, not the others
            logging.getLogger(LOGGER).debug("internal error making %s:", target.output,
                                            exc_info=True)
            return LeafletError(None, None, f"internal error in the pipeline "
                                f"({type(error).__name__}: {error}); please report it (run "
                                "again with --debug for the details)")
        return Output(output.data, output.pages, time.perf_counter() - started,
                      read_entries(reads, project.publication.root))


# The worker process's maker, set once by the pool's initializer.
_worker: Maker | None = None


def _start_worker(scratch: Path, lock_fd: int | None, logs: Queue[logging.LogRecord],
                  level: int) -> None:
    global _worker
    # The build's process stops the build (Ctrl-C reaches the whole terminal's group);
    # a worker ends its current layout and then goes when told, or with that process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if lock_fd is not None:
        os.close(lock_fd)  # the lock is the build's, not its workers'
    folder = scratch / str(os.getpid())
    folder.mkdir(parents=True, exist_ok=True)
    tempfile.tempdir = str(folder)
    # Everything this worker logs goes to the build's process, which reports it.
    logger = logging.getLogger(LOGGER)
    logger.handlers[:] = [logging.handlers.QueueHandler(logs)]
    logger.setLevel(level)
    logger.propagate = False
    parent = os.getppid()
    _kill_with_parent()
    threading.Thread(target=_end_with_parent, args=(parent,), daemon=True).start()
    _worker = Maker()


def _kill_with_parent() -> None:
    """Ask Linux to kill this worker when the build's process dies, even while the worker
    is deep in a layout that holds Python's lock (the watcher thread could not run)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the watcher thread remains
        pass


def _end_with_parent(parent: int) -> None:
    """End this worker as soon as the build's process has gone (killed, say): nothing else
    would, and it would go on writing and holding memory for no one."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _make_in_worker(project: Project, target: Target,
                    needed: tuple[Reused | None, ...]) -> Output | LeafletError:
    assert _worker is not None, "the pool's initializer sets the worker's context"
    # A pool kept between builds (`watch`) outlives each build's clean-up of dist/.work/.
    Path(tempfile.gettempdir()).mkdir(parents=True, exist_ok=True)
    return _worker.make(project, target, needed)
