"""Stage 7: the bytes of one target, a pure function of the project and the target.

Runs in the build's worker processes; WeasyPrint is imported only when a PDF is made.
"""

from __future__ import annotations

import datetime
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .catalogs import TERMINOLOGY, load_translations, po_path
from .config import Publication
from .cover import draw_cover
from .epub import BookTexts, Chapter, make_epub
from .imposition import add_crop_marks, impose_booklet
from .incremental import file_hash
from .markup import TermLink, render_markdown
from .pdf import PdfJob, RenderedPdf, write_pdf
from .profiles import PROFILES, Profile
from .project import Project, Target
from .render import BookChapter, DocumentRecord, PageContext, Renderer
from .terminology import glossary_for_readers, term_links


@dataclass(frozen=True)
class Output:
    """A made target: its bytes, and its number of pages for a PDF."""

    data: bytes
    pages: int | None = None
    seconds: float = 0.0  # the time it took to make


def make_renderer(project: Project, lang: str) -> Renderer:
    publication = project.publication
    return Renderer(PageContext(publication, lang, load_translations(publication, lang)))


def make_target(project: Project, renderer: Renderer, target: Target,
                screen_pdf: bytes | None = None) -> Output:
    """One output. A booklet imposes `screen_pdf`, the leaflet's screen PDF when it is
    already made, rather than laying the pages out again."""
    if target.kind == "book-epub":
        return Output(make_book_epub(project, renderer, target))
    if target.kind == "book-pdf":
        rendered = make_book_pdf(project, renderer, target)
        return Output(rendered.data, rendered.pages)
    profile = PROFILES[target.profile]
    if profile.imposed:
        if screen_pdf is None:
            screen_pdf = make_leaflet_pdf(project, renderer, target, PROFILES["screen"]).data
        title = renderer.typeset(project.contents.get(target.lang, target.name).title)
        data, pages = impose_booklet(screen_pdf, target.lang, title.unescape())
        return Output(data, pages)
    rendered = make_leaflet_pdf(project, renderer, target, profile)
    if profile.crop_marks:
        return Output(add_crop_marks(rendered.data), rendered.pages)
    return Output(rendered.data, rendered.pages)


def document_record(project: Project, lang: str, slug: str) -> DocumentRecord:
    """What `lang`'s pages of `slug` say of its history (see DocumentRecord)."""
    document = project.contents.get(lang, slug)
    source = project.contents.get(project.publication.source_language, slug)
    assert document is not None and source is not None, "a planned document has its French"
    return DocumentRecord(
        updated=document.updated,
        version=document.follows if document.is_translation else document.version,
        last_review=source.last_review, review_due=source.review_due,
        draft_mark=project.draft_mark(lang, slug))


def make_leaflet_pdf(project: Project, renderer: Renderer, target: Target,
                     profile: Profile) -> RenderedPdf:
    publication = project.publication
    markup = project.markups[target.lang, target.name]
    document = markup.document
    html = renderer.leaflet(
        markup, stylesheets=_stylesheets(publication, document.path.parent, profile.stylesheets),
        record=document_record(project, target.lang, target.name),
        languages=project.languages_of(target.name))
    return write_pdf(_pdf_job(publication, html, document.path))


def make_book_pdf(project: Project, renderer: Renderer, target: Target) -> RenderedPdf:
    """The whole book of one language as one PDF: contents with page numbers, bookmarks."""
    publication = project.publication
    lang = target.lang
    chapters = []
    for document in project.contents.documents(lang):
        if document.slug == publication.glossary:
            document = glossary_for_readers(document)
        chapters.append(BookChapter(
            render_markdown(document, publication.content_dir, id_prefix=f"{document.slug}-"),
            f"{document.slug}-title", document_record(project, lang, document.slug)))
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
    records = {m.document.slug: document_record(project, lang, m.document.slug)
               for m in markups}
    chapters = [Chapter(m.document.slug, renderer.typeset(m.document.title).unescape(),
                        renderer.chapter(m, records[m.document.slug]), m.headings, m.images)
                for m in markups]
    glossary = next((c for c in chapters if c.slug == publication.glossary), None)
    nav = renderer.page("nav.xhtml", chapters=[
        {"href": c.href(lang), "title": c.title, "headings": c.headings} for c in chapters],
        glossary_href=glossary.href(lang) if glossary else None)
    marks = [{"title": c.title, "draft_mark": records[c.slug].draft_mark} for c in chapters]
    band = _draft_band(renderer, marks)
    cover_page = renderer.page("cover.xhtml", image="images/cover.png", chapters=marks,
                               draft_band=band)
    cover_png = draw_cover(texts.title, texts.subtitle, _(book.publisher),
                           publication.styles_dir / "fonts", band)
    return make_epub(publication, lang, texts, chapters, nav, cover_page, cover_png,
                     source_date(project, lang))


def _draft_band(renderer: Renderer, chapters: list[dict]) -> str | None:
    """The words the cover shows when the book holds drafts: a reader's shelf shows the
    cover before anything else."""
    marks = {chapter["draft_mark"] for chapter in chapters} - {None}
    if not marks:
        return None
    _ = renderer.context.translations.gettext
    text = _("Cette traduction n'a pas encore été vérifiée") if "draft" in marks else \
        _("Cette traduction n'est plus à jour")
    return renderer.typeset(text).unescape()


def glossary_links(project: Project, lang: str) -> tuple[TermLink, ...]:
    """Links from the key terms' uses to `lang`'s glossary, in that language's approved
    forms (none where the glossary is not translated yet)."""
    publication = project.publication
    glossary = project.markups.get((lang, publication.glossary or ""))
    if glossary is None:
        return ()
    return term_links(project.term_forms(lang), glossary.headings,
                      f"{publication.glossary}.xhtml")


def source_date(project: Project, lang: str) -> datetime.datetime:
    """The date the outputs carry: SOURCE_DATE_EPOCH if set, else the newest 'updated'."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
    newest = max(doc.updated for doc in project.contents.documents(lang))
    return datetime.datetime.combine(newest, datetime.time(), datetime.timezone.utc)


# What each kind of output is made with, besides its documents: templates and stylesheets.
PDF_TEMPLATES = ("leaflet.html", "_leaflet.html")
BOOK_TEMPLATES = ("book.html", "_leaflet.html")
EPUB_TEMPLATES = ("chapter.xhtml", "nav.xhtml", "cover.xhtml", "_leaflet.html")
PDF_STYLES = ("leaflet.css", "fonts.css")
EPUB_STYLES = ("epub.css", "fonts.css")


def target_key(project: Project, target: Target, pipeline: str,
               hashes: dict[Path, str]) -> str:
    """A hash of everything `target`'s bytes depend on: its documents, their images, the
    templates, stylesheets, fonts and catalogs it uses, the publication file, the profile and
    the pipeline's version; for PDFs, also the French version they print and the draft mark.
    `hashes` memoises file hashes within one build."""
    publication = project.publication
    lang = target.lang

    def file(path: Path) -> str:
        if path not in hashes:
            hashes[path] = file_hash(path)
        return hashes[path]

    parts = [pipeline, target.kind, lang, target.name, target.profile,
             file(publication.path), file(po_path(publication, lang))]
    if target.kind == "book-epub":
        templates, styles = EPUB_TEMPLATES, EPUB_STYLES
        glossary = publication.content_dir / publication.source_language / \
            f"{publication.glossary}.md"
        parts += [file(glossary), file(po_path(publication, lang, TERMINOLOGY))]
    else:
        templates = BOOK_TEMPLATES if target.kind == "book-pdf" else PDF_TEMPLATES
        styles = PDF_STYLES + PROFILES[target.profile].stylesheets + \
            (("book.css",) if target.kind == "book-pdf" else ())
    parts += [file(publication.templates_dir / name) for name in templates]
    parts += [file(publication.styles_dir / name) for name in styles]
    parts += [file(font) for font in sorted((publication.styles_dir / "fonts").glob("*.ttf"))]
    slugs = [target.name] if target.kind == "leaflet-pdf" else project.slugs_in(lang)
    for slug in slugs:
        document = project.contents.get(lang, slug)
        source = project.contents.get(publication.source_language, slug)
        parts += [slug, file(document.path)]
        # What the pages show besides the text: the French document's review dates and the
        # draft mark (a translation prints the version it follows, from its own file).
        parts += [str(source.last_review), str(source.review_due),
                  project.draft_mark(lang, slug) or ""]
        if target.kind == "leaflet-pdf":  # "also available in"
            parts.append(",".join(project.languages_of(slug)))
        parts += [file(image.path) for image in project.markups[lang, slug].images]
    if target.kind != "leaflet-pdf":
        parts.append(source_date(project, lang).isoformat())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()
