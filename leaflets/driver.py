"""The driver: plan the outputs as targets, make those whose key changed in worker
processes, write each one atomically into dist/, and keep dist/ exactly what the sources
make.

A build reads and checks the whole input first. Each target has a key hashing what making
it read and what it shows (see keys.py); a target whose key and output are unchanged is up
to date. Only one build runs at a time in a project: the next one waits. The driver knows
kinds of output only through the table in outputs/: it never compares a kind's name.

The modules that read and make the project (Markdown, Babel, Jinja2, pypdf, ebooklib, and
WeasyPrint in the workers) are imported inside the functions that need them: a build with
nothing to do answers from the build's record without loading any of them.
"""

from __future__ import annotations

import datetime
import fcntl
import hashlib
import logging
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import Finding, LeafletError, first_of, one_line, raise_if_any
from .files import shown_path, write_atomically
from .inputs import checked_folder
from .keys import (
    FileHashes,
    InstalledVersions,
    file_hash,
    fingerprint_of,
    input_files,
    input_fingerprint,
    installed_versions,
    libraries_of,
    output_key,
    pipeline_code,
)
from .outputs import FORMATS, KINDS, VARIANTS, Output, Reused, Target
from .state import BuildState, OutputRecord, PlanRecord, load_state
from .workers import Workers

if TYPE_CHECKING:
    from .catalogs import LabelProgress
    from .cluster import ClusterWorkers
    from .project import Project, ProjectCache

NOT_MADE = "not made in this build (the line above says why)"
IN_PROGRESS = "its language is in progress, not built (the line above says why)"
SCRATCH = ".work"  # under dist/: the workers' temporary folders
progress = logging.getLogger("leaflets.progress")


@dataclass(frozen=True)
class BuildOptions:
    """What the user asked for on the command line."""

    languages: tuple[str, ...] = ()  # empty: every language of the publication
    formats: tuple[str, ...] = FORMATS
    profiles: tuple[str, ...] = VARIANTS  # the leaflets' profiles, and "book"
    force: bool = False
    jobs: int = 0  # worker processes; 0: one per core
    # Any quality finding stops the build before it writes anything, and translations in
    # draft or out of date are not built.
    strict: bool = False
    # Only what the release gate lets through is built; the rest leaves dist/.
    release: bool = False
    # The day reviews are due against (review_due); outputs never depend on it.
    today: datetime.date = field(default_factory=datetime.date.today)
    # A Dask scheduler's address: the outputs are made on its cluster's workers (the same
    # bytes: not part of the key).
    scheduler: str = ""

    def key(self) -> str:
        """What decides the list of outputs, for the record of what was built. A strict or
        release build depends on the day too: a review falls due without any file
        changing."""
        return "|".join([",".join(self.languages), ",".join(self.formats),
                         ",".join(self.profiles), str(self.strict), str(self.release),
                         str(self.today) if self.strict or self.release else ""])


@dataclass
class Warm:
    """What `watch` keeps between its builds: one pool of workers, started once (WeasyPrint
    loaded, the fonts and templates ready), and the documents' markup. `first`: the edited
    documents, whose first output (the screen PDF) is made before the whole input is
    checked, for the editor waiting to see it."""

    workers: Workers
    projects: ProjectCache
    versions: InstalledVersions
    first: tuple[Path, ...] = ()


@dataclass
class BuildReport:
    built: list[Target] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)  # their outputs, under dist/
    failed: list[tuple[Target, LeafletError]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    refused: bool = False  # --strict and findings: nothing was built
    removed: list[str] = field(default_factory=list)  # outputs taken out of dist/
    # Languages whose translation is under way (their interface labels are not all
    # translated): not built, and not a failure.
    in_progress: list[str] = field(default_factory=list)
    # The outputs made first (Warm.first), and when the last of them was written
    # (time.monotonic()).
    first: list[Target] = field(default_factory=list)
    first_written: float | None = None

    def summary(self) -> str:
        removed = f", {len(self.removed)} removed from dist/" if self.removed else ""
        if self.refused:
            return (f"{len(self.findings)} finding(s) and --strict: nothing was built "
                    f"(`build.py check` lists them){removed}")
        waiting = f"; in progress, not built: {', '.join(self.in_progress)}" \
            if self.in_progress else ""
        return (f"{len(self.built)} built, {len(self.up_to_date)} up to date, "
                f"{len(self.failed)} failed{removed}{waiting}")


class RefusedOutput(LeafletError):
    """An output this build must not write: what it would say is not fit for patients in
    this mode (a draft under --strict, labels that would print French, a release blocker).
    Whatever an earlier build left in its place is removed."""


def plan_targets(project: Project, options: BuildOptions) -> list[Target]:
    """Every output the options ask for, in a stable order: language by language, each
    kind's in the order of the table."""
    targets = []
    for lang in options.languages or project.publication.languages:
        for kind in KINDS.values():
            if kind.FORMAT in options.formats:
                targets += kind.plan(project, lang, options.profiles)
    return targets


class Keys:
    """The key of each target of one build: what its kind declares of it, its kind's
    libraries, the pipeline's code, and the inputs its last making read, as they are now
    (see keys.py). A target never made has no key: it is made."""

    def __init__(self, project: Project, state: BuildState, code: str,
                 versions: InstalledVersions | None = None) -> None:
        self.project = project
        self.state = state
        self.code = code
        self.versions = versions
        self.hashes = FileHashes(project.publication.root)
        self.libraries: dict[str, dict[str, str]] = {}

    def declared(self, target: Target) -> list[str]:
        """What `target` is besides the files it reads: which output of which kind, the
        facts its kind declares, the publication file (read before anything is made), the
        pipeline's code and the kind's libraries, and the key of what it reuses."""
        kind = KINDS[target.kind]
        publication = self.project.publication
        needed = ",".join(self.current(need) or "none" for need in target.needs)
        return [self.code, target.kind, target.lang, target.slug, target.variant,
                _dist_name(target, publication.dist_dir), *target.documents,
                *(f"{name}=={version}" for name, version in
                  self.kind_libraries(target.kind).items()),
                self.hashes.of(publication.path.relative_to(publication.root).as_posix()),
                *kind.facts(self.project, target), f"needs:{needed}"]

    def current(self, target: Target) -> str | None:
        """`target`'s key now, from what its last making read; None if never made."""
        record = self.state.outputs.get(_dist_name(target, self.project.publication.dist_dir))
        if record is None:
            return None
        return output_key(self.declared(target), record.reads, self.hashes)

    def after_making(self, target: Target, reads: tuple[str, ...]) -> str:
        return output_key(self.declared(target), reads, self.hashes)

    def is_current(self, target: Target) -> bool:
        """`target`'s output was made from its key now, and its file is intact."""
        dist = self.project.publication.dist_dir
        name = _dist_name(target, dist)
        record = self.state.outputs.get(name)
        return record is not None and self.current(target) == record.key and \
            file_hash(dist / name) == record.sha256

    def kind_libraries(self, kind: str) -> dict[str, str]:
        """The distributions (name: version) that making outputs of `kind` imports: as
        recorded for this code when they are all still installed at those versions, else
        found again."""
        if kind not in self.libraries:
            recorded = self.state.libraries.get(kind)
            installed = self.versions.of if self.versions is not None else installed_versions
            if recorded is not None and recorded[0] == self.code and \
                    installed(recorded[1]) == recorded[1]:
                self.libraries[kind] = recorded[1]
            else:
                self.libraries[kind] = libraries_of(KINDS[kind].__name__)
                self.state.record_libraries(kind, self.code, self.libraries[kind])
        return self.libraries[kind]

    def kinds_libraries(self, kinds: set[str]) -> dict[str, str]:
        """The libraries (name: version) of the kinds `kinds`, all together."""
        found: dict[str, str] = {}
        for name in sorted(kinds):
            found.update(self.kind_libraries(name))
        return dict(sorted(found.items()))


def _chosen_kinds(options: BuildOptions) -> set[str]:
    return {kind.NAME for kind in KINDS.values() if kind.FORMAT in options.formats}


def build(root: Path, options: BuildOptions, warm: Warm | None = None) -> BuildReport:
    """Check the whole input, then make every target that changed; a failed target spares
    the others. `warm`: what `watch` keeps between builds."""
    dist = checked_dist(root)
    with build_lock(root) as lock:
        _remove_leftovers(dist)
        code = pipeline_code()
        # A save `watch` saw changed something: no need to ask.
        if not options.force and (warm is None or not warm.first):
            done = _nothing_to_do(root, dist, options, code)
            if done is not None:
                return BuildReport(up_to_date=done)
        try:
            return _build(root, dist, options, code, lock, warm)
        except BaseException:  # interrupted, terminated: a write cut short leaves nothing
            _remove_leftovers(dist)
            raise


def _nothing_to_do(root: Path, dist: Path, options: BuildOptions,
                   code: str) -> list[str] | None:
    """The outputs of these options, when the input, the environment and the libraries
    are as they were when those outputs were all made, and each is intact; None when the
    project must be read."""
    with load_state(dist) as state:
        plan = state.plans.get(options.key())
        if plan is None:
            return None
        libraries = installed_versions(plan.libraries)
        if input_fingerprint(root, code, libraries) != plan.fingerprint:
            return None
        for output in plan.outputs:
            record = state.outputs.get(output)
            if record is None or file_hash(dist / output) != record.sha256:
                return None
        return list(plan.outputs)


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


def _build(root: Path, dist: Path, options: BuildOptions, code: str,
           lock: int | None = None, warm: Warm | None = None) -> BuildReport:
    with _workers(options, dist, lock, warm.workers if warm is not None else None) as workers:
        try:
            return _build_with(root, dist, options, code, workers, warm)
        finally:
            workers.drop_ahead()


def _build_with(root: Path, dist: Path, options: BuildOptions, code: str,
                workers: Workers | ClusterWorkers, warm: Warm | None) -> BuildReport:
    if "pdf" in options.formats:
        # WeasyPrint loaded once for the workers while this imports and reads.
        workers.prepare()
    from .catalogs import label_progress
    from .project import check_findings, load_project
    from .release import placeholder_findings

    project = load_project(root, warm.projects if warm is not None else None)
    unknown = [lang for lang in options.languages
               if lang not in project.publication.languages]
    raise_if_any([LeafletError(project.publication.path, None, f"language '{code}' is not in "
                               "the publication's languages") for code in unknown])
    with load_state(dist) as state:
        keys = Keys(project, state, code, warm.versions if warm is not None else None)
        inputs = input_files(root)  # as this build reads them, before making anything
        report = BuildReport()
        labels = {lang: label_progress(project.publication, lang)
                  for lang in project.publication.languages}
        made_first = _make_first(project, keys, options, warm, labels, report) \
            if warm is not None and warm.first else set()
        # Everything the sources produce, asked for in this run or not: dist/ holds nothing
        # else.
        produced = plan_targets(project, BuildOptions())
        targets = plan_targets(project, options)
        waiting = _languages_in_progress(project, options, labels)
        # The workers start now, with the project (nothing to send with each target), and
        # load WeasyPrint, if not prepared. Not before: forked from the forkserver, they
        # wait for it to have loaded WeasyPrint, and this process would wait with them
        # instead of reading what comes above. They start on what is out of date while
        # this process checks the input; what the check refuses is dropped, unwritten.
        workers.start(layouts="pdf" in options.formats, project=project)
        workers.begin(project, {target: () for target in _longest_first(project, targets)
                                if not target.needs and target.lang not in waiting and
                                target not in made_first and
                                (options.force or not keys.is_current(target))})
        # For the plan recorded at the end. A clean build finds them again (it reads the
        # pipeline's imports: 0.3 s), better while the workers make than before them.
        libraries = keys.kinds_libraries(_chosen_kinds(options))
        # A release judges a language's outputs by the French they come from too: a
        # problem in a French document holds back its translations.
        report.findings = check_findings(
            project, () if options.release else options.languages, options.today)
        for finding in report.findings:
            progress.warning("%s", finding.describe(root))
        if not options.release:
            _warn_placeholders(project, placeholder_findings(project.publication))
        for stray, reason in _no_longer_produced(project, dist, produced):
            _remove(dist, state, stray, reason, report)
        for lang, notice in waiting.items():
            progress.warning("%s", notice)
            report.in_progress.append(lang)
            for target in targets:
                if target.lang == lang:
                    _remove(dist, state, target.output, IN_PROGRESS, report)
        targets = [target for target in targets if target.lang not in waiting]
        _say_missing_documents(project, targets)
        _warn_stale_not_asked(project, keys, produced, set(targets) | {
            target for target in produced if target.lang in waiting})
        unbuildable = _unbuildable(project, targets, options, report.findings, labels)
        if options.strict and report.findings:
            _refuse_all(project, keys, targets, unbuildable, report)
            return report
        for target, refusal in unbuildable.items():
            _remove(dist, state, target.output, refusal.describe(root), report)
        todo = []
        for target in targets:
            if target in made_first and target not in unbuildable:
                continue
            if options.force or target in unbuildable or not keys.is_current(target):
                todo.append(target)
                continue
            record = state.outputs[_dist_name(target, dist)]
            over = _over_budget(project, target, record.pages)
            if over and (options.strict or options.release):
                refusal = _budget_refusal(over, options)
                report.failed.append((target, refusal))
                progress.error("failed %s: %s", shown_path(target.output, root),
                               refusal.describe(root))
                _remove(dist, state, target.output, NOT_MADE, report)
            else:
                report.up_to_date.append(_dist_name(target, dist))
        _make(project, keys, todo, unbuildable, report, options, workers)
        # While a language is in progress, every build reads the project, to say so again.
        if not report.failed and not report.in_progress:
            state.record_plan(options.key(), PlanRecord(
                fingerprint_of(inputs, code, libraries),
                tuple(_dist_name(t, dist) for t in targets), libraries))
        return report


def _make_first(project: Project, keys: Keys, options: BuildOptions, warm: Warm,
                labels: dict[str, LabelProgress], report: BuildReport) -> set[Target]:
    """Make the first output of each edited document (`warm.first`), in this process,
    before the whole input is checked: what only the rest of the check could refuse is
    not made here. Not under --strict or --release, which judge the whole input first."""
    from .fonts import bundled_fonts, coverage_findings
    from .project import catalog_findings

    if options.strict or options.release:
        return set()
    publication = project.publication
    edited = set(warm.first)
    sources: dict[Target, Path] = {}
    for target in plan_targets(project, options):
        document = project.contents.get(target.lang, target.slug)
        if document is not None and document.path in edited and not target.needs and \
                target.documents == (target.slug,):
            edited.discard(document.path)  # the document's first output only
            if not keys.is_current(target):
                sources[target] = document.path
    first = list(sources)
    if not first:
        return set()
    # What could refuse these outputs: a language whose labels are not all translated, a
    # letter no bundled font has in the document or in its language's catalogs.
    languages = {target.lang for target in first}
    fonts = bundled_fonts(publication.styles_dir / "fonts", publication.root)
    findings = [finding for path in sources.values()
                for finding in coverage_findings(path, path.read_text(encoding="utf-8"), fonts)]
    findings += [finding for lang in languages if lang != publication.source_language
                 for finding in catalog_findings(publication, lang, fonts)]
    refused = _unbuildable(project, first, options, findings, labels, quiet=True)
    made = set()
    counter = _Counter(len(first))
    for target in first:
        if target not in refused:
            _finish(project, keys, target, warm.workers.make_here(project, target), report,
                    options, counter)
            if report.built and report.built[-1] == target:
                made.add(target)
                report.first.append(target)
                report.first_written = time.monotonic()
    return made


def _make(project: Project, keys: Keys, todo: list[Target],
          unbuildable: dict[Target, RefusedOutput], report: BuildReport,
          options: BuildOptions, workers: Workers | ClusterWorkers) -> None:
    """Make the targets of `todo`, each once what it needs is made (a booklet reuses its
    leaflet's screen PDF), and write them."""
    dist = project.publication.dist_dir
    counter = _Counter(len(todo))
    remaining = list(todo)  # those without needs were begun longest first (see _build_with)
    # What a target reuses may lie outside this run (the site's copy of a PDF, built with
    # --format site alone): it is reused when it is current.
    planned = {_dist_name(target, dist) for target in todo} | set(report.up_to_date)
    elsewhere = {_dist_name(need, dist) for target in todo for need in target.needs
                 if _dist_name(need, dist) not in planned and keys.is_current(need)}
    while remaining:
        waiting = set(remaining)
        wave = [target for target in remaining if waiting.isdisjoint(target.needs)]
        remaining = [target for target in remaining if not waiting.isdisjoint(target.needs)]
        current = set(report.up_to_date) | {_dist_name(t, dist) for t in report.built} | \
            elsewhere
        jobs: dict[Target, LeafletError | tuple[Reused | None, ...]] = {
            target: unbuildable.get(target) or _needed(target, keys.state, current)
            for target in wave}
        for target, result in workers.run(project, jobs):
            _finish(project, keys, target, result, report, options, counter)


def _longest_first(project: Project, targets: list[Target]) -> list[Target]:
    """`targets`, those with the most text to lay out first: the last to finish is then a
    short one, and no core waits long for it."""
    def text(target: Target) -> int:
        return sum(len(document.body) for slug in target.documents
                   if (document := project.contents.get(target.lang, slug)) is not None)

    return sorted(targets, key=text, reverse=True)


@contextmanager
def _workers(options: BuildOptions, dist: Path, lock: int | None,
             kept: Workers | None) -> Iterator[Workers | ClusterWorkers]:
    """The pool `watch` keeps (left running), a Dask cluster's workers, or a pool of this
    machine's processes for this build."""
    if kept is not None:
        yield kept
        return
    if options.scheduler:
        from .cluster import ClusterWorkers

        with ClusterWorkers(options.scheduler, dist.parent) as cluster:
            yield cluster
        return
    with Workers(options.jobs or os.cpu_count() or 1, dist / SCRATCH, lock) as workers:
        yield workers


def _refuse_all(project: Project, keys: Keys, targets: list[Target],
                unbuildable: dict[Target, RefusedOutput], report: BuildReport) -> None:
    """--strict with findings: nothing is built, and what stays in dist/ is exactly what
    the current sources make: an output they would make differently, or that --strict
    refuses, goes."""
    root = project.publication.root
    dist = project.publication.dist_dir
    report.refused = True
    stale = (f"out of date, and --strict refused this build ({len(report.findings)} "
             "finding(s): `build.py check`)")
    for target in targets:
        refusal = unbuildable.get(target)
        if refusal is not None:
            _remove(dist, keys.state, target.output, refusal.describe(root), report)
        elif not keys.is_current(target):
            _remove(dist, keys.state, target.output, stale, report)
        elif over := _over_budget(project, target,
                                  keys.state.outputs[_dist_name(target, dist)].pages):
            _remove(dist, keys.state, target.output, over.describe(root), report)


def _finish(project: Project, keys: Keys, target: Target, result: Output | LeafletError,
            report: BuildReport, options: BuildOptions, counter: _Counter) -> None:
    """Write a made target and record it, or report why it failed and take out of dist/
    what an earlier build left in its place, unless that is still what the sources make."""
    root = project.publication.root
    dist = project.publication.dist_dir
    state = keys.state
    number = counter.next()
    shown = shown_path(target.output, root)
    # For a progress bar (the command line's, on a terminal): which output of how many.
    counted = {"output": (number, counter.total, shown)}
    over = _over_budget(project, target, result.pages) if isinstance(result, Output) else None
    if over and (options.strict or options.release):
        result = _budget_refusal(over, options)
    if isinstance(result, LeafletError):
        said = bool(report.failed) and \
            report.failed[-1][1].describe(root) == result.describe(root)
        report.failed.append((target, result))
        progress.error("[%d/%d] failed %s: %s", number, counter.total, shown,
                       "the same reason as above" if said else result.describe(root),
                       extra=counted)
        if isinstance(result, RefusedOutput) or not keys.is_current(target):
            _remove(dist, state, target.output, NOT_MADE, report)
        return
    try:
        checked_folder(target.output, dist)
        write_atomically(target.output, result.data)
    except LeafletError as error:  # a folder of dist/ that leads elsewhere
        report.failed.append((target, error))
        progress.error("[%d/%d] failed %s: %s", number, counter.total, shown,
                       error.describe(root), extra=counted)
        return
    except OSError as error:  # a full disk, a read-only folder: the machine's, not the input's
        report.failed.append((target, LeafletError(target.output, None, str(error))))
        progress.error("[%d/%d] failed %s: cannot write it (%s)", number, counter.total,
                       shown, error.strerror or error, extra=counted)
        return
    # After the file: the record is never ahead of the outputs.
    state.record(_dist_name(target, dist), OutputRecord(
        keys.after_making(target, result.reads), hashlib.sha256(result.data).hexdigest(),
        result.pages, result.reads))
    report.built.append(target)
    pages = f"{result.pages} page{'s' if result.pages != 1 else ''}, " if result.pages else ""
    progress.info("[%d/%d] %s (%s%.1f s)", number, counter.total, shown, pages,
                  result.seconds, extra=counted)
    if over:
        report.findings.append(over)
        progress.warning("%s", over.describe(root))


def _remove(dist: Path, state: BuildState, output: Path, reason: str,
            report: BuildReport) -> None:
    """Take `output` out of dist/ and out of the record, saying why in one line. Unlinking
    is atomic: a reader sees the whole file or none."""
    name = output.relative_to(dist).as_posix()
    state.forget(name)
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


def _warn_stale_not_asked(project: Project, keys: Keys, produced: list[Target],
                          asked: set[Target]) -> None:
    """One line when outputs left out of this run (--lang, --profile) no longer match the
    sources: they stay, but the user should know before printing them."""
    stale = [target for target in produced if target not in asked and target.output.exists()
             and not keys.is_current(target)]
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


def _needed(target: Target, state: BuildState, current: set[str]
            ) -> tuple[Reused | None, ...]:
    """What `target` reuses, each output this build made or found current."""
    dist = state.dist
    return tuple(Reused(need.output.read_bytes(), state.outputs[name].pages)
                 if (name := _dist_name(need, dist)) in current else None
                 for need in target.needs)


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


def _over_budget(project: Project, target: Target, pages: int | None) -> Finding | None:
    """A finding when a leaflet has more `pages` than its front matter's `pages:` allows."""
    from .content import front_matter_line

    if not target.budgeted:
        return None
    document = project.contents.get(target.lang, target.slug)
    if document is None or document.pages is None or pages is None or pages <= document.pages:
        return None
    line = front_matter_line(document.path.read_text(encoding="utf-8"), "pages")
    return Finding(document.path, line, "pages",
                   f"{shown_path(target.output, project.publication.root)} has {pages} "
                   f"A5 pages, over its budget of {document.pages}: shorten the text before "
                   "printing", "warning")


def _budget_refusal(over: Finding, options: BuildOptions) -> RefusedOutput:
    flag = "--release" if options.release else "--strict"
    return RefusedOutput(over.path, over.line, f"{flag}: {over.message}")


def _languages_in_progress(project: Project, options: BuildOptions,
                           labels: dict[str, LabelProgress]) -> dict[str, str]:
    """The publication's languages whose translation is under way, each with the line that
    says what is missing: their interface labels are not all translated, so their pages
    would show French. They wait, without failing the build of the others, unless the
    build is strict, a release, or for languages named with --lang (then they are
    refused, see _unbuildable)."""
    from .catalogs import po_path

    if options.strict or options.release or options.languages:
        return {}
    publication = project.publication
    waiting = {}
    for lang, progress_of_lang in labels.items():
        if not progress_of_lang.untranslated:
            continue
        catalog = shown_path(po_path(publication, lang), publication.root)
        waiting[lang] = (
            f"{lang}: {len(project.slugs_in(lang))} of {len(publication.documents)} documents "
            f"translated; interface labels {progress_of_lang.percent()} % translated "
            f"({len(progress_of_lang.untranslated)} to translate in {catalog}): not built")
    return waiting


def _say_missing_documents(project: Project, targets: list[Target]) -> None:
    """One line for each language built without all its documents: its leaflets and its
    book hold those translated so far."""
    publication = project.publication
    for lang in dict.fromkeys(target.lang for target in targets):
        missing = [slug for slug in publication.documents
                   if project.contents.get(lang, slug) is None]
        if missing and lang != publication.source_language:
            progress.info("%s: %d of %d documents translated, built without the others "
                          "(%s)", lang, len(publication.documents) - len(missing),
                          len(publication.documents), ", ".join(missing))


def _unbuildable(project: Project, targets: list[Target], options: BuildOptions,
                 findings: list[Finding], labels: dict[str, LabelProgress],
                 quiet: bool = False) -> dict[Target, RefusedOutput]:
    """Targets that must not be made, and why: a language whose interface texts are not all
    translated (its pages would show French); with --strict, translations in draft or out
    of date (and the e-books holding them); with --release, whatever the release gate holds
    back. Says which translations carry a draft mark."""
    from .catalogs import po_path

    publication = project.publication
    refused: dict[Target, RefusedOutput] = {}
    if options.release:
        from .release import release_blockers

        blockers = release_blockers(project, findings)
        for target in targets:
            blocker = next((b for b in blockers if b.blocks(target.lang, target.documents)),
                           None)
            if blocker is not None:
                refused[target] = RefusedOutput(blocker.finding.path, blocker.finding.line,
                                                f"--release: {blocker.finding.message}")
    for finding in findings:
        if finding.rule != "font":
            continue
        # A character no bundled font has would print as a box or in a system font: the
        # outputs that hold it are not made (a catalog's are all of its language's).
        holding = [(lang, slug) for lang in publication.languages
                   for slug in project.slugs_in(lang)
                   if (document := project.contents.get(lang, slug)) is not None
                   and document.path == finding.path]
        for target in targets:
            if target not in refused and (
                    any(target.lang == lang and slug in target.documents
                        for lang, slug in holding)
                    or (not holding and target.lang in finding.path.parts)):
                refused[target] = RefusedOutput(finding.path, finding.line, finding.message)
    for lang in dict.fromkeys(target.lang for target in targets):
        untranslated = labels[lang].untranslated
        marked = [slug for slug in project.slugs_in(lang)
                  if project.draft_mark(lang, slug)]
        if untranslated:
            error = RefusedOutput(po_path(publication, lang), None, f"{len(untranslated)} "
                                  "interface text(s) not translated yet (such as "
                                  f"'{untranslated[0]}'): {lang} "
                                  f"pages would show {publication.source_name}. Translate them, "
                                  "then build again")
            refused.update({target: error for target in targets
                            if target.lang == lang and target not in refused})
        elif marked and options.strict:
            for target in targets:
                if target.lang != lang or target in refused:
                    continue
                held = [slug for slug in target.documents if slug in marked]
                if target.documents == (target.slug,) and held:
                    document = project.contents.get(lang, target.slug)
                    refused[target] = RefusedOutput(
                        document.path if document else None, None,
                        f"--strict: {project.draft_mark(lang, target.slug)} translation not "
                        "built (`build.py status`)")
                elif held:
                    refused[target] = RefusedOutput(
                        None, None, f"--strict: the {lang} book holds draft or outdated "
                        f"translations ({first_of(marked)}): not built")
        elif marked and not options.release and not quiet:
            progress.warning("%s: %d translation(s) in draft or out of date print with a "
                             "draft mark on every page: %s (see `build.py status`)",
                             lang, len(marked), first_of(marked))
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
    dist = project.publication.dist_dir
    screens = [target for target in plan_targets(project, BuildOptions(
        formats=("pdf",), profiles=("screen",)))
        if target.budgeted and project.contents.get(target.lang, target.slug) is not None
        and project.contents.get(target.lang, target.slug).pages is not None]  # type: ignore[union-attr]
    pages: dict[tuple[str, str], tuple[Path, int]] = {}
    todo: dict[Target, LeafletError | tuple[Reused | None, ...]] = {}
    with load_state(dist) as state:
        keys = Keys(project, state, pipeline_code())
        for target in screens:
            record = state.outputs.get(_dist_name(target, dist))
            if record is not None and record.pages is not None and keys.is_current(target):
                pages[target.lang, target.slug] = (target.output, record.pages)
            else:
                todo[target] = ()
    with Workers(jobs or os.cpu_count() or 1, scratch, lock) as workers:
        for target, result in workers.run(project, todo):
            if isinstance(result, Output) and result.pages is not None:
                pages[target.lang, target.slug] = (target.output, result.pages)
    return pages
