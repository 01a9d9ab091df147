"""`build.py --scheduler tcp://HOST:8786`: the same targets made on the workers of a Dask
distributed cluster instead of local processes.

The plan, the keys and the record are the build's own, in this process: each worker
receives the project (sent once per build, to every worker) and a target, and returns the
output's bytes with what its making read and logged; this process writes the file
atomically and records it, as it does for its own workers. A worker that dies mid-task
leaves nothing half-written: the scheduler gives its task to another worker.

The workers read the project's files (templates, stylesheets, fonts, images, catalogs) at
the same path as this process: the project folder is shared (the same mount on every
machine), and the workers run this pipeline's code. Both are checked on every worker
before the first task, and a worker that fails the check is named. Workers started with
`--preload leaflets.preload` have WeasyPrint loaded before their first task, and Dask's
profiler off (see preload.dask_setup).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import LeafletError
from .keys import pipeline_code
from .outputs import Output, Target
from .workers import Begun, Job, Said, kept_logs, refused_first, say_again

if TYPE_CHECKING:
    from .project import Project

CONNECT_SECONDS = 10
WORKERS_SECONDS = 30  # how long to wait for a first worker to join
RETRIES = 2  # a task that raised (not one whose worker died: the scheduler retries those)


class ClusterWorkers(Begun[Any]):
    """The workers of the Dask cluster at `address`, used as the driver uses its own pool
    (see workers.Workers): `run` yields each target with its output, as they complete."""

    def __init__(self, address: str, root: Path) -> None:
        super().__init__()
        self.address = address
        self.root = root
        self.client: Any = None
        self.sent: tuple[Project, Any] | None = None  # the project, scattered to the workers

    def __enter__(self) -> ClusterWorkers:
        from distributed import Client

        try:
            self.client = Client(  # type: ignore[no-untyped-call]
                self.address, timeout=CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise LeafletError(None, None, f"--scheduler {self.address}: cannot reach the Dask "
                               f"scheduler ({error})") from None
        try:
            self.client.wait_for_workers(1, timeout=WORKERS_SECONDS)
        except TimeoutError:
            self.client.close()
            raise LeafletError(None, None, f"--scheduler {self.address}: no worker joined the "
                               f"cluster within {WORKERS_SECONDS} s") from None
        self._check_workers()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()

    def _check_workers(self) -> None:
        """Every worker sees the project at the same path, and runs the same code."""
        expected = _project_stamp(str(self.root))
        seen = self.client.run(_project_stamp, str(self.root))
        wrong = {worker: stamp for worker, stamp in seen.items() if stamp != expected}
        if wrong:
            worker, stamp = sorted(wrong.items())[0]
            why = "does not see the project's folder at the same path (share it, mounted " \
                "at the same path on every machine)" if stamp is None else \
                "sees another version of the project or runs another version of the pipeline"
            self.client.close()
            raise LeafletError(None, None, f"--scheduler {self.address}: worker {worker} "
                               f"{why}: {self.root}")

    def prepare(self) -> None:
        """The cluster's workers have loaded what they need with their first task."""

    def start(self, layouts: bool = True, project: Project | None = None) -> None:
        """The cluster's workers are already running; the project is scattered to them
        with the first target."""

    def drop_ahead(self) -> None:
        """Forget what `begin` started and `run` did not take."""
        if self.ahead:
            self.client.cancel([future for _, future in self.ahead.values()])
        self.ahead.clear()

    def run(self, project: Project, jobs: dict[Target, LeafletError | Job]
            ) -> Iterator[tuple[Target, Output | LeafletError]]:
        from distributed import as_completed

        refused, work = refused_first(jobs)
        yield from refused
        futures = {self._taken(project, target, needed): target
                   for target, needed in work.items()}
        if not futures:
            return
        for future in as_completed(  # type: ignore[no-untyped-call]
                list(futures), loop=self.client.loop):
            # Dropped once taken: the worker holding the output's bytes lets them go.
            target = futures.pop(future)
            try:
                made, said = future.result()
            except Exception as error:  # the cluster's (a task lost too often), not the input's
                yield target, LeafletError(None, None, f"the cluster could not make it "
                                           f"({type(error).__name__}: {error})")
                continue
            say_again(said)
            yield target, made

    def _submit(self, project: Project, target: Target, needed: Job) -> Any:
        if self.sent is None or self.sent[0] is not project:
            # The project once to every worker, rather than with each task.
            self.sent = project, self.client.scatter(project, broadcast=True, hash=False)
        return self.client.submit(_make_on_worker, self.sent[1], target, needed, pure=False,
                                  retries=RETRIES)


def _project_stamp(root: str) -> str | None:
    """What a worker sees of the project at `root`: the publication file and the
    pipeline's code, hashed; None when the folder is not there."""
    publication = Path(root) / "publication.yml"
    if not publication.is_file():
        return None
    return hashlib.sha256(publication.read_bytes() + pipeline_code().encode()).hexdigest()


# The worker process's maker (a renderer per language, kept between tasks).
_maker: Any = None


def _make_on_worker(project: Project, target: Target, needed: Job
                    ) -> tuple[Output | LeafletError, Said]:
    """Make one target on a Dask worker; return it with the lines its making logged."""
    global _maker
    from .workers import Maker, collect_for_layouts

    if _maker is None:
        _maker = Maker()
        collect_for_layouts()  # as for the local pool's workers: a worker lays out pages
    with kept_logs() as said:
        return _maker.make(project, target, needed), said
