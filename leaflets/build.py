"""Stage 8: plan the outputs as targets, make each one, write it atomically into dist/."""

from __future__ import annotations

import datetime
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from .catalogs import (TERMINOLOGY, load_terminology, load_translations, po_path,
                       untranslated_labels)
from .config import Publication, load_publication
from .content import Contents, Document, load_contents
from .cover import draw_cover
from .epub import BookTexts, Chapter, make_epub
from .errors import CatalogError, Finding, LeafletError, raise_if_any
from .files import shown_path, write_atomically
from .markup import Markup, TermLink, render_markdown
from .imposition import impose_booklet
from .pdf import PdfJob, RenderedPdf, write_pdf
from .profiles import PROFILES, Profile
from .render import BookChapter, PageContext, Renderer
from .structure import structure_findings
from .terminology import (approved_terms, check_translation, glossary_for_readers,
                          read_glossary, term_links, untranslated_findings)
from .translation import OUTDATED, TranslationStatus, translation_statuses

FORMATS = ("pdf", "epub")
progress = logging.getLogger("leaflets.progress")


@dataclass(frozen=True)
class BuildOptions:
    """What the user asked for on the command line."""

    languages: tuple[str, ...] = ()  # empty: every language of the publication
    formats: tuple[str, ...] = FORMATS
    profiles: tuple[str, ...] = tuple(PROFILES)  # the leaflet PDFs; screen adds the book's
    force: bool = False
    # Any quality finding stops the build before it writes anything, and translations in
    # draft or out of date are not built.
    strict: bool = False


@dataclass(frozen=True)
class Target:
    """One output file and what it is made from."""

    kind: str  # "leaflet-pdf", "book-pdf" or "book-epub"
    lang: str
    name: str  # the document's slug, or the book's
    output: Path
    profile: str = "screen"  # leaflet PDFs: a key of PROFILES


@dataclass(frozen=True)
class Output:
    """A made target: its bytes, and its number of pages for a PDF."""

    data: bytes
    pages: int | None = None


@dataclass
class BuildReport:
    built: list[Target] = field(default_factory=list)
    up_to_date: list[Target] = field(default_factory=list)
    failed: list[tuple[Target, LeafletError]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    refused: bool = False  # --strict and findings: nothing was built

    def summary(self) -> str:
        if self.refused:
            return (f"{len(self.findings)} finding(s) and --strict: nothing was built "
                    "(`build.py check` lists them)")
        return (f"{len(self.built)} built, {len(self.up_to_date)} up to date, "
                f"{len(self.failed)} failed")


@dataclass(frozen=True)
class Project:
    """The whole validated input: publication, documents and their markup."""

    publication: Publication
    contents: Contents
    markups: dict[tuple[str, str], Markup]
    # Target languages' translations: state against the French, review state.
    statuses: dict[tuple[str, str], TranslationStatus]

    def draft_mark(self, lang: str, slug: str) -> str | None:
        """"outdated" or "draft" for a translation that must not print clean, else None."""
        status = self.statuses.get((lang, slug))
        if status is None or status.printable_clean:
            return None
        return "outdated" if status.state == OUTDATED else "draft"

    def languages_of(self, slug: str) -> tuple[str, ...]:
        return tuple(lang for lang in self.publication.languages
                     if self.contents.get(lang, slug) is not None)

    def slugs_in(self, lang: str) -> list[str]:
        return [document.slug for document in self.contents.documents(lang)]


def load_project(root: Path) -> Project:
    """Read and check every input. Raises InputErrors listing all problems found."""
    publication = load_publication(root)
    contents = load_contents(publication)
    markups: dict[tuple[str, str], Markup] = {}
    errors: list[LeafletError] = []
    for lang in publication.languages:
        for document in contents.documents(lang):
            if document.slug == publication.glossary:
                document = glossary_for_readers(document)
            try:
                markups[lang, document.slug] = render_markdown(document, publication.content_dir)
            except LeafletError as error:
                errors.append(error)
            except ExceptionGroup as group:
                errors.extend(group.exceptions)
        try:
            load_translations(publication, lang)
            load_terminology(publication, lang)
        except LeafletError as error:
            errors.append(error)
    raise_if_any(errors)
    statuses = {(status.lang, status.slug): status for lang in publication.target_languages
                for status in translation_statuses(publication, lang)}
    return Project(publication, contents, markups, statuses)


def check_findings(project: Project, languages: tuple[str, ...] = ()) -> list[Finding]:
    """What `check` reports for `languages` (default: all targets): each translation's
    structure against its French source, then its key terms."""
    publication = project.publication
    findings: list[Finding] = []
    for lang in languages or publication.target_languages:
        if lang == publication.source_language:
            continue
        for translation in project.contents.documents(lang):
            source = project.contents.get(publication.source_language, translation.slug)
            findings += structure_findings(source, translation, publication.root)
    return findings + terminology_findings(project, languages)


def terminology_findings(project: Project, languages: tuple[str, ...] = ()) -> list[Finding]:
    """Key terms not translated as approved, forbidden variants, and terms with no approved
    translation yet, for every translated document of `languages` (default: all targets)."""
    publication = project.publication
    if publication.glossary is None:
        return []
    glossary = project.contents.get(publication.source_language, publication.glossary)
    terms = read_glossary(glossary) if glossary else []
    findings: list[Finding] = []
    for lang in languages or publication.target_languages:
        if lang == publication.source_language:
            continue
        approved = approved_terms(terms, load_terminology(publication, lang))
        findings += untranslated_findings(approved, po_path(publication, lang, TERMINOLOGY))
        for translation in project.contents.documents(lang):
            source = project.contents.get(publication.source_language, translation.slug)
            findings += check_translation(source, translation, approved, publication.root)
    return findings


def plan_targets(project: Project, options: BuildOptions) -> list[Target]:
    """Every output the options ask for, in a stable order."""
    publication = project.publication
    targets = []
    for lang in options.languages or publication.languages:
        folder = publication.dist_dir / lang
        documents = project.contents.documents(lang)
        slug = publication.book.slug
        if "pdf" in options.formats:
            for profile in (PROFILES[name] for name in options.profiles):
                targets += [Target("leaflet-pdf", lang, doc.slug,
                                   folder / f"{doc.slug}{profile.suffix}.pdf", profile.name)
                            for doc in documents]
            if "screen" in options.profiles and documents:
                targets.append(Target("book-pdf", lang, slug, folder / f"{slug}.pdf"))
        if "epub" in options.formats and documents:
            targets.append(Target("book-epub", lang, slug, folder / f"{slug}.epub"))
    return targets


def build(root: Path, options: BuildOptions) -> BuildReport:
    """Check the whole input, then make every target; one failed target spares the others."""
    project = load_project(root)
    unknown = [lang for lang in options.languages if lang not in project.publication.languages]
    if unknown:
        raise_if_any([LeafletError(project.publication.path, None,
                                   f"language '{code}' is not in the publication's languages")
                      for code in unknown])
    report = BuildReport(findings=check_findings(project, options.languages))
    for finding in report.findings:
        progress.warning("%s", finding.describe(root))
    if options.strict and report.findings:
        report.refused = True
        return report
    renderers: dict[str, Renderer] = {}
    targets = plan_targets(project, options)
    unbuildable = _unbuildable(project, targets, options)
    a5_pages: dict[tuple[str, str], RenderedPdf] = {}  # the booklets impose the screen pages
    for number, target in enumerate(targets, start=1):
        started = time.perf_counter()
        renderer = renderers.get(target.lang) or renderers.setdefault(
            target.lang, make_renderer(project, target.lang))
        try:
            if target in unbuildable:
                raise unbuildable[target]
            output = make_target(project, renderer, target, a5_pages)
            over = _over_budget(project, target, output)
            if over and options.strict:
                raise LeafletError(over.path, over.line, f"--strict: {over.message}")
        except LeafletError as error:
            said = any(error is earlier for _, earlier in report.failed)
            report.failed.append((target, error))
            progress.error("[%d/%d] failed %s: %s", number, len(targets),
                           shown_path(target.output, root),
                           "the same reason as above" if said else error.describe(root))
            continue
        write_atomically(target.output, output.data)
        report.built.append(target)
        pages = f"{output.pages} page{'s' if output.pages != 1 else ''}, " if output.pages else ""
        progress.info("[%d/%d] %s (%s%.1f s)", number, len(targets),
                      shown_path(target.output, root), pages, time.perf_counter() - started)
        if over:
            report.findings.append(over)
            progress.warning("%s", over.describe(root))
    return report


def _over_budget(project: Project, target: Target, output: Output) -> Finding | None:
    """A finding when a leaflet has more pages than its front matter's `pages:` allows."""
    if target.kind != "leaflet-pdf" or not PROFILES[target.profile].budgeted:
        return None
    document = project.contents.get(target.lang, target.name)
    if document.pages is None or output.pages is None or output.pages <= document.pages:
        return None
    lines = document.path.read_text(encoding="utf-8").splitlines()
    line = next((number for number, text in enumerate(lines, start=1)
                 if text.startswith("pages:")), 1)
    return Finding(document.path, line, "pages",
                   f"{shown_path(target.output, project.publication.root)} has {output.pages} "
                   f"A5 pages, over its budget of {document.pages}: shorten the text before "
                   "printing", "warning")


def _unbuildable(project: Project, targets: list[Target],
                 options: BuildOptions) -> dict[Target, LeafletError]:
    """Targets that must not be made, and why: a language whose interface texts are not all
    translated (its pages would show French), and with --strict, translations in draft or out
    of date (and the e-books holding them). Says which translations carry a draft mark."""
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


def make_renderer(project: Project, lang: str) -> Renderer:
    publication = project.publication
    return Renderer(PageContext(publication, lang, load_translations(publication, lang)))


def make_target(project: Project, renderer: Renderer, target: Target,
                a5_pages: dict[tuple[str, str], RenderedPdf]) -> Output:
    """One output: a pure function of the project's input and the target. `a5_pages` keeps
    the screen PDFs made in this run, which the booklets impose rather than lay out again."""
    if target.kind == "book-epub":
        return Output(make_book_epub(project, renderer, target))
    if target.kind == "book-pdf":
        rendered = make_book_pdf(project, renderer, target)
        return Output(rendered.data, rendered.pages)
    profile = PROFILES[target.profile]
    key = (target.lang, target.name)
    if profile.imposed:
        screen = a5_pages.get(key) or make_leaflet_pdf(project, renderer, target,
                                                       PROFILES["screen"])
        title = renderer.typeset(project.contents.get(*key).title).unescape()
        return Output(impose_booklet(screen.data, target.lang, title), screen.pages)
    rendered = make_leaflet_pdf(project, renderer, target, profile)
    if profile.name == "screen":
        a5_pages[key] = rendered
    return Output(rendered.data, rendered.pages)


def make_leaflet_pdf(project: Project, renderer: Renderer, target: Target,
                     profile: Profile) -> RenderedPdf:
    publication = project.publication
    markup = project.markups[target.lang, target.name]
    document = markup.document
    source = project.contents.get(publication.source_language, target.name)
    html = renderer.leaflet(
        markup, stylesheets=_stylesheets(publication, document.path.parent, profile.stylesheets),
        version=source.version if source else None,
        languages=project.languages_of(target.name),
        draft_mark=project.draft_mark(target.lang, target.name))
    return write_pdf(_pdf_job(publication, html, document.path))


def make_book_pdf(project: Project, renderer: Renderer, target: Target) -> RenderedPdf:
    """The whole book of one language as one PDF: contents with page numbers, bookmarks."""
    publication = project.publication
    lang = target.lang
    chapters = []
    for document in project.contents.documents(lang):
        if document.slug == publication.glossary:
            document = glossary_for_readers(document)
        source = project.contents.get(publication.source_language, document.slug)
        chapters.append(BookChapter(
            render_markdown(document, publication.content_dir, id_prefix=f"{document.slug}-"),
            f"{document.slug}-title", source.version if source else None,
            project.draft_mark(lang, document.slug)))
    folder = publication.content_dir / lang
    html = renderer.book(chapters, _stylesheets(publication, folder, ("book.css",)),
                         source_date(project, lang).date())
    return write_pdf(_pdf_job(publication, html, folder / f"{publication.book.slug}.md"))


def _stylesheets(publication: Publication, page_dir: Path, extra: tuple[str, ...]) -> list[str]:
    """leaflet.css and a profile's own sheets, as links relative to the page's folder."""
    return [os.path.relpath(publication.styles_dir / name, page_dir)
            for name in ("leaflet.css", *extra)]


def _pdf_job(publication: Publication, html: str, source: Path) -> PdfJob:
    return PdfJob(html=html, root=publication.root, base_dir=source.parent, source=source,
                  allowed_dirs=(publication.content_dir.resolve(),
                                publication.styles_dir.resolve()))


def make_book_epub(project: Project, renderer: Renderer, target: Target) -> bytes:
    publication = project.publication
    lang = target.lang
    _ = renderer.context.translations.gettext
    book = publication.book
    texts = BookTexts(
        title=renderer.typeset(_(book.title)).unescape(),
        subtitle=renderer.typeset(_(book.subtitle)).unescape(),
        description=renderer.typeset(_(book.description)).unescape(),
        rights=renderer.typeset(_(book.rights)).unescape(),
        subjects=tuple(_(subject) for subject in book.subjects),
        accessibility_summary=renderer.typeset(_(book.accessibility_summary)).unescape())
    links = glossary_links(project, lang)
    markups = [project.markups[lang, doc.slug] if doc.slug == publication.glossary
               else render_markdown(doc, publication.content_dir, links)
               for doc in project.contents.documents(lang)]
    chapters = [Chapter(m.document.slug, renderer.typeset(m.document.title).unescape(),
                        renderer.chapter(m), m.headings, m.images) for m in markups]
    glossary = next((c for c in chapters if c.slug == publication.glossary), None)
    nav = renderer.page("nav.xhtml", chapters=[
        {"href": c.href(lang), "title": c.title, "headings": c.headings} for c in chapters],
        glossary_href=glossary.href(lang) if glossary else None)
    cover_page = renderer.page("cover.xhtml", image="images/cover.png")
    cover_png = draw_cover(texts.title, texts.subtitle, book.publisher,
                           publication.styles_dir / "fonts")
    return make_epub(publication, lang, texts, chapters, nav, cover_page, cover_png,
                     source_date(project, lang))


def glossary_links(project: Project, lang: str) -> tuple[TermLink, ...]:
    """Links from the key terms' uses to `lang`'s glossary, in that language's approved
    forms (none where the glossary is not translated yet)."""
    publication = project.publication
    glossary = project.markups.get((lang, publication.glossary or ""))
    source = project.contents.get(publication.source_language, publication.glossary or "")
    if glossary is None or source is None:
        return ()
    terms = read_glossary(source)
    if lang == publication.source_language:
        forms = [(term.source, term.plural) for term in terms]
    else:
        forms = [(entry.singular, entry.plural)
                 for entry in approved_terms(terms, load_terminology(publication, lang))
                 if entry.singular is not None]
    return term_links(forms, glossary.headings, f"{publication.glossary}.xhtml")


def source_date(project: Project, lang: str) -> datetime.datetime:
    """The date the outputs carry: SOURCE_DATE_EPOCH if set, else the newest 'updated'."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
    newest = max(doc.updated for doc in project.contents.documents(lang))
    return datetime.datetime.combine(newest, datetime.time(), datetime.timezone.utc)
