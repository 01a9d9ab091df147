"""The whole book of one language as one PDF: every leaflet a chapter, contents with page
numbers, bookmarks (dist/LANG/<book>.pdf, `--profile book`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .kind import Making, Output, Target, book_targets

if TYPE_CHECKING:
    from ..project import Project

NAME = "book-pdf"
FORMAT = "pdf"
IN_DEFAULT_BUILD = True
VARIANTS = ("book",)


def plan(project: Project, lang: str, variants: tuple[str, ...]) -> list[Target]:
    return book_targets(project, lang, NAME, "pdf", "book") if "book" in variants else []


def facts(project: Project, target: Target) -> list[str]:
    from .common import book_facts

    return book_facts(project, target)


def make(making: Making) -> Output:
    from ..pdf import pdf_job, write_pdf
    from ..render import BookChapter
    from .common import document_record, source_date

    project, lang = making.project, making.target.lang
    publication = project.publication
    chapters = [BookChapter(project.markup(lang, slug).with_id_prefix(f"{slug}-"),
                            f"{slug}-title", document_record(project, lang, slug))
                for slug in making.target.documents]
    folder = publication.content_dir / lang
    html = making.renderers.get(project, lang).book(chapters, source_date(project, lang).date())
    rendered = write_pdf(pdf_job(publication, html, lang, folder / f"{publication.book.slug}.md",
                                 making.target.output, ("leaflet.css", "book.css")),
                         making.pdf_styles)
    return Output(rendered.data, rendered.pages)
