"""The validated input as one value: the publication, its documents and their markup, and
where each translation stands; the checks `check` runs on it."""

from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from .catalogs import (
    DOMAIN,
    TERMINOLOGY,
    load_terminology,
    load_translations,
    markup_findings,
    po_path,
    read_catalog,
)
from .characters import invisible_findings
from .config import Publication, load_publication
from .content import Contents, Document, front_matter_line, load_contents
from .errors import ConfigError, Finding, LeafletError, raise_if_any
from .fonts import BundledFont, bundled_fonts, coverage_findings
from .inputs import note_read, read_input_text
from .markup import Markup, render_markdown
from .readability import long_sentence_findings
from .sanitise import removed_html
from .structure import structure_findings
from .terminology import (
    approved_terms,
    check_translation,
    glossary_for_readers,
    read_glossary,
    untranslated_findings,
)
from .translation import TranslationStatus, translation_statuses, unchanged_version_findings


@dataclass(frozen=True)
class Target:
    """One output file and what it is made from."""

    kind: str  # "leaflet-pdf", "book-pdf" or "book-epub"
    lang: str
    name: str  # the document's slug, or the book's
    output: Path
    profile: str = "screen"  # leaflet PDFs: a key of PROFILES


@dataclass(frozen=True)
class Project:
    """The whole validated input: publication, documents and their markup."""

    publication: Publication
    contents: Contents
    markups: dict[tuple[str, str], Markup]
    # Target languages' translations: state against the French, review state.
    statuses: dict[tuple[str, str], TranslationStatus]

    def draft_mark(self, lang: str, slug: str) -> str | None:
        """"draft" or "outdated" for a translation that must not print clean, else None."""
        status = self.statuses.get((lang, slug))
        if status is None or status.printable_clean:
            return None
        # Not reviewed says the most: a draft that is also out of date is still a draft.
        return "draft" if status.review != "reviewed" else "outdated"

    def document(self, lang: str, slug: str) -> Document:
        """`lang`'s document `slug`, for an output that prints it: recorded as read."""
        document = self.contents.get(lang, slug)
        assert document is not None, f"{lang}/{slug} is planned, so it exists"
        note_read(document.path)
        return document

    def markup(self, lang: str, slug: str) -> Markup:
        """The body of `lang`'s document `slug`, for an output that prints it: recorded as
        read, with its images (which the output embeds)."""
        markup = self.markups[lang, slug]
        note_read(markup.document.path)
        return markup

    def languages_of(self, slug: str) -> tuple[str, ...]:
        return tuple(lang for lang in self.publication.languages
                     if self.contents.get(lang, slug) is not None)

    def slugs_in(self, lang: str) -> list[str]:
        return [document.slug for document in self.contents.documents(lang)]

    def term_forms(self, lang: str) -> list[tuple[str, str | None]]:
        """The key terms in `lang`, (singular, plural): the French glossary's, or their
        approved renderings (those with none yet left out)."""
        publication = self.publication
        source = self.contents.get(publication.source_language, publication.glossary or "")
        if source is None:
            return []
        note_read(source.path)  # an output that links or checks the terms read them there
        terms = read_glossary(source)
        if lang == publication.source_language:
            return [(term.source, term.plural) for term in terms]
        return [(entry.singular, entry.plural)
                for entry in approved_terms(terms, load_terminology(publication, lang))
                if entry.singular is not None]


class ProjectCache:
    """What reading the project again may reuse, for `watch`: each document's markup, made
    again only when its text or one of its images changed (Markdown is most of the time it
    takes to read the project)."""

    def __init__(self) -> None:
        # The last markup of each document (path, language), with what it was made from:
        # its body, the line the body starts on (the images' lines count from it), and its
        # images' times.
        self.markups: dict[tuple[Path, str], tuple[str, int, Markup, tuple[int, ...]]] = {}

    def markup(self, document: Document, content_dir: Path) -> Markup:
        kept = self.markups.get((document.path, document.lang))
        if kept is not None:
            body, body_line, markup, images = kept
            if (body, body_line) == (document.body, document.body_line) and \
                    _image_stamps(markup) == images:
                return dataclasses.replace(markup, document=document)
        markup = render_markdown(document, content_dir)
        self.markups[document.path, document.lang] = (document.body, document.body_line,
                                                       markup, _image_stamps(markup))
        return markup


def _image_stamps(markup: Markup) -> tuple[int, ...]:
    return tuple(image.path.stat().st_mtime_ns if image.path.exists() else -1
                 for image in markup.images)


def load_project(root: Path, cache: ProjectCache | None = None) -> Project:
    """Read and check every input. Raises LeafletError gathering all the problems found.
    With `cache`, unchanged documents keep the markup made the last time."""
    publication = load_publication(root)  # nothing else can be read without it
    make_markup = cache.markup if cache is not None else render_markdown
    errors: list[LeafletError] = []
    try:
        contents = load_contents(publication)
    except LeafletError as found:  # the catalogs and styles are still checked, for one list
        errors += found.problems
        contents = Contents({})
    markups: dict[tuple[str, str], Markup] = {}
    for lang in publication.languages:
        for document in contents.documents(lang):
            if document.slug == publication.glossary:
                document = glossary_for_readers(document)
            try:
                markups[lang, document.slug] = make_markup(document, publication.content_dir)
            except LeafletError as error:
                errors += error.problems
        try:
            load_translations(publication, lang)
            load_terminology(publication, lang)
        except LeafletError as error:
            errors += error.problems
    errors += missing_style_files(publication)
    raise_if_any(errors)
    statuses = {(status.lang, status.slug): status for lang in publication.target_languages
                for status in translation_statuses(publication, lang)}
    return Project(publication, contents, markups, statuses)


def review_findings(sources: list[Document], today: datetime.date) -> list[Finding]:
    """French documents whose review is overdue: what patients read there is no longer
    vouched for."""
    return [Finding(source.path, front_matter_line(source.path.read_text(encoding="utf-8"),
                                                   "review_due"), "review",
                    f"review overdue since {source.review_due}: have the content reviewed, "
                    "then set last_review and the next review_due", "warning")
            for source in sources if source.review_due is not None and source.review_due < today]


CSS_URL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])([^"')\s]+)""")


def missing_style_files(publication: Publication) -> list[LeafletError]:
    """Fonts and files the stylesheets ask for that are not there: found now, before any
    output is written, rather than by WeasyPrint halfway through a build."""
    errors: list[LeafletError] = []
    for sheet in sorted(publication.styles_dir.glob("*.css")):
        try:
            text = read_input_text(sheet, publication.root, ConfigError)
        except ConfigError as error:
            errors.append(error)
            continue
        for number, line in enumerate(text.splitlines(), 1):
            for reference in CSS_URL.findall(line):
                if ":" in reference or (sheet.parent / reference).exists():
                    continue
                kind = "font" if reference.endswith((".ttf", ".otf", ".woff", ".woff2")) \
                    else "file"
                errors.append(ConfigError(sheet, number, f"{kind} '{reference}' not found "
                                          f"(looked for {(sheet.parent / reference).resolve()})"))
    return errors


def check_findings(project: Project, languages: tuple[str, ...] = (),
                   today: datetime.date | None = None) -> list[Finding]:
    """What `check` reports for `languages`: raw HTML that the cleaning removes (default: in
    every language), French texts changed without a new version, reviews past their date
    (when `today` is given), then each translation's structure against its French source
    and its key terms (default: every target language)."""
    publication = project.publication
    sources = project.contents.documents(publication.source_language)
    findings = unchanged_version_findings(publication, sources)
    if today is not None:
        findings += review_findings(sources, today)
    fonts = bundled_fonts(publication.styles_dir / "fonts", publication.root)
    for lang in languages or publication.languages:
        for document in project.contents.documents(lang):
            text = document.path.read_text(encoding="utf-8").removeprefix("\ufeff")
            findings += invisible_findings(document.path, text)
            findings += coverage_findings(document.path, text, fonts)
            findings += long_sentence_findings(document)
            findings += [Finding(document.path, document.body_line + number, "html",
                                 f"raw HTML: {what} removed (content is untrusted: scripts, "
                                 "frames, forms, raw images and styles never reach a page)",
                                 "warning")
                         for number, what in removed_html(document.body)]
    for lang in languages or publication.target_languages:
        if lang == publication.source_language:
            continue
        findings += catalog_findings(publication, lang, fonts)
        for translation in project.contents.documents(lang):
            source = project.contents.get(publication.source_language, translation.slug)
            if source is not None:  # a translation without one is an input error already
                findings += structure_findings(source, translation, publication.root)
    return findings + terminology_findings(project, languages)


def catalog_findings(publication: Publication, lang: str,
                     fonts: list[BundledFont]) -> list[Finding]:
    """Markup, invisible characters and characters no bundled font has in `lang`'s
    translations of the labels and terms."""
    findings: list[Finding] = []
    for domain in (DOMAIN, TERMINOLOGY):
        path = po_path(publication, lang, domain)
        if path.exists():
            catalog = read_catalog(path, lang, publication.root)
            findings += markup_findings(catalog, path)
            # Comments are for translators: no page shows them.
            shown = "\n".join("" if line.lstrip().startswith("#") else line
                              for line in path.read_text(encoding="utf-8")
                              .removeprefix("\ufeff").splitlines())
            findings += invisible_findings(path, shown)
            findings += coverage_findings(path, shown, fonts)
    return findings


def acceptance_findings(project: Project, lang: str, slug: str) -> list[Finding]:
    """What `check` finds in `lang`'s translation of `slug`: its structure against the
    French, and its key terms."""
    publication = project.publication
    source = project.contents.get(publication.source_language, slug)
    translation = project.contents.get(lang, slug)
    if source is None or translation is None:
        return []
    findings = structure_findings(source, translation, publication.root)
    if publication.glossary is not None:
        glossary = project.contents.get(publication.source_language, publication.glossary)
        approved = approved_terms(read_glossary(glossary) if glossary else [],
                                  load_terminology(publication, lang))
        findings += check_translation(source, translation, approved, publication.root)
    return findings


def acceptance_blockers(project: Project, lang: str, slug: str) -> list[Finding]:
    """What keeps `accept` from recording `lang`'s translation of `slug`: the errors `check`
    finds in it (structure, key terms), and a French text changed without a new version,
    which the record would make indistinguishable from the old one."""
    source = project.contents.get(project.publication.source_language, slug)
    if source is None or project.contents.get(lang, slug) is None:
        return []
    blockers = [finding for finding in acceptance_findings(project, lang, slug)
                if finding.severity == "error"]
    return blockers + unchanged_version_findings(project.publication, [source])


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
            if source is not None:
                findings += check_translation(source, translation, approved, publication.root)
    return findings
