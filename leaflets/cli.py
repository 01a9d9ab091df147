"""The command line: `python build.py [command] [options]`. Thin: parse, call a stage, report.

Exit status: 0 done; 1 quality findings or failed outputs; 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import datetime
import logging
import os
import shutil
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from .driver import BuildOptions, build
from .errors import LeafletError, one_line
from .files import shown_path
from .outputs import DEFAULT_FORMATS, FORMATS, VARIANTS

COMMANDS = ("build", "check", "status", "readability", "diff", "accept", "new-language",
            "catalogs", "export", "import", "serve", "clean", "watch")


def main(argv: list[str] | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None, today: datetime.date | None = None) -> int:
    """Run one command; return the exit status. `today` is the day reviews fall due against
    (default: the machine's date); the outputs never depend on it."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    args = _parser().parse_args(_with_default_command(list(sys.argv[1:] if argv is None
                                                          else argv)))
    args.today = today or datetime.date.today()
    args.stderr = stderr
    root = Path(args.project).resolve()
    handler = _log_to(stderr, args.quiet, args.debug)
    previous_handler = _terminate_like_interrupt()
    try:
        return _run(args, root, stdout)
    except LeafletError as error:
        for problem in error.problems:
            print(problem.describe(root), file=stderr)
        if any(problem.path is not None for problem in error.problems):  # not a usage slip
            print(f"{len(error.problems)} problem(s) in the input: nothing was written.",
                  file=stderr)
        return 2
    except Terminated:
        print("terminated: the outputs already written are complete; run again to finish.",
              file=stderr)
        return 143
    except KeyboardInterrupt:
        print("interrupted: the outputs already written are complete; run again to finish.",
              file=stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`| head`): nothing to say to no one
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as error:  # the machine refused: a full disk, a read-only folder
        where = f"{error.filename}: " if error.filename else ""
        print(f"{where}{error.strerror or error}: the machine refused to read or write it "
              "(check the disk space and the permissions); nothing already written is lost",
              file=stderr)
        return 1
    except Exception:  # a bug of ours: say so plainly, with the details only on request
        if args.debug:
            traceback.print_exc(file=stderr)
        else:
            print("internal error in the pipeline (run again with --debug for details)",
                  file=stderr)
        return 3
    finally:
        logging.getLogger("leaflets").removeHandler(handler)
        handler.close()
        if previous_handler is not None:
            signal.signal(signal.SIGTERM, previous_handler)


class Terminated(KeyboardInterrupt):
    """SIGTERM: the build stops as it does on Ctrl-C, every output whole."""


def _terminate_like_interrupt() -> signal.Handlers | Callable[..., object] | int | None:
    """Handle SIGTERM as an interrupt; return the handler it replaces (None when this is not
    the main thread, where Python allows no signal handler)."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def terminate(signum: int, frame: object) -> None:
        raise Terminated()

    return signal.signal(signal.SIGTERM, terminate)


def _run(args: argparse.Namespace, root: Path, stdout: TextIO) -> int:
    # Each command imports what it needs: `build` with nothing to do, `status` and `check`
    # answer quickly because they load neither WeasyPrint nor the e-book libraries.
    commands = {"build": _build, "check": _check, "status": _status,
                "readability": _readability, "diff": _diff, "accept": _accept,
                "new-language": _new_language, "catalogs": _catalogs, "export": _export,
                "import": _import, "serve": _serve, "clean": _clean, "watch": _watch}
    return commands[args.command](args, root, stdout)


def _build(args: argparse.Namespace, root: Path, stdout: TextIO) -> int:
    report = build(root, _build_options(args))
    print(report.summary(), file=stdout)
    return 1 if report.failed or report.refused else 0


def _watch(args: argparse.Namespace, root: Path, stdout: TextIO) -> int:
    from .watch import watch

    return watch(root, _build_options(args), stdout, args.stderr)


def _build_options(args: argparse.Namespace) -> BuildOptions:
    profiles = _split(args.profile) or VARIANTS
    unknown = [name for name in profiles if name not in VARIANTS]
    if unknown:
        raise LeafletError(None, None, f"unknown profile '{unknown[0]}' (choose among "
                           f"{', '.join(VARIANTS)})")
    formats = _split(args.format) or DEFAULT_FORMATS
    if unknown := [name for name in formats if name not in FORMATS]:
        raise LeafletError(None, None, f"unknown format '{unknown[0]}' (choose among "
                           f"{', '.join(FORMATS)})")
    if args.jobs is not None and args.jobs < 1:
        raise LeafletError(None, None, "--jobs: give a number of processes, 1 or more")
    return BuildOptions(languages=_split(args.lang), formats=formats, profiles=profiles,
                        force=getattr(args, "force", False), strict=args.strict,
                        release=args.release, jobs=args.jobs or 0, today=args.today,
                        scheduler=getattr(args, "scheduler", None) or "")


def _check(args: argparse.Namespace, root: Path, stdout: TextIO) -> int:
    from .project import check_findings, load_project

    if args.release:
        from .driver import check_release

        if args.lang:
            raise LeafletError(None, None, "check --release judges the whole publication: "
                               "leave out --lang")
        findings = check_release(root, args.today)
    else:
        findings = check_findings(load_project(root), _split(args.lang), args.today)
    for finding in findings:
        print(finding.describe(root), file=stdout)
    errors = [finding for finding in findings if finding.severity == "error"]
    print(f"{len(errors)} error(s), {len(findings) - len(errors)} warning(s)", file=stdout)
    if args.release:
        print("fit to hand to patients" if not findings else
              "not fit to hand to patients: `build.py --release` builds only what passes",
              file=stdout)
    return 1 if errors or (args.strict and findings) else 0


def _status(args: argparse.Namespace, root: Path, stdout: TextIO) -> int:
    from .config import load_publication
    from .status import status_report

    report = status_report(load_publication(root), _split(args.lang), args.today)
    # A file name is the translator's: shown with its control characters escaped.
    print(report.as_json() if args.json else
          "\n".join(one_line(line) for line in report.as_table()), file=stdout)
    return 0


def _readability(args: argparse.Namespace, root: Path, stdout: TextIO) -> int:
    from .project import load_project
    from .readability import as_json, as_table, measure

    project = load_project(root)
    publication = project.publication
    results = [measure(document, project.term_forms(lang),
                       explained_elsewhere=document.slug == publication.glossary)
               for lang in _split(args.lang) or publication.languages
               for document in project.contents.documents(lang)]
    print(as_json(results, root) if args.json else "\n".join(as_table(results, root)),
          file=stdout)
    return 0


def _diff(args: argparse.Namespace, root: Path, stdout: TextIO) -> int:
    from .config import load_publication
    from .translation import describe_changes, parse_document_ref, source_changes

    publication = load_publication(root)
    if "/" not in args.document.strip("/") and not args.document.endswith(".md"):
        lang = args.document.strip("/")
        if lang not in publication.target_languages:
            raise LeafletError(publication.path, None, f"'{lang}' is not one of the "
                               "publication's translations "
                               f"({', '.join(publication.target_languages)})")
        refs = [(lang, slug) for slug in publication.documents
                if (publication.content_dir / lang / f"{slug}.md").exists()]
    else:
        refs = [parse_document_ref(args.document)]
    reports = []
    for lang, slug in refs:
        changes = source_changes(publication, lang, slug)
        if len(refs) == 1 or changes.changes or changes.followed_version is None:
            reports.append("\n".join(describe_changes(changes, root)))
    if len(refs) > 1 and not reports:
        reports.append(f"No change since: every {refs[0][0]} translation is up to date.")
    print("\n\n".join(reports), file=stdout)
    return 0


def _accept(args: argparse.Namespace, root: Path, stdout: TextIO) -> int:
    from .project import acceptance_blockers, load_project
    from .translation import accept, parse_accept_refs, review_problem

    project = load_project(root)
    publication = project.publication
    refused = 0
    for lang, slug in parse_accept_refs(publication, args.documents):
        blockers = acceptance_blockers(project, lang, slug)
        name = f"content/{lang}/{slug}.md"
        if blockers:
            refused += 1
            print(f"{name}: not accepted: `check` finds {len(blockers)} problem(s) to fix "
                  "first:", file=stdout)
            for finding in blockers:
                print(f"  {finding.describe(root)}", file=stdout)
            continue
        translation = project.contents.get(lang, slug)
        problem = review_problem(translation, args.reviewer) \
            if args.reviewed and translation is not None else None
        if problem is not None:
            refused += 1
            print(f"{name}: not accepted: {problem}", file=stdout)
            continue
        done = accept(publication, lang, slug, args.reviewed, args.reviewer)
        print(f"{name} now follows content/{publication.source_language}/{slug}.md version "
              f"{done.version} (recorded in {shown_path(done.followed, root)}); review: "
              f"{done.review}", file=stdout)
        if done.review_reset:
            print(f"  review set back to draft: the {publication.source_name} changed since it "
                  "was reviewed. "
                  f"Once a reviewer has checked it: build.py accept --reviewed --reviewer NAME "
                  f"{lang}/{slug}",
                  file=stdout)
    return 1 if refused else 0


def _new_language(args: argparse.Namespace, root: Path, stdout: TextIO) -> int:
    from .new_language import SHOWN_REGIONS, add_language

    added = add_language(root, args.code, args.today)
    print(f"added {added.code} ({added.name}, {added.own_name}) to publication.yml",
          file=stdout)
    if added.right_to_left:
        print(f"{added.code} is written right to left: added to languages.rtl", file=stdout)
    for change in added.catalogs:
        print(f"{change.action:9} {shown_path(change.path, root)}", file=stdout)
    own, *others = added.date_forms
    print(f"dates will read \"{own.example}\" (locale {own.locales[0]})", file=stdout)
    if others:
        print("  the language's regions also write:", file=stdout)
        for form in others:
            more = len(form.locales) - SHOWN_REGIONS
            print(f"    \"{form.example}\": {', '.join(form.locales[:SHOWN_REGIONS])}"
                  f"{f' and {more} more' if more > 0 else ''}", file=stdout)
        print(f"  to use one, add it to publication.yml's languages.locales, e.g. "
              f"locales: {{{added.code}: {others[0].locales[0]}}}", file=stdout)
    print("next steps:\n"
          f"  1. translate locales/{added.code}/LC_MESSAGES/messages.po (the pages' labels) "
          "and terminology.po (the key terms), in Poedit or any PO editor: until every "
          f"label is translated, nothing in {added.code} is built (the build says what is "
          "missing, and builds the other languages)\n"
          f"  2. translate the {added.documents} documents into content/{added.code}/, each "
          "with `review: draft` until a reviewer has checked it\n"
          "  3. `build.py status` shows what is done, `build.py check` what to correct",
          file=stdout)
    return 0


def _export(args: argparse.Namespace, root: Path, stdout: TextIO) -> int:
    from .exchange import export_documents, export_terms
    from .project import load_project

    project = load_project(root)
    if args.what == "terminology":
        if not args.terms_lang:
            raise LeafletError(None, None, "export terminology: name the language, e.g. "
                               "`export terminology en`")
        written = export_terms(project, args.terms_lang, args.format or "tbx",
                               Path(args.output) if args.output else None)
        print(f"wrote {written}", file=stdout)
        return 0
    lines = export_documents(project, args.what, args.format or "po",
                             Path(args.output) if args.output else None, args.today)
    for line in lines:
        print(line, file=stdout)
    return 0


def _import(args: argparse.Namespace, root: Path, stdout: TextIO) -> int:
    from .exchange import import_file
    from .project import acceptance_findings, load_project

    status = 0
    for name in args.files:
        project = load_project(root)
        path = Path(name).resolve()
        for done in import_file(project, path, args.today):
            shown = shown_path(done.path, root)
            if not done.written:
                print(f"{shown}: nothing changed ({done.kept} unit(s) still to translate "
                      "or review left as they were)", file=stdout)
                continue
            print(f"{'created' if done.created else 'updated'} {shown}: {done.written} "
                  f"unit(s) written, {done.kept} still to translate or review left as they "
                  "were; review: draft", file=stdout)
            lang, slug = done.path.parent.name, done.path.stem
            findings = acceptance_findings(load_project(root), lang, slug)
            for finding in findings:
                print(finding.describe(root), file=stdout)
            errors = [finding for finding in findings if finding.severity == "error"]
            print(f"  check: {len(errors)} error(s), {len(findings) - len(errors)} warning(s)",
                  file=stdout)
            status = 1 if errors else status
    return status


def _serve(args: argparse.Namespace, root: Path, stdout: TextIO) -> int:
    import errno
    import functools
    import http.server

    from .config import load_publication

    site = load_publication(root).dist_dir / "site"
    if not (site / "index.html").is_file():
        raise LeafletError(site, None, "no web edition built yet: run `make`, or "
                           "`build.py --format site`, first")
    if not 0 <= args.port <= 65535:
        raise LeafletError(None, None, f"--port {args.port}: give a port from 1 to 65535")
    class Quiet(http.server.SimpleHTTPRequestHandler):
        """The standard library's file server, saying only what failed."""

        def log_message(self, format: str, *values: object) -> None:
            if len(values) > 1 and str(values[1]).startswith(("4", "5")):
                super().log_message(format, *values)

    handler = functools.partial(Quiet, directory=str(site))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise LeafletError(None, None, f"port {args.port} is already in use on 127.0.0.1: "
                               "choose another with --port N") from None
        raise
    with server:
        print(f"serving {shown_path(site, root)}/ at http://127.0.0.1:"
              f"{server.server_address[1]}/ (Ctrl-C stops)", file=stdout, flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("stopped", file=stdout)
    return 0


def _catalogs(args: argparse.Namespace, root: Path, stdout: TextIO) -> int:
    from .catalogs import update_catalogs
    from .config import load_publication

    for change in update_catalogs(load_publication(root)):
        print(f"{change.action:9} {change.path.relative_to(root)}", file=stdout)
    return 0


def _clean(args: argparse.Namespace, root: Path, stdout: TextIO) -> int:
    from .config import load_publication
    from .driver import build_lock

    dist = load_publication(root).dist_dir
    if dist.is_symlink():  # the link is the project's; what it points to is not
        dist.unlink()
        print(f"removed the link {dist.relative_to(root)} (what it pointed to is left as it "
              "was)", file=stdout)
        return 0
    with build_lock(root):  # never under a build's feet: wait for it to end
        shutil.rmtree(dist, ignore_errors=True)
    print(f"removed {dist.relative_to(root)}/", file=stdout)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py", description="Build the leaflets (PDF) and e-books (EPUB).")
    _add_common_options(parser, os.getcwd(), False)
    # The same options after the command (`build.py --lang en --quiet`) mean the same.
    common = argparse.ArgumentParser(add_help=False)
    _add_common_options(common, argparse.SUPPRESS, argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True)

    def add_command(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=[common], **kwargs)

    build_parser = add_command("build", help="build every output (the default)")
    _add_build_options(build_parser)
    build_parser.add_argument("--force", action="store_true",
                              help="rebuild every output, even those up to date")
    build_parser.add_argument("--scheduler", metavar="tcp://HOST:8786",
                              help="make the outputs on the workers of this Dask cluster "
                              "(the project's folder shared at the same path)")
    _add_build_options(add_command(
        "watch", help="build, then build again on every save (the edited leaflet's screen "
        "PDF first), until Ctrl-C"))
    check_parser = add_command(
        "check", help="structure and key terms of the translations; exit 1 on an error")
    check_parser.add_argument("--lang", help="languages to check, e.g. en (default: all)")
    check_parser.add_argument("--strict", action="store_true", help="warnings also fail")
    check_parser.add_argument("--release", action="store_true",
                              help="everything that makes the publication unfit to hand to "
                              "patients: placeholders, drafts, findings, budgets, catalogs, "
                              "reviews past due")
    status_parser = add_command(
        "status", help="each translation: up to date, outdated, missing; catalog progress")
    status_parser.add_argument("--lang", help="languages to show (default: all translations)")
    status_parser.add_argument("--json", action="store_true", help="the same, as JSON")
    readability_parser = add_command(
        "readability", help="words, sentences, reading-ease score and long sentences of "
        "every leaflet; key terms used before they are explained")
    readability_parser.add_argument("--lang", help="languages to measure (default: all)")
    readability_parser.add_argument("--json", action="store_true", help="the same, as JSON")
    diff_parser = add_command(
        "diff", help="what changed in the source text since a translation was last accepted")
    diff_parser.add_argument("document", help="the translation, e.g. en/cancers, or a whole "
                             "language: en (the translations with changes)")
    accept_parser = add_command(
        "accept", help="record that translations now follow the current source text")
    accept_parser.add_argument("documents", nargs="+", metavar="LANG[/DOCUMENT]",
                               help="translations, e.g. en/cancers, or a whole language: en")
    accept_parser.add_argument("--reviewed", action="store_true",
                               help="a reviewer has checked them: mark them reviewed (only "
                               "when `check` finds no error in them, and the reviewer is not "
                               "the translator)")
    accept_parser.add_argument("--reviewer", metavar="NAME",
                               help="with --reviewed: who reviewed them (recorded as "
                               "`reviewer:`; default: the one their front matter names)")
    language_parser = add_command(
        "new-language", help="add a target language and create its catalogs")
    language_parser.add_argument("code", help="its code, e.g. es")
    add_command("catalogs", help="extract, update and compile the gettext catalogs")
    export_parser = add_command(
        "export", help="a translation as units for a translation tool (PO, XLIFF 1.2), or "
        "the key terms (`export terminology LANG`: TBX, CSV)")
    export_parser.add_argument("what", metavar="LANG[/DOCUMENT]",
                               help="a translation (en/cancers), a whole language (en), or "
                               "`terminology`")
    export_parser.add_argument("terms_lang", nargs="?", metavar="LANG",
                               help="after `terminology`: the language of the terms")
    export_parser.add_argument("--format", help="po or xliff (default: po); for the terms, "
                               "tbx or csv (default: tbx)")
    export_parser.add_argument("-o", "--output", metavar="PATH",
                               help="the file to write (a folder for a whole language; "
                               "default: LANG-DOCUMENT.EXT in the current folder)")
    import_parser = add_command(
        "import", help="write the translated units of PO or XLIFF files back into the "
        "translations, then check them")
    import_parser.add_argument("files", nargs="+", metavar="FILE")
    serve_parser = add_command(
        "serve", help="serve the web edition (dist/site/) on 127.0.0.1, for a preview")
    serve_parser.add_argument("--port", type=int, default=8000, metavar="N",
                              help="the port (default: 8000; 0: any free one)")
    add_command("clean", help="remove dist/")
    return parser


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", help="languages to build, e.g. fr,en (default: all)")
    parser.add_argument("--format", help=f"among {', '.join(FORMATS)} (default: "
                        f"{', '.join(DEFAULT_FORMATS)}; `make` builds them all)")
    parser.add_argument("--profile", help="PDFs: screen, print, booklet, large (the "
                        "leaflets), book (the whole book); default: all")
    parser.add_argument("--jobs", type=int, metavar="N",
                        help="worker processes (default: one per core)")
    parser.add_argument("--strict", action="store_true",
                        help="build nothing when `check` has any finding")
    parser.add_argument("--release", action="store_true",
                        help="build only what is fit to hand to patients (see `check "
                        "--release`); remove the rest from dist/")


def _add_common_options(parser: argparse.ArgumentParser, project: str, flag: object) -> None:
    parser.add_argument("--project", default=project, metavar="DIR",
                        help="the project folder (default: the current folder)")
    parser.add_argument("--debug", action="store_true", default=flag,
                        help="show the details (tracebacks) of internal errors, a worker's "
                        "included")
    parser.add_argument("--quiet", action="store_true", default=flag,
                        help="no progress lines on stderr")


def _with_default_command(argv: list[str]) -> list[str]:
    """Insert 'build' when no command is given: `build.py --lang en` builds."""
    index = 0
    while index < len(argv):
        if argv[index] in COMMANDS or argv[index] in ("-h", "--help"):
            return argv
        if argv[index] == "--project":
            index += 2
            continue
        if argv[index].startswith(("--project=", "--debug", "--quiet")):
            index += 1
            continue
        break
    return [*argv[:index], "build", *argv[index:]]


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip()) if value else ()


def _log_to(stream: TextIO, quiet: bool, debug: bool) -> logging.Handler:
    """Progress and warnings on `stream`; with --debug, the details of internal errors
    too (a worker's traceback among them). On a terminal, a bar stands for the lines of
    the outputs made."""
    handler: logging.Handler = _ProgressBar(stream) if not quiet and _is_terminal(stream) \
        else logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("leaflets")
    logger.setLevel(logging.DEBUG if debug else logging.WARNING if quiet else logging.INFO)
    logger.addHandler(handler)
    return handler


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class _ProgressBar(logging.Handler):
    """On a terminal: one bar for the outputs being made (how many of how many, the time
    left, the last one made), instead of a line each; every other line (a warning, an output
    that failed) above it."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream
        self.bar: Any = None

    def emit(self, record: logging.LogRecord) -> None:
        from tqdm import tqdm

        counted = getattr(record, "output", None)
        if counted is None or record.levelno >= logging.WARNING:
            message = self.format(record)
            if self.bar is not None:
                self.bar.write(message, file=self.stream)
            else:
                print(message, file=self.stream, flush=True)
        if counted is None:
            return
        number, total, shown = counted
        if self.bar is None or number == 1 or self.bar.total != total:
            self._end_bar()
            columns, lines = self._size()
            self.bar = tqdm(total=total, file=self.stream, ncols=columns, nrows=lines,
                            bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} "
                                       "[{elapsed}<{remaining}]{postfix}")
        self.bar.set_postfix_str(shown, refresh=False)
        self.bar.update(number - self.bar.n)
        if number >= total:
            self._end_bar()

    def _size(self) -> tuple[int, int]:
        """The terminal's width and height (80 by 24 when it does not say: tqdm would hide
        its bar on a terminal of no height)."""
        try:
            size = os.get_terminal_size(self.stream.fileno())
        except (AttributeError, ValueError, OSError):
            return 80, 24
        return size.columns or 80, size.lines or 24

    def _end_bar(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def close(self) -> None:
        self._end_bar()
        super().close()
