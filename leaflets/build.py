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
from .pdf import PdfJob, write_pdf
from .render import PageContext, Renderer
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
    force: bool = False
    # Any quality finding stops the build before it writes anything, and translations in
    # draft or out of date are not built.
    strict: bool = False


@dataclass(frozen=True)
class Target:
    """One output file and what it is made from."""

    kind: str  # "leaflet-pdf" or "book-epub"
    lang: str
    name: str  # the document's slug, or the book's
    output: Path


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
        if "pdf" in options.formats:
            targets += [Target("leaflet-pdf", lang, doc.slug, folder / f"{doc.slug}.pdf")
                        for doc in documents]
        if "epub" in options.formats and documents:
            slug = publication.book.slug
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
    for number, target in enumerate(targets, start=1):
        started = time.perf_counter()
        renderer = renderers.get(target.lang) or renderers.setdefault(
            target.lang, make_renderer(project, target.lang))
        try:
            if target in unbuildable:
                raise unbuildable[target]
            data = make_target(project, renderer, target)
        except LeafletError as error:
            report.failed.append((target, error))
            progress.error("[%d/%d] failed %s: %s", number, len(targets),
                           shown_path(target.output, root), error.describe(root))
            continue
        write_atomically(target.output, data)
        report.built.append(target)
        progress.info("[%d/%d] %s (%.1f s)", number, len(targets),
                      shown_path(target.output, root), time.perf_counter() - started)
    return report


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
                elif target.kind == "book-epub":
                    refused[target] = LeafletError(
                        None, None, f"--strict: the {lang} e-book holds draft or outdated "
                        f"translations ({', '.join(marked)}): not built")
        elif marked:
            progress.warning("%s: %d translation(s) in draft or out of date print with a "
                             "draft mark on every page: %s (see `build.py status`)",
                             lang, len(marked), ", ".join(marked))
    return refused


def make_renderer(project: Project, lang: str) -> Renderer:
    publication = project.publication
    return Renderer(PageContext(publication, lang, load_translations(publication, lang)))


def make_target(project: Project, renderer: Renderer, target: Target) -> bytes:
    """The bytes of one output: a pure function of the project's input and the target."""
    if target.kind == "leaflet-pdf":
        return make_leaflet_pdf(project, renderer, target)
    return make_book_epub(project, renderer, target)


def make_leaflet_pdf(project: Project, renderer: Renderer, target: Target) -> bytes:
    publication = project.publication
    markup = project.markups[target.lang, target.name]
    document = markup.document
    source = project.contents.get(publication.source_language, target.name)
    html = renderer.leaflet(
        markup, stylesheet=os.path.relpath(publication.styles_dir / "leaflet.css",
                                           document.path.parent),
        version=source.version if source else None,
        languages=project.languages_of(target.name),
        draft_mark=project.draft_mark(target.lang, target.name))
    job = PdfJob(html=html, base_dir=document.path.parent, source=document.path,
                 allowed_dirs=(publication.content_dir.resolve(),
                               publication.styles_dir.resolve()))
    return write_pdf(job)


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
