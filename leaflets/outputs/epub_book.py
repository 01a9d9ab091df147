"""The whole book of one language as an EPUB 3 e-book (dist/LANG/<book>.epub): a cover,
contents, every leaflet a chapter, key terms linked to the glossary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .kind import Making, Output, Target, book_targets

if TYPE_CHECKING:
    from ..project import Project
    from ..render import Renderer

NAME = "epub"
FORMAT = "epub"
IN_DEFAULT_BUILD = True
VARIANTS: tuple[str, ...] = ()


def plan(project: Project, lang: str, variants: tuple[str, ...]) -> list[Target]:
    return book_targets(project, lang, NAME, "epub")


def facts(project: Project, target: Target) -> list[str]:
    from .common import book_facts

    return book_facts(project, target)


def make(making: Making) -> Output:
    from ..cover import draw_cover
    from ..epub import BookTexts, Chapter, make_epub
    from ..fonts import bundled_fonts
    from .common import document_record, glossary_links, source_date

    project, lang = making.project, making.target.lang
    publication = project.publication
    renderer = making.renderers.get(project, lang)
    _ = renderer.context.translations.gettext
    book = publication.book
    texts = BookTexts(
        title=renderer.plain(_(book.title)), subtitle=renderer.plain(_(book.subtitle)),
        description=renderer.plain(_(book.description)), rights=renderer.plain(_(book.rights)),
        subjects=tuple(_(subject) for subject in book.subjects),
        accessibility_summary=renderer.plain(_(book.accessibility_summary)))
    links = glossary_links(project, lang, "xhtml")
    markups = [project.markup(lang, slug) if slug == publication.glossary
               else project.markup(lang, slug).with_glossary_links(links)
               for slug in making.target.documents]
    records = {m.document.slug: document_record(project, lang, m.document.slug)
               for m in markups}
    chapters = [Chapter(m.document.slug, renderer.plain(m.document.title),
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
    fonts = bundled_fonts(publication.styles_dir / "fonts", publication.root)
    cover_png = draw_cover(texts.title, texts.subtitle, _(book.publisher), fonts, band,
                           right_to_left=publication.direction(lang) == "rtl")
    return Output(make_epub(publication, lang, texts, chapters, nav, cover_page, cover_png,
                            source_date(project, lang), fonts))


def _draft_band(renderer: Renderer, chapters: list[dict[str, str | None]]) -> str | None:
    """The words the cover shows when the book holds drafts: a reader's shelf shows the
    cover before anything else."""
    from .common import short_draft_notice

    marks = {chapter["draft_mark"] for chapter in chapters} - {None}
    if not marks:
        return None
    return short_draft_notice(renderer, "draft" if "draft" in marks else "outdated")
