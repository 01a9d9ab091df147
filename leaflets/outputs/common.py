"""What the kinds of output share: a renderer per language, a document's printed history,
and the date a book carries."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from ..catalogs import load_translations
from ..inputs import Reads, note_reads, recording, stamp
from ..markup import TermLink
from ..project import Project
from ..render import CompiledTemplates, DocumentRecord, PageContext, Renderer
from .kind import Target


class Renderers:
    """The renderer of each language, made once per process and kept between targets;
    what making one read (the language's catalog) is recorded for every target it
    serves. A process kept between builds (`watch`) makes one again when the publication,
    a file it read or the templates changed."""

    def __init__(self) -> None:
        self.made: dict[str, tuple[Renderer, Reads, tuple[object, ...]]] = {}
        self.compiled = CompiledTemplates()
        self.templates_read: dict[str, list[Path]] = {}  # shared by the renderers, like this

    def get(self, project: Project, lang: str) -> Renderer:
        publication = project.publication
        kept = self.made.get(lang)
        if kept is None or kept[2] != _stamp(project, kept[1]):
            if kept is not None:  # a template may include others now
                self.templates_read = {}
            with recording() as reads:
                renderer = Renderer(PageContext(publication, lang,
                                                load_translations(publication, lang)),
                                    self.compiled, self.templates_read)
            self.made[lang] = renderer, reads, _stamp(project, reads)
        renderer, reads, _ = self.made[lang]
        note_reads(reads)
        return renderer


def _stamp(project: Project, reads: Reads) -> tuple[object, ...]:
    """What a renderer depends on: the publication, and the size and time of the files it
    read and of the templates (Jinja2 reloads a changed template, but the renderer keeps
    the list of those each page includes)."""
    templates = set(project.publication.templates_dir.glob("*"))
    return (project.publication, stamp(Reads(files=reads.files | templates)))


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


def record_facts(project: Project, lang: str, slugs: tuple[str, ...]) -> list[str]:
    """The facts of the documents `slugs` that their pages print besides their own file:
    the French document's review dates and the draft mark (a translation prints the
    version it follows, from its own file)."""
    facts = []
    for slug in slugs:
        record = document_record(project, lang, slug)
        facts += [slug, str(record.last_review), str(record.review_due),
                  record.draft_mark or ""]
    return facts


def book_facts(project: Project, target: Target) -> list[str]:
    """What a book shows besides the files it reads: its chapters' histories and its date."""
    return [*record_facts(project, target.lang, target.documents),
            source_date(project, target.lang).isoformat()]


def short_draft_notice(renderer: Renderer, draft_mark: str) -> str:
    """What a cover says of a draft ("draft") or outdated translation, in a few words."""
    _ = renderer.context.translations.gettext
    text = _("Cette traduction n'a pas encore été vérifiée") if draft_mark == "draft" else \
        _("Cette traduction n'est plus à jour")
    return renderer.plain(text)


def source_date(project: Project, lang: str) -> datetime.datetime:
    """The date a book carries: SOURCE_DATE_EPOCH if set, else the newest 'updated'."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
    newest = max(doc.updated for doc in project.contents.documents(lang))
    return datetime.datetime.combine(newest, datetime.time(), datetime.UTC)


def glossary_links(project: Project, lang: str, extension: str) -> tuple[TermLink, ...]:
    """Links from the key terms' uses to `lang`'s glossary page (`extension`: "xhtml" in
    the e-book, "html" on the site), in that language's approved forms (none where the
    glossary is not translated yet)."""
    from ..terminology import term_links

    publication = project.publication
    if (lang, publication.glossary or "") not in project.markups:
        return ()
    glossary = project.markup(lang, publication.glossary or "")
    return term_links(project.term_forms(lang), lang, glossary.headings,
                      f"{publication.glossary}.{extension}")
