"""Making outputs in worker processes, one per core, or in this process for a single job.

When PDFs may be made, a forkserver starts before the project is read and loads WeasyPrint
(see preload.py), once for all the workers. The pool starts once the project is read, its
processes forked from that server and given the project, while this one checks the input.
Targets may be handed to them before the check ends (`begin`); what the check then refuses
is dropped, unwritten. (As with any forkserver, each worker imports the build's main module
again: a script that builds must do so under `if __name__ == "__main__":`, as build.py
does.)

What a worker logs while making a target (WeasyPrint's warnings, the traceback of a bug
under `--debug`) comes back with the target and is reported here, as if it had been logged
here, when the target is taken: never for a target dropped. Workers end with the build's
process, however it ends.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import multiprocessing
import multiprocessing.forkserver
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
from typing import TYPE_CHECKING, Generic, TypeVar

from .errors import LeafletError
from .files import temporary_files_in
from .keys import ENVIRONMENT, read_entries
from .outputs import KINDS, Making, Output, Reused, Target

if TYPE_CHECKING:
    from .outputs.common import Renderers
    from .pdf import PdfStyles
    from .project import Project

LOGGER = "leaflets"
Job = tuple[Reused | None, ...]  # what a target reuses (see Target.needs, Making.needed)
Said = list[tuple[int, str]]  # what making a target logged: level, message
Handle = TypeVar("Handle")  # a making under way (a local pool's or a cluster's future)
# Python's collector of reference cycles runs after this many new objects (default 700):
# see collect_for_layouts.
LAYOUT_COLLECTION_THRESHOLD = 50_000


class Begun(Generic[Handle]):
    """What `begin` started ahead of `run`, for the local pool and the cluster alike: each
    target's job and the handle of its making (a future), taken again by `run` when it is
    given the same job."""

    def __init__(self) -> None:
        self.ahead: dict[Target, tuple[Job, Handle]] = {}

    def begin(self, project: Project, jobs: dict[Target, Job]) -> None:
        """Start making `jobs` now, ahead of `run`, which takes each again if it is given
        the same job; those it is not given are dropped."""
        for target, needed in jobs.items():
            if target not in self.ahead:
                self.ahead[target] = needed, self._submit(project, target, needed)

    def _taken(self, project: Project, target: Target, needed: Job) -> Handle:
        """The making `begin` started for this job, or a new one."""
        ahead = self.ahead.pop(target, None)
        return ahead[1] if ahead is not None and ahead[0] == needed else \
            self._submit(project, target, needed)

    def _submit(self, project: Project, target: Target, needed: Job) -> Handle:
        raise NotImplementedError


def refused_first(jobs: dict[Target, LeafletError | Job]
                  ) -> tuple[list[tuple[Target, LeafletError]], dict[Target, Job]]:
    """The targets already refused (an error found before making them), and the others'
    jobs."""
    return ([(target, job) for target, job in jobs.items() if isinstance(job, LeafletError)],
            {target: job for target, job in jobs.items() if not isinstance(job, LeafletError)})


def say_again(said: Said) -> None:
    """Log here what a worker logged while making a target."""
    for level, message in said:
        logging.getLogger(LOGGER).log(level, "%s", message)


Made = Future[tuple[Output | LeafletError, Said]]


class Workers(Begun[Made]):
    """Makes targets in worker processes, or in this one for a single job. A task carries the
    project only when the processes did not start with it (`watch` keeps a pool, forked
    from its own warm process, between builds); each worker keeps a renderer per language
    and the PDFs' parsed stylesheets.

    WeasyPrint's temporary folders go under `scratch` (dist/.work/), which the next build
    empties: a killed build leaves nothing in the system's temporary folder. Workers do not
    hold the project's lock (`lock_fd`, inherited when they fork) and end when the build's
    process ends, however it ends."""

    def __init__(self, jobs: int, scratch: Path, lock_fd: int | None = None) -> None:
        super().__init__()
        self.jobs = jobs
        self.scratch = scratch
        self.lock_fd = lock_fd
        self.pool: ProcessPoolExecutor | None = None
        self.here: Maker | None = None
        self.tasks = 0  # handed to the pool
        self.inherited: Project | None = None  # the project the pool's processes started with
        self.server: multiprocessing.context.BaseContext | None = None  # see prepare

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

    def prepare(self) -> None:
        """Before the project is read, when PDFs may be made: start the process the
        workers will be forked from (a forkserver), which loads WeasyPrint once for all of
        them meanwhile. Each worker would otherwise load it (half a second of a core)."""
        if self.pool is None and self.jobs > 1 and self.server is None:
            self.server = multiprocessing.get_context("forkserver")
            self.server.set_forkserver_preload([f"{__package__}.preload"])
            with _pipeline_first_on_search_path():
                multiprocessing.forkserver.ensure_running()

    def start(self, layouts: bool = True, project: Project | None = None) -> None:
        """Start the pool now, with `project` (its targets are then sent without it); the
        processes load WeasyPrint if `layouts` (PDFs may be made) while this one goes on.
        They fork from the forkserver `prepare` started, or from this process, with what
        it has loaded. Unless one job is asked for (then targets are made here)."""
        if self.pool is None and self.jobs > 1:
            self.inherited = project
            served = self.server is not None and project is not None
            context = self.server if served else multiprocessing.get_context("fork")
            # From the forkserver, these are pickled, once for each process; forked from
            # this one, the processes receive them as they are. The forkserver holds no
            # lock, and the environment it started with may be older than the build's.
            self.pool = ProcessPoolExecutor(
                self.jobs, mp_context=context, initializer=_start_worker,
                initargs=(self.scratch, None if served else self.lock_fd,
                          logging.getLogger(LOGGER).getEffectiveLevel(), layouts, project,
                          {name: os.environ.get(name) for name in ENVIRONMENT}))
            # All the processes now, not later in a build whose lock they would inherit
            # (`watch` keeps a pool between builds); without waiting for them to load
            # WeasyPrint. A forked pool forks all at its first task, a served one one at
            # each task while none is idle.
            for _ in range(self.jobs if served else 1):
                self.pool.submit(int)

    def begin(self, project: Project, jobs: dict[Target, Job]) -> None:
        if self.pool is not None:  # one job: made here, in `run`
            super().begin(project, jobs)

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
        refused, work = refused_first(jobs)
        yield from refused
        if self.pool is None and (self.jobs <= 1 or len(work) <= 1):
            for target, needed in work.items():
                yield target, self.make_here(project, target, needed)
            return
        if self.pool is None:
            self.start(project=project)
        pending = {self._taken(project, target, needed): target
                   for target, needed in work.items()}
        for future in as_completed(pending):
            result, said = future.result()
            say_again(said)
            yield pending[future], result

    def make_here(self, project: Project, target: Target, needed: Job = ()
                  ) -> Output | LeafletError:
        """Make one target in this process (no pickling, a renderer kept warm here)."""
        self.here = self.here or Maker()
        with temporary_files_in(self.scratch / "main"):
            return self.here.make(project, target, needed)

    def _submit(self, project: Project, target: Target, needed: Job) -> Made:
        assert self.pool is not None
        self.tasks += 1
        # A publication of 500 documents pickles to 17 MB: sent with every task, it would
        # cost more than the layouts.
        sent = None if project is self.inherited else project
        return self.pool.submit(_make_in_worker, sent, target, needed)


@contextmanager
def _pipeline_first_on_search_path() -> Iterator[None]:
    """While the forkserver starts, the folder of this pipeline is the first place Python
    looks for modules, and the current folder is not looked in. Python (3.11 to 3.13)
    starts the server as `python -c`: with the current folder first, and not the search
    path it is given. Run from another folder, the server would find no preload, and from
    another copy of the pipeline, that copy's, saying nothing either time: each worker
    would load WeasyPrint itself, or run the other copy's code."""
    saved = {name: os.environ.get(name) for name in ("PYTHONPATH", "PYTHONSAFEPATH")}
    pipeline = str(Path(__file__).resolve().parent.parent)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [pipeline, *([saved["PYTHONPATH"]] if saved["PYTHONPATH"] else [])])
    os.environ["PYTHONSAFEPATH"] = "1"  # Python 3.11's: no current folder on the path
    try:
        yield
    finally:
        _set_environment(saved)


def _set_environment(values: dict[str, str | None]) -> None:
    """Set each variable of `values` in this process's environment; None unsets it."""
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


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


# The worker process's maker, and the project it started with, set once by the pool's
# initializer.
_worker: Maker | None = None
_inherited: Project | None = None


def _start_worker(scratch: Path, lock_fd: int | None, level: int, layouts: bool,
                  project: Project | None, environment: dict[str, str | None]) -> None:
    global _worker, _inherited
    _set_environment(environment)  # what the outputs depend on (keys.ENVIRONMENT)
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
    _leave_the_server()
    _kill_with_parent()
    threading.Thread(target=_end_with_parent, args=(os.getppid(),), daemon=True).start()
    _worker, _inherited = Maker(), project
    if layouts:
        # Now, while the build's process reads the input. Without Pango, the error is said
        # when a PDF is made.
        from .pdf import load_weasyprint

        with contextlib.suppress(OSError):
            load_weasyprint()
    collect_for_layouts()  # once what the worker keeps is loaded


def collect_for_layouts() -> None:
    """Tune Python's collector of reference cycles for a process that lays out page after
    page. What the process holds now (modules, the project, what it forked with) is never
    garbage: frozen, the collector no longer goes through it. A leaflet's layout makes
    hundreds of thousands of objects, and by default the collector passed over them every
    700: an eighth of a worker's time (0.43 to 0.57 s of about 3.5 s for half the screen
    PDFs and EPUBs, measured; 0.09 to 0.14 s so tuned). The garbage waits longer: the
    largest worker holds 4 MiB more at 24 PDFs, about 30 MiB more at 500 documents."""
    gc.freeze()
    gc.set_threshold(LAYOUT_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])


def _kill_with_parent() -> None:
    """Ask Linux to kill this worker when its parent dies (the build's process, or the
    forkserver, which ends with it), even while the worker is deep in a layout that holds
    Python's lock (the watcher thread could not run)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the watcher thread remains
        pass


def _leave_the_server() -> None:
    """Let the forkserver this worker may come from end with the build's process, and this
    worker with it (its parent: see _kill_with_parent). Every process the server forks
    holds the pipe whose closing tells the server to end, in case it starts processes of
    its own from it: held by a worker, the pipe would keep the server, and the server the
    worker, alive after the build. A worker starts no process."""
    server = multiprocessing.forkserver._forkserver  # holds that pipe's end (3.11 to 3.14)
    held = getattr(server, "_forkserver_alive_fd", None)
    if held is not None:
        with contextlib.suppress(OSError):
            os.close(held)
        setattr(server, "_forkserver_alive_fd", None)  # noqa: B010 (not in the type stubs)


def _end_with_parent(parent: int) -> None:
    """End this worker as soon as its parent has gone (the build's process, killed, say, or
    the forkserver, which ends with it): nothing else would, and it would go on writing and
    holding memory for no one."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _make_in_worker(sent: Project | None, target: Target, needed: Job
                    ) -> tuple[Output | LeafletError, Said]:
    """Make `target` of the project `sent`, or of the one this worker started with."""
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
