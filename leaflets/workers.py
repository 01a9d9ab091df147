"""Making outputs in worker processes, one per core, or in this process for a single job.

The pool starts once the project is read, its processes forked with it: they load
WeasyPrint while this one checks the input. Targets may be handed to them before the check
ends (`begin`); what the check then refuses is dropped, unwritten.

What a worker logs while making a target (WeasyPrint's warnings, the traceback of a bug
under `--debug`) comes back with the target and is reported here, as if it had been logged
here, when the target is taken: never for a target dropped. Workers end with the build's
process, however it ends.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import LeafletError
from .files import temporary_files_in
from .keys import read_entries
from .outputs import KINDS, Making, Output, Reused, Target

if TYPE_CHECKING:
    from .outputs.common import Renderers
    from .pdf import PdfStyles
    from .project import Project

LOGGER = "leaflets"
Job = tuple[Reused | None, ...]  # what a target reuses (see Target.needs, Making.needed)
Said = list[tuple[int, str]]  # what making a target logged: level, message


class Workers:
    """Makes targets in worker processes, or in this one for a single job. A task carries the
    project only when the processes did not fork with it (`watch` keeps a pool between
    builds); each worker keeps a renderer per language and the PDFs' parsed stylesheets.

    WeasyPrint's temporary folders go under `scratch` (dist/.work/), which the next build
    empties: a killed build leaves nothing in the system's temporary folder. Workers do not
    hold the project's lock (`lock_fd`, inherited when they fork) and end when the build's
    process ends, however it ends."""

    def __init__(self, jobs: int, scratch: Path, lock_fd: int | None = None) -> None:
        self.jobs = jobs
        self.scratch = scratch
        self.lock_fd = lock_fd
        self.pool: ProcessPoolExecutor | None = None
        self.here: Maker | None = None
        self.ahead: dict[Target, tuple[Job, Future[tuple[Output | LeafletError, Said]]]] = {}
        self.tasks = 0  # handed to the pool
        self.inherited: Project | None = None  # the project the pool's processes forked with

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if self.pool is not None:
            if not self.tasks:
                # Never given a target, they may still be loading WeasyPrint: nothing of
                # theirs is in the pool's pipes, and nothing is worth waiting for.
                _terminate(self.pool)
            # Each worker ends its current layout (they ignore Ctrl-C, which the build's
            # process handles): killed, one could leave half a message in the pool's pipe,
            # and left running, it would outlive its temporary folder, removed below.
            self.pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.scratch, ignore_errors=True)

    def start(self, layouts: bool = True, project: Project | None = None) -> None:
        """Start the pool now: its processes fork from this one, with what it has loaded
        (`project` too: the targets of that project are sent without it), and load
        WeasyPrint if `layouts` (PDFs may be made) while this one goes on. Unless one job
        is asked for (then targets are made in this process)."""
        if self.pool is None and self.jobs > 1:
            context = multiprocessing.get_context("fork")  # workers inherit the loaded modules
            self.inherited = project
            # Forked, the processes receive these as they are: nothing is pickled.
            self.pool = ProcessPoolExecutor(
                self.jobs, mp_context=context, initializer=_start_worker,
                initargs=(self.scratch, self.lock_fd,
                          logging.getLogger(LOGGER).getEffectiveLevel(), layouts, project))
            # A pool of forked processes forks them all at its first task: now, not later
            # in a build whose lock they would inherit (`watch` keeps a pool between
            # builds). Without waiting for them to load WeasyPrint.
            self.pool.submit(int)

    def begin(self, project: Project, jobs: dict[Target, Job]) -> None:
        """Start making `jobs` now, ahead of `run`, which takes each again if it is given
        the same job; those it is not given are dropped."""
        if self.pool is None:
            return
        for target, needed in jobs.items():
            if target not in self.ahead:
                self.ahead[target] = needed, self._submit(project, target, needed)

    def drop_ahead(self) -> None:
        """Forget what `begin` started and `run` did not take: at the end of a build, for a
        pool kept between builds (`watch`) must never give a later build an output of
        earlier sources."""
        for _, future in self.ahead.values():
            future.cancel()
        self.ahead.clear()

    def run(self, project: Project, jobs: dict[Target, LeafletError | Job]
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
            self.start(project=project)
        pending: dict[Future[tuple[Output | LeafletError, Said]], Target] = {}
        for target, needed in work.items():
            ahead = self.ahead.pop(target, None)
            future = ahead[1] if ahead is not None and ahead[0] == needed else \
                self._submit(project, target, needed)
            pending[future] = target
        for future in as_completed(pending):
            result, said = future.result()
            for level, message in said:
                logging.getLogger(LOGGER).log(level, "%s", message)
            yield pending[future], result

    def make_here(self, project: Project, target: Target, needed: Job = ()
                  ) -> Output | LeafletError:
        """Make one target in this process (no pickling, a renderer kept warm here)."""
        self.here = self.here or Maker()
        with temporary_files_in(self.scratch / "main"):
            return self.here.make(project, target, needed)

    def _submit(self, project: Project, target: Target, needed: Job
                ) -> Future[tuple[Output | LeafletError, Said]]:
        assert self.pool is not None
        self.tasks += 1
        # A publication of 500 documents pickles to 17 MB: sent with every task, it would
        # cost more than the layouts.
        sent = None if project is self.inherited else project
        return self.pool.submit(_make_in_worker, sent, target, needed)


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Stop the processes of a pool that was never given a task (Python 3.14 has
    ProcessPoolExecutor.terminate_workers)."""
    for process in list(getattr(pool, "_processes", {}).values()):
        process.terminate()


class Maker:
    """What one process keeps between targets: a renderer per language, and the PDFs'
    parsed stylesheets and fonts."""

    def __init__(self) -> None:
        from .outputs.common import Renderers
        from .pdf import PdfStyles

        self.renderers: Renderers = Renderers()
        self.pdf_styles: PdfStyles = PdfStyles()

    def make(self, project: Project, target: Target, needed: Job) -> Output | LeafletError:
        from .inputs import recording

        started = time.perf_counter()
        try:
            with recording() as reads:
                output = KINDS[target.kind].make(Making(project, target, self.renderers,
                                                        self.pdf_styles, needed))
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


# The worker process's maker, and the project it forked with, set once by the pool's
# initializer.
_worker: Maker | None = None
_inherited: Project | None = None


def _start_worker(scratch: Path, lock_fd: int | None, level: int, layouts: bool,
                  project: Project | None) -> None:
    global _worker, _inherited
    # The build's process stops the build (Ctrl-C reaches the whole terminal's group);
    # a worker ends its current layout and then goes when told, or with that process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if lock_fd is not None:
        os.close(lock_fd)  # the lock is the build's, not its workers'
    # Made with the first target (see _make_in_worker): a build that makes nothing leaves
    # no dist/ folder.
    tempfile.tempdir = str(scratch / str(os.getpid()))
    # What this worker logs while making a target goes back with the target (Said).
    logger = logging.getLogger(LOGGER)
    logger.handlers[:] = []
    logger.setLevel(level)
    logger.propagate = False
    parent = os.getppid()
    _kill_with_parent()
    threading.Thread(target=_end_with_parent, args=(parent,), daemon=True).start()
    _worker, _inherited = Maker(), project
    if layouts:
        # Now, while the build's process reads the input. Without Pango, the error is said
        # when a PDF is made.
        with contextlib.suppress(OSError):
            import weasyprint  # noqa: F401


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


def _make_in_worker(sent: Project | None, target: Target, needed: Job
                    ) -> tuple[Output | LeafletError, Said]:
    """Make `target` of the project `sent`, or of the one this worker forked with."""
    assert _worker is not None, "the pool's initializer sets the worker's context"
    project = sent or _inherited
    assert project is not None, "a task without its project is one of the inherited one"
    # Also: a pool kept between builds (`watch`) outlives each build's clean-up of
    # dist/.work/.
    Path(tempfile.gettempdir()).mkdir(parents=True, exist_ok=True)
    with kept_logs() as said:
        return _worker.make(project, target, needed), said


@contextmanager
def kept_logs() -> Iterator[Said]:
    """What this process logs (as `leaflets`) until the block ends, to be said elsewhere."""
    said: Said = []
    handler = _Keep(said)
    logger = logging.getLogger(LOGGER)
    logger.addHandler(handler)
    try:
        yield said
    finally:
        logger.removeHandler(handler)


class _Keep(logging.Handler):
    def __init__(self, said: Said) -> None:
        super().__init__(logging.DEBUG)
        self.said = said

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
        self.said.append((record.levelno, message))
