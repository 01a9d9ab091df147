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

import ctypes
import datetime
import fcntl
import logging
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import Finding, LeafletError, one_line, raise_if_any
from .files import shown_path, write_atomically
from .inputs import checked_folder
from .incremental import (BuildState, input_fingerprint, load_state, nothing_to_do,
                          pipeline_version, save_state)
from .profiles import BOOK, PROFILE_CHOICES, PROFILES

if TYPE_CHECKING:
    from .make import Output
    from .project import Project, Target
    from .render import Renderer

FORMATS = ("pdf", "epub")
NOT_MADE = "not made in this build (the line above says why)"
SCRATCH = ".work"  # under dist/: the workers' temporary folders
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
    # Only what the release gate lets through is built; the rest leaves dist/.
    release: bool = False
    # The day reviews are due against (review_due); outputs never depend on it.
    today: datetime.date = field(default_factory=datetime.date.today)

    def key(self) -> str:
        """What decides the list of outputs, for the record of what was built. A strict or
        release build depends on the day too: a review falls due without any file
        changing."""
        return "|".join([",".join(self.languages), ",".join(self.formats),
                         ",".join(self.profiles), str(self.strict), str(self.release),
                         str(self.today) if self.strict or self.release else ""])


@dataclass
class BuildReport:
    built: list[Target] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)  # their outputs, under dist/
    failed: list[tuple[Target, LeafletError]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    refused: bool = False  # --strict and findings: nothing was built
    removed: list[str] = field(default_factory=list)  # outputs taken out of dist/

    def summary(self) -> str:
        removed = f", {len(self.removed)} removed from dist/" if self.removed else ""
        if self.refused:
            return (f"{len(self.findings)} finding(s) and --strict: nothing was built "
                    f"(`build.py check` lists them){removed}")
        return (f"{len(self.built)} built, {len(self.up_to_date)} up to date, "
                f"{len(self.failed)} failed{removed}")


class RefusedOutput(LeafletError):
    """An output this build must not write: what it would say is not fit for patients in
    this mode (a draft under --strict, labels that would print French, a release blocker).
    Whatever an earlier build left in its place is removed."""


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
    dist = checked_dist(root)
    with build_lock(root) as lock:
        _remove_leftovers(dist)
        pipeline = pipeline_version()
        fingerprint = input_fingerprint(root, pipeline)  # of the input as this build reads it
        if not options.force:
            done = nothing_to_do(dist, options.key(), fingerprint)
            if done is not None:
                return BuildReport(up_to_date=done)
        try:
            return _build(root, dist, options, pipeline, fingerprint, lock)
        except BaseException:  # interrupted, terminated: a write cut short leaves nothing
            _remove_leftovers(dist)
            raise


def checked_dist(root: Path) -> Path:
    """The project's dist/ folder, which must be a real folder of the project (or not exist
    yet): a link would send the outputs, and the clean-up of leftovers, elsewhere."""
    dist = root / "dist"
    if dist.is_symlink():
        raise LeafletError(dist, None, f"dist is a link (to {os.readlink(dist)}): the "
                           "pipeline writes only inside the project; remove the link")
    if dist.exists() and not dist.is_dir():
        raise LeafletError(dist, None, "dist is not a folder: rename or remove it")
    return dist


def _build(root: Path, dist: Path, options: BuildOptions, pipeline: str,
           fingerprint: str, lock: int | None = None) -> BuildReport:
    from .make import target_key
    from .project import check_findings, load_project
    from .release import placeholder_findings

    project = load_project(root)
    unknown = [lang for lang in options.languages
               if lang not in project.publication.languages]
    if unknown:
        raise_if_any([LeafletError(project.publication.path, None,
                                   f"language '{code}' is not in the publication's "
                                   "languages") for code in unknown])
    # A release judges a language's outputs by the French they come from too: a problem in a
    # French document holds back its translations.
    report = BuildReport(findings=check_findings(
        project, () if options.release else options.languages, options.today))
    for finding in report.findings:
        progress.warning("%s", finding.describe(root))
    if not options.release:
        _warn_placeholders(project, placeholder_findings(project.publication))
    state = load_state(dist)
    hashes: dict[Path, str] = {}
    # Everything the sources produce, asked for in this run or not: dist/ holds nothing else.
    produced = plan_targets(project, BuildOptions())
    keys = {target: target_key(project, target, pipeline, hashes) for target in produced}
    targets = plan_targets(project, options)
    for stray, reason in _no_longer_produced(project, dist, produced):
        _remove(dist, state, stray, reason, report)
    _warn_stale_not_asked(project, state, dist, keys, set(targets))
    unbuildable = _unbuildable(project, targets, options, report.findings)
    if options.strict and report.findings:
        report.refused = True
        # What stays in dist/ is exactly what the current sources make: an output they
        # would make differently, or that --strict refuses, goes.
        stale = (f"out of date, and --strict refused this build ({len(report.findings)} "
                 "finding(s): `build.py check`)")
        for target in targets:
            name = _dist_name(target, dist)
            refusal = unbuildable.get(target)
            if refusal is not None:
                _remove(dist, state, target.output, refusal.describe(root), report)
            elif not state.is_current(name, keys[target], dist):
                _remove(dist, state, target.output, stale, report)
            elif over := _over_budget(project, target, state.outputs[name].get("pages")):
                _remove(dist, state, target.output, over.describe(root), report)
        save_state(dist, state)
        return report
    for target, refusal in unbuildable.items():
        _remove(dist, state, target.output, refusal.describe(root), report)
    todo = []
    for target in targets:
        output = _dist_name(target, dist)
        if options.force or target in unbuildable or \
                not state.is_current(output, keys[target], dist):
            todo.append(target)
            continue
        over = _over_budget(project, target, state.outputs[output].get("pages"))
        if over and (options.strict or options.release):
            refusal = _budget_refusal(over, options)
            report.failed.append((target, refusal))
            progress.error("failed %s: %s", shown_path(target.output, root),
                           refusal.describe(root))
            _remove(dist, state, target.output, NOT_MADE, report)
        else:
            report.up_to_date.append(output)
    # Booklets impose their leaflet's screen PDF, so they come once those are made.
    first = [target for target in todo if not PROFILES[target.profile].imposed]
    then = [target for target in todo if PROFILES[target.profile].imposed]
    counter = _Counter(len(todo))
    with _Workers(options.jobs or os.cpu_count() or 1, dist / SCRATCH, lock) as workers:
        for wave in (first, then):
            current = set(report.up_to_date) | {_dist_name(t, dist) for t in report.built}
            wave_jobs: dict[Target, LeafletError | bytes | None] = {
                target: unbuildable.get(target) or _screen_pdf(target, dist, current)
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
    """Write a made target and record it, or report why it failed and take out of dist/
    what an earlier build left in its place, unless that is still what the sources make."""
    from .make import Output
    root = project.publication.root
    dist = project.publication.dist_dir
    number = counter.next()
    over = _over_budget(project, target, result.pages) if isinstance(result, Output) else None
    if over and (options.strict or options.release):
        result = _budget_refusal(over, options)
    if isinstance(result, LeafletError):
        said = bool(report.failed) and \
            report.failed[-1][1].describe(root) == result.describe(root)
        report.failed.append((target, result))
        progress.error("[%d/%d] failed %s: %s", number, counter.total,
                       shown_path(target.output, root),
                       "the same reason as above" if said else result.describe(root))
        if isinstance(result, RefusedOutput) or \
                not state.is_current(_dist_name(target, dist), key, dist):
            _remove(dist, state, target.output, NOT_MADE, report)
        return
    try:
        checked_folder(target.output, dist)
        write_atomically(target.output, result.data)
    except LeafletError as error:  # a folder of dist/ that leads elsewhere
        report.failed.append((target, error))
        progress.error("[%d/%d] failed %s: %s", number, counter.total,
                       shown_path(target.output, root), error.describe(root))
        return
    except OSError as error:  # a full disk, a read-only folder: the machine's, not the input's
        report.failed.append((target, LeafletError(target.output, None, str(error))))
        progress.error("[%d/%d] failed %s: cannot write it (%s)", number, counter.total,
                       shown_path(target.output, root), error.strerror or error)
        return
    state.record(_dist_name(target, dist), key, result.data, result.pages)
    save_state(dist, state)  # after the file: the record is never ahead of the outputs
    report.built.append(target)
    pages = f"{result.pages} page{'s' if result.pages != 1 else ''}, " if result.pages else ""
    progress.info("[%d/%d] %s (%s%.1f s)", number, counter.total,
                  shown_path(target.output, root), pages, result.seconds)
    if over:
        report.findings.append(over)
        progress.warning("%s", over.describe(root))


def _remove(dist: Path, state: BuildState, output: Path, reason: str,
            report: BuildReport) -> None:
    """Take `output` out of dist/ and out of the record, saying why in one line. Unlinking
    is atomic: a reader sees the whole file or none."""
    name = output.relative_to(dist).as_posix()
    state.outputs.pop(name, None)
    if not output.exists() or not output.parent.resolve().is_relative_to(dist.resolve()):
        return  # nothing there, or a folder of dist/ that leads elsewhere: not ours
    output.unlink()
    report.removed.append(name)
    progress.warning("removed %s: %s", shown_path(output, dist.parent), one_line(reason))
    if output.parent != dist and not any(output.parent.iterdir()):
        output.parent.rmdir()


def _no_longer_produced(project: Project, dist: Path,
                        produced: list[Target]) -> list[tuple[Path, str]]:
    """The files of dist/ that the current sources no longer make, each with the reason."""
    publication = project.publication
    expected = {target.output for target in produced}
    found: list[tuple[Path, str]] = []
    if not dist.is_dir():
        return found
    for path in sorted(dist.rglob("*")):
        hidden = any(part.startswith(".") for part in path.relative_to(dist).parts)
        if hidden or not path.is_file() or path in expected:  # the build's own records
            continue
        parts = path.relative_to(dist).parts
        lang = parts[0] if len(parts) > 1 else None
        slug = path.name.split(".", 1)[0]
        if lang is not None and lang not in publication.languages:
            reason = f"language '{lang}' is no longer in {publication.path.name}"
        elif lang is not None and slug != publication.book.slug and \
                slug not in publication.documents:
            reason = f"document '{slug}' is no longer listed in {publication.path.name}"
        elif lang is not None and slug in publication.documents and \
                project.contents.get(lang, slug) is None:
            reason = f"content/{lang}/{slug}.md no longer exists"
        else:
            reason = "not made from the current sources"
        found.append((path, reason))
    return found


def _warn_stale_not_asked(project: Project, state: BuildState, dist: Path,
                          keys: dict[Target, str], asked: set[Target]) -> None:
    """One line when outputs left out of this run (--lang, --profile) no longer match the
    sources: they stay, but the user should know before printing them."""
    stale = [target for target in keys if target not in asked and target.output.exists()
             and not state.is_current(_dist_name(target, dist), keys[target], dist)]
    if stale:
        names = ", ".join(shown_path(target.output, project.publication.root)
                          for target in stale[:3])
        more = f" and {len(stale) - 3} more" if len(stale) > 3 else ""
        progress.warning("%d output(s) not asked for in this run no longer match the sources "
                         "(%s%s): build them before printing", len(stale), names, more)


def _warn_placeholders(project: Project, placeholders: list[Finding]) -> None:
    """One line when the online address or the department's details are placeholders: the
    pipeline can be tried with them, patients must not be given what it makes."""
    if not placeholders:
        return
    what = []
    if any(finding.message.startswith("online_url") for finding in placeholders):
        what.append("the online address")
    if any(finding.message.startswith("department") for finding in placeholders):
        what.append("the department's details")
    first = placeholders[0]
    progress.warning("%s:%d: warning: placeholders (%s): fine for trying the pipeline, not "
                     "for patients (`build.py check --release` lists what to set)",
                     shown_path(first.path, project.publication.root), first.line,
                     " and ".join(what))


def _remove_leftovers(dist: Path) -> None:
    """Temporary files of a build that was killed before renaming them into place, and its
    workers' temporary folders. Under the lock, no other build is writing them."""
    if dist.is_dir():
        for leftover in dist.rglob(".*.tmp"):
            if leftover.parent.resolve().is_relative_to(dist.resolve()):  # never elsewhere
                leftover.unlink(missing_ok=True)
        shutil.rmtree(dist / SCRATCH, ignore_errors=True)


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
def build_lock(root: Path) -> Iterator[int]:
    """Hold a lock on the project folder, yielding its descriptor; a second build (or
    `clean`) in the same project waits, saying so. The folder itself is locked, so that a
    build that fails on bad input leaves no file behind."""
    handle = os.open(root, os.O_RDONLY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress.warning("another build is running in this project: waiting for it to end")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield handle
    finally:
        os.close(handle)  # releases the lock


class _Workers:
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

    def __enter__(self) -> "_Workers":
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if self.pool is not None:
            # Stopped (Ctrl-C, SIGTERM): do not wait for a long layout; the workers end
            # with this process.
            self.pool.shutdown(wait=kind is None, cancel_futures=True)
        shutil.rmtree(self.scratch, ignore_errors=True)

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
                with _temporary_folder(self.scratch / "main"):
                    made = context.make(project, target, screen)
                yield target, made
            return
        if self.pool is None:
            self.pool = ProcessPoolExecutor(min(self.jobs, len(work)),
                                            initializer=_start_worker,
                                            initargs=(self.scratch, self.lock_fd))
        pending: dict[Future[Output | LeafletError], Target] = {
            self.pool.submit(_make_in_worker, project, target, screen): target
            for target, screen in work.items()}
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield pending.pop(future), future.result()


@contextmanager
def _temporary_folder(folder: Path) -> Iterator[None]:
    """Temporary files (WeasyPrint's fonts) under `folder` while making one target here."""
    folder.mkdir(parents=True, exist_ok=True)
    previous, tempfile.tempdir = tempfile.tempdir, str(folder)
    try:
        yield
    finally:
        tempfile.tempdir = previous


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


def _start_worker(scratch: Path, lock_fd: int | None) -> None:
    global _worker
    if lock_fd is not None:
        os.close(lock_fd)  # the lock is the build's, not its workers'
    folder = scratch / str(os.getpid())
    folder.mkdir(parents=True, exist_ok=True)
    tempfile.tempdir = str(folder)
    parent = os.getppid()
    _kill_with_parent()
    threading.Thread(target=_end_with_parent, args=(parent,), daemon=True).start()
    _worker = _WorkerContext()


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
                    screen_pdf: bytes | None) -> Output | LeafletError:
    assert _worker is not None, "the pool's initializer sets the worker's context"
    return _worker.make(project, target, screen_pdf)


def _over_budget(project: Project, target: Target, pages: int | None) -> Finding | None:
    """A finding when a leaflet has more `pages` than its front matter's `pages:` allows."""
    from .content import front_matter_line

    if target.kind != "leaflet-pdf" or not PROFILES[target.profile].budgeted:
        return None
    document = project.contents.get(target.lang, target.name)
    if document.pages is None or pages is None or pages <= document.pages:
        return None
    line = front_matter_line(document.path.read_text(encoding="utf-8"), "pages")
    return Finding(document.path, line, "pages",
                   f"{shown_path(target.output, project.publication.root)} has {pages} "
                   f"A5 pages, over its budget of {document.pages}: shorten the text before "
                   "printing", "warning")


def _budget_refusal(over: Finding, options: BuildOptions) -> RefusedOutput:
    flag = "--release" if options.release else "--strict"
    return RefusedOutput(over.path, over.line, f"{flag}: {over.message}")


def _unbuildable(project: Project, targets: list[Target], options: BuildOptions,
                 findings: list[Finding]) -> dict[Target, RefusedOutput]:
    """Targets that must not be made, and why: a language whose interface texts are not all
    translated (its pages would show French); with --strict, translations in draft or out
    of date (and the e-books holding them); with --release, whatever the release gate holds
    back. Says which translations carry a draft mark."""
    from .catalogs import po_path, untranslated_labels

    publication = project.publication
    refused: dict[Target, RefusedOutput] = {}
    if options.release:
        from .release import release_blockers

        blockers = release_blockers(project, findings)
        for target in targets:
            slugs = [target.name] if target.kind == "leaflet-pdf" else \
                project.slugs_in(target.lang)
            blocker = next((b for b in blockers if b.blocks(target.lang, slugs)), None)
            if blocker is not None:
                refused[target] = RefusedOutput(blocker.finding.path, blocker.finding.line,
                                                f"--release: {blocker.finding.message}")
    for lang in dict.fromkeys(target.lang for target in targets):
        labels = untranslated_labels(publication, lang)
        marked = [slug for slug in project.slugs_in(lang)
                  if project.draft_mark(lang, slug)]
        if labels:
            error = RefusedOutput(po_path(publication, lang), None, f"{len(labels)} interface "
                                  f"text(s) not translated yet (such as '{labels[0]}'): {lang} "
                                  "pages would show French. Translate them, then build again")
            refused.update({target: error for target in targets
                            if target.lang == lang and target not in refused})
        elif marked and options.strict:
            for target in targets:
                if target.lang != lang or target in refused:
                    continue
                if target.name in marked:
                    refused[target] = RefusedOutput(
                        project.contents.get(lang, target.name).path, None,
                        f"--strict: {project.draft_mark(lang, target.name)} translation not "
                        "built (`build.py status`)")
                elif target.kind in ("book-epub", "book-pdf"):
                    refused[target] = RefusedOutput(
                        None, None, f"--strict: the {lang} book holds draft or outdated "
                        f"translations ({', '.join(marked)}): not built")
        elif marked and not options.release:
            progress.warning("%s: %d translation(s) in draft or out of date print with a "
                             "draft mark on every page: %s (see `build.py status`)",
                             lang, len(marked), ", ".join(marked))
    return refused


def check_release(root: Path, today: datetime.date, jobs: int = 0) -> list[Finding]:
    """What `check --release` reports: every finding of `check`, the placeholders, drafts,
    outdated translations, catalogs not fully translated and page budgets exceeded, each an
    error. Page counts come from dist/ when its screen PDFs are current, otherwise the
    leaflets are laid out (not written) to count them."""
    from .project import check_findings, load_project
    from .release import release_blockers

    project = load_project(root)
    findings = check_findings(project, (), today)
    dist = checked_dist(root)
    with build_lock(root) as lock:  # reads what builds write
        try:
            pages = _leaflet_pages(project, jobs, dist / SCRATCH, lock)
        finally:
            shutil.rmtree(dist / SCRATCH, ignore_errors=True)
    return [blocker.finding for blocker in release_blockers(project, findings, pages)]


def _leaflet_pages(project: Project, jobs: int, scratch: Path,
                   lock: int) -> dict[tuple[str, str], tuple[Path, int]]:
    """The A5 page count of every leaflet with a page budget, from its screen PDF."""
    from .make import Output, target_key

    dist = project.publication.dist_dir
    state = load_state(dist)
    pipeline = pipeline_version()
    hashes: dict[Path, str] = {}
    screens = [target for target in plan_targets(project, BuildOptions(
        formats=("pdf",), profiles=("screen",)))
        if getattr(project.contents.get(target.lang, target.name), "pages", None) is not None]
    pages: dict[tuple[str, str], tuple[Path, int]] = {}
    todo: dict[Target, LeafletError | bytes | None] = {}
    for target in screens:
        record = state.outputs.get(_dist_name(target, dist), {})
        if "pages" in record and state.is_current(
                _dist_name(target, dist), target_key(project, target, pipeline, hashes), dist):
            pages[target.lang, target.name] = (target.output, int(record["pages"]))
        else:
            todo[target] = None
    with _Workers(jobs or os.cpu_count() or 1, scratch, lock) as workers:
        for target, result in workers.run(project, todo):
            if isinstance(result, Output) and result.pages is not None:
                pages[target.lang, target.name] = (target.output, result.pages)
    return pages
