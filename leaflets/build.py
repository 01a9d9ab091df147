"""Stage 8: plan the outputs as targets, make those that changed in worker processes, and
write each one atomically into dist/.

A build reads and checks the whole input first. Each target has a key hashing what it is
made from (`make.target_key`); a target whose key and output are unchanged is up to date.
Only one build runs at a time in a project: the next one waits.

The modules that read and make the project (Markdown, Babel, Jinja2, pypdf, ebooklib, and
WeasyPrint in the workers) are imported inside the functions that need them: a build with
nothing to do answers from dist/.build-state.json without loading any of them.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import Finding, LeafletError, raise_if_any
from .files import shown_path, write_atomically
from .incremental import (BuildState, input_fingerprint, load_state, nothing_to_do,
                          pipeline_version, save_state)
from .profiles import BOOK, PROFILE_CHOICES, PROFILES

if TYPE_CHECKING:
    from .make import Output
    from .project import Project, Target
    from .render import Renderer

FORMATS = ("pdf", "epub")
progress = logging.getLogger("leaflets.progress")


@dataclass(frozen=True)
class BuildOptions:
    """What the user asked for on the command line."""

    languages: tuple[str, ...] = ()  # empty: every language of the publication
    formats: tuple[str, ...] = FORMATS
    profiles: tuple[str, ...] = PROFILE_CHOICES  # the leaflet PDFs, and "book"
    force: bool = False
    jobs: int = 0  # worker processes; 0: one per core
    # Any quality finding stops the build before it writes anything, and translations in
    # draft or out of date are not built.
    strict: bool = False

    def key(self) -> str:
        """What decides the list of outputs, for the record of what was built."""
        return "|".join([",".join(self.languages), ",".join(self.formats),
                         ",".join(self.profiles), str(self.strict)])


@dataclass
class BuildReport:
    built: list[Target] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)  # their outputs, under dist/
    failed: list[tuple[Target, LeafletError]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    refused: bool = False  # --strict and findings: nothing was built

    def summary(self) -> str:
        if self.refused:
            return (f"{len(self.findings)} finding(s) and --strict: nothing was built "
                    "(`build.py check` lists them)")
        return (f"{len(self.built)} built, {len(self.up_to_date)} up to date, "
                f"{len(self.failed)} failed")


def plan_targets(project: Project, options: BuildOptions) -> list[Target]:
    """Every output the options ask for, in a stable order."""
    from .project import Target

    publication = project.publication
    targets = []
    for lang in options.languages or publication.languages:
        folder = publication.dist_dir / lang
        documents = project.contents.documents(lang)
        slug = publication.book.slug
        if "pdf" in options.formats:
            for profile in (PROFILES[name] for name in options.profiles
                            if name in PROFILES):
                targets += [Target("leaflet-pdf", lang, doc.slug,
                                   folder / f"{doc.slug}{profile.suffix}.pdf", profile.name)
                            for doc in documents]
            if BOOK in options.profiles and documents:
                targets.append(Target("book-pdf", lang, slug, folder / f"{slug}.pdf"))
        if "epub" in options.formats and documents:
            targets.append(Target("book-epub", lang, slug, folder / f"{slug}.epub"))
    return targets


def build(root: Path, options: BuildOptions) -> BuildReport:
    """Check the whole input, then make every target that changed; a failed target spares
    the others."""
    dist = root / "dist"
    with _build_lock(root):
        _remove_leftovers(dist)
        pipeline = pipeline_version()
        fingerprint = input_fingerprint(root, pipeline)  # of the input as this build reads it
        if not options.force:
            done = nothing_to_do(dist, options.key(), fingerprint)
            if done is not None:
                return BuildReport(up_to_date=done)
        return _build(root, dist, options, pipeline, fingerprint)


def _build(root: Path, dist: Path, options: BuildOptions, pipeline: str,
           fingerprint: str) -> BuildReport:
    from .make import target_key
    from .project import check_findings, load_project

    project = load_project(root)
    unknown = [lang for lang in options.languages
               if lang not in project.publication.languages]
    if unknown:
        raise_if_any([LeafletError(project.publication.path, None,
                                   f"language '{code}' is not in the publication's "
                                   "languages") for code in unknown])
    report = BuildReport(findings=check_findings(project, options.languages))
    for finding in report.findings:
        progress.warning("%s", finding.describe(root))
    if options.strict and report.findings:
        report.refused = True
        return report
    targets = plan_targets(project, options)
    unbuildable = _unbuildable(project, targets, options)
    state = load_state(dist)
    hashes: dict[Path, str] = {}
    keys = {target: target_key(project, target, pipeline, hashes) for target in targets}
    todo = []
    for target in targets:
        output = _dist_name(target, dist)
        if not options.force and target not in unbuildable and \
                state.is_current(output, keys[target], dist):
            report.up_to_date.append(output)
        else:
            todo.append(target)
    # Booklets impose their leaflet's screen PDF, so they come once those are made.
    first = [target for target in todo if not PROFILES[target.profile].imposed]
    then = [target for target in todo if PROFILES[target.profile].imposed]
    counter = _Counter(len(todo))
    with _Workers(options.jobs or os.cpu_count() or 1) as workers:
        for wave in (first, then):
            current = set(report.up_to_date) | {_dist_name(t, dist) for t in report.built}
            wave_jobs = {target: unbuildable.get(target) or _screen_pdf(target, dist, current)
                         for target in wave}
            for target, result in workers.run(project, wave_jobs):
                _finish(project, target, result, keys[target], state, report, options,
                        counter)
    if not report.failed:
        state.plans[options.key()] = {"fingerprint": fingerprint,
                                      "outputs": [_dist_name(t, dist) for t in targets]}
        save_state(dist, state)
    return report


def _finish(project: Project, target: Target, result: Output | LeafletError, key: str,
            state: BuildState, report: BuildReport, options: BuildOptions,
            counter: "_Counter") -> None:
    """Write a made target and record it, or report why it failed."""
    from .make import Output
    root = project.publication.root
    dist = project.publication.dist_dir
    number = counter.next()
    over = _over_budget(project, target, result) if isinstance(result, Output) else None
    if over and options.strict:
        result = LeafletError(over.path, over.line, f"--strict: {over.message}")
    if isinstance(result, LeafletError):
        said = bool(report.failed) and \
            report.failed[-1][1].describe(root) == result.describe(root)
        report.failed.append((target, result))
        progress.error("[%d/%d] failed %s: %s", number, counter.total,
                       shown_path(target.output, root),
                       "the same reason as above" if said else result.describe(root))
        return
    write_atomically(target.output, result.data)
    state.record(_dist_name(target, dist), key, result.data)
    save_state(dist, state)  # after the file: the record is never ahead of the outputs
    report.built.append(target)
    pages = f"{result.pages} page{'s' if result.pages != 1 else ''}, " if result.pages else ""
    progress.info("[%d/%d] %s (%s%.1f s)", number, counter.total,
                  shown_path(target.output, root), pages, result.seconds)
    if over:
        report.findings.append(over)
        progress.warning("%s", over.describe(root))


def _remove_leftovers(dist: Path) -> None:
    """Temporary files of a build that was killed before renaming them into place. Under the
    lock, no other build is writing them."""
    if dist.is_dir():
        for leftover in dist.rglob(".*.tmp"):
            leftover.unlink(missing_ok=True)


def _dist_name(target: Target, dist: Path) -> str:
    return target.output.relative_to(dist).as_posix()


def _screen_pdf(target: Target, dist: Path, current: set[str]) -> bytes | None:
    """For a booklet, its leaflet's screen PDF when this build made it or found it current."""
    if not PROFILES[target.profile].imposed:
        return None
    screen = target.output.with_name(f"{target.name}.pdf")
    return screen.read_bytes() if screen.relative_to(dist).as_posix() in current else None


class _Counter:
    def __init__(self, total: int) -> None:
        self.total, self.done = total, 0

    def next(self) -> int:
        self.done += 1
        return self.done


@contextmanager
def _build_lock(root: Path) -> Iterator[None]:
    """Hold a lock on the project folder for the build; a second build in the same project
    waits, saying so. The folder itself is locked, so that a build that fails on bad input
    leaves no file behind."""
    handle = os.open(root, os.O_RDONLY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress.warning("another build is running in this project: waiting for it to end")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # releases the lock


class _Workers:
    """Makes targets in worker processes, or in this one for a single job. Each task carries
    the project (a small pickle); each worker keeps a renderer per language."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "_Workers":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def run(self, project: Project, jobs: dict[Target, LeafletError | bytes | None]
            ) -> Iterator[tuple[Target, Output | LeafletError]]:
        """Each target with its output, or the error that stopped it, as they complete.
        A job that is already an error is reported as it is."""
        work = {target: job for target, job in jobs.items()
                if not isinstance(job, LeafletError)}
        for target, job in jobs.items():
            if isinstance(job, LeafletError):
                yield target, job
        if self.pool is None and (self.jobs <= 1 or len(work) <= 1):
            context = _WorkerContext()
            for target, screen in work.items():
                yield target, context.make(project, target, screen)
            return
        if self.pool is None:
            self.pool = ProcessPoolExecutor(min(self.jobs, len(work)),
                                            initializer=_start_worker)
        pending: dict[Future, Target] = {
            self.pool.submit(_make_in_worker, project, target, screen): target
            for target, screen in work.items()}
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield pending.pop(future), future.result()


class _WorkerContext:
    """What one process keeps between targets: a renderer per language."""

    def __init__(self) -> None:
        self.renderers: dict[str, Renderer] = {}

    def make(self, project: Project, target: Target,
             screen_pdf: bytes | None) -> Output | LeafletError:
        from .make import Output, make_renderer, make_target

        started = time.perf_counter()
        renderer = self.renderers.get(target.lang) or self.renderers.setdefault(
            target.lang, make_renderer(project, target.lang))
        try:
            output = make_target(project, renderer, target, screen_pdf)
        except LeafletError as error:
            return error
        except Exception as error:  # a bug of ours: it costs this output, not the others
            logging.getLogger("leaflets").debug("making %s", target.output, exc_info=True)
            return LeafletError(None, None, f"internal error in the pipeline "
                                f"({type(error).__name__}: {error}); please report it")
        return Output(output.data, output.pages, time.perf_counter() - started)


# The worker process's context, set once by the pool's initializer.
_worker: _WorkerContext | None = None


def _start_worker() -> None:
    global _worker
    _worker = _WorkerContext()


def _make_in_worker(project: Project, target: Target,
                    screen_pdf: bytes | None) -> Output | LeafletError:
    assert _worker is not None, "the pool's initializer sets the worker's context"
    return _worker.make(project, target, screen_pdf)


def _over_budget(project: Project, target: Target, output: Output) -> Finding | None:
    """A finding when a leaflet has more pages than its front matter's `pages:` allows."""
    from .content import front_matter_line

    if target.kind != "leaflet-pdf" or not PROFILES[target.profile].budgeted:
        return None
    document = project.contents.get(target.lang, target.name)
    if document.pages is None or output.pages is None or output.pages <= document.pages:
        return None
    line = front_matter_line(document.path.read_text(encoding="utf-8"), "pages")
    return Finding(document.path, line, "pages",
                   f"{shown_path(target.output, project.publication.root)} has {output.pages} "
                   f"A5 pages, over its budget of {document.pages}: shorten the text before "
                   "printing", "warning")


def _unbuildable(project: Project, targets: list[Target],
                 options: BuildOptions) -> dict[Target, LeafletError]:
    """Targets that must not be made, and why: a language whose interface texts are not all
    translated (its pages would show French), and with --strict, translations in draft or out
    of date (and the e-books holding them). Says which translations carry a draft mark."""
    from .catalogs import po_path, untranslated_labels
    from .errors import CatalogError

    publication = project.publication
    refused: dict[Target, LeafletError] = {}
    for lang in dict.fromkeys(target.lang for target in targets):
        labels = untranslated_labels(publication, lang)
        marked = [slug for slug in project.slugs_in(lang)
                  if project.draft_mark(lang, slug)]
        if labels:
            error = CatalogError(po_path(publication, lang), None, f"{len(labels)} interface "
                                 f"text(s) not translated yet (such as '{labels[0]}'): {lang} "
                                 "pages would show French. Translate them, then build again")
            refused.update({target: error for target in targets if target.lang == lang})
        elif marked and options.strict:
            for target in targets:
                if target.lang != lang:
                    continue
                if target.name in marked:
                    refused[target] = LeafletError(
                        project.contents.get(lang, target.name).path, None,
                        f"--strict: {project.draft_mark(lang, target.name)} translation not "
                        "built (`build.py status`)")
                elif target.kind in ("book-epub", "book-pdf"):
                    refused[target] = LeafletError(
                        None, None, f"--strict: the {lang} book holds draft or outdated "
                        f"translations ({', '.join(marked)}): not built")
        elif marked:
            progress.warning("%s: %d translation(s) in draft or out of date print with a "
                             "draft mark on every page: %s (see `build.py status`)",
                             lang, len(marked), ", ".join(marked))
    return refused


