"""The web edition, in dist/site/: what every leaflet's QR code leads to, and where the
PDFs and e-books are offered. Static files, copied as they are to `online_url`:

- index.html: the languages, each in its own name;
- LANG/index.html: the shelf, every leaflet with its summary, date and files;
- LANG/DOC.html: the leaflet as a web page, with its files and its other languages;
- LANG/DOC.pdf (and .large, .print, .booklet) and LANG/BOOK.epub: the same bytes as the
  other kinds' outputs, which they reuse when this build has them;
- opds.xml and LANG/opds.xml: the OPDS catalog, for e-book readers (see opds.py), with
  LANG/covers/: each leaflet's cover, the book's (taken from its e-book) and its thumbnail;
- site.css, fonts/ (the bundled fonts) and images/ (the documents' images);
- sitemap.xml: every page at its address, with its other languages (hreflang).

The pages, shelves and feeds reuse the copies of the files they offer (Target.needs), to
say their sizes and page counts: they are made after them, and again when they change.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .kind import Making, Output, Reused, Target

if TYPE_CHECKING:
    from ..project import Project

NAME = "site"
FORMAT = "site"
VARIANTS: tuple[str, ...] = ()
# Not yet made by a plain `build.py` (`make` asks for it): `--format site`, or every format.
IN_DEFAULT_BUILD = False
SITE = "site"  # under dist/
HOME, SHELF, PAGE, COPY, ASSET, SITEMAP = "home", "shelf", "page", "copy", "asset", "sitemap"
CATALOG, FEED, COVER, BOOK_COVER = "catalog", "feed", "cover", "book-cover"
COVERS = "covers"  # under LANG/
THUMBNAIL_SUFFIX = ".thumbnail"  # the book cover's, a quarter of its size
MEDIA_TYPES = {".pdf": "application/pdf", ".epub": "application/epub+zip",
               ".png": "image/png", ".html": "text/html"}
SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml"
STYLESHEET = "site.css"  # under styles/, and the site's root


def site_dir(project: Project) -> Path:
    return project.publication.dist_dir / SITE


def plan(project: Project, lang: str, variants: tuple[str, ...]) -> list[Target]:
    from . import book_pdf, epub_book, leaflet

    publication = project.publication
    root = site_dir(project)
    targets = []
    if lang == publication.source_language:  # the site's own files, once
        targets.append(Target(NAME, lang, "index", root / "index.html", HOME,
                              tuple(publication.languages)))
        targets.append(Target(NAME, lang, "sitemap", root / "sitemap.xml", SITEMAP,
                              tuple(publication.languages)))
        targets.append(Target(NAME, lang, "opds", root / "opds.xml", CATALOG,
                              tuple(publication.languages)))
        targets.append(Target(NAME, lang, STYLESHEET, root / STYLESHEET, ASSET))
        for font in sorted((publication.styles_dir / "fonts").glob("*.ttf")):
            targets.append(Target(NAME, lang, font.name,
                                  root / "fonts" / f"{font.stem}.woff2", ASSET))
        images = {image.path for (_, _), markup in sorted(project.markups.items())
                  for image in markup.images}
        for image in sorted(images):
            targets.append(Target(NAME, lang, image.name, root / "images" / image.name, ASSET))
    slugs = tuple(project.slugs_in(lang))
    if not slugs:
        return targets
    folder = root / lang
    offered = [*leaflet.plan(project, lang, leaflet.VARIANTS),
               *book_pdf.plan(project, lang, ("book",)), *epub_book.plan(project, lang, ())]
    copies = {other.output.name: Target(NAME, lang, other.slug, folder / other.output.name,
                                        COPY, other.documents, needs=(other,))
              for other in offered}
    every_copy = tuple(copies.values())
    targets += every_copy
    targets.append(Target(NAME, lang, "index", folder / "index.html", SHELF, slugs,
                          needs=every_copy))
    targets += [Target(NAME, lang, slug, folder / f"{slug}.html", PAGE, (slug,),
                       needs=tuple(copies[name] for name, _ in _files(slug) if name in copies))
                for slug in slugs]
    targets.append(Target(NAME, lang, "opds", folder / "opds.xml", FEED, slugs,
                          needs=every_copy))
    targets += [Target(NAME, lang, slug, folder / COVERS / f"{slug}.png", COVER, (slug,))
                for slug in slugs]
    book = publication.book.slug
    if f"{book}.epub" in copies:
        for suffix in ("", THUMBNAIL_SUFFIX):
            targets.append(Target(NAME, lang, book, folder / COVERS / f"{book}{suffix}.png",
                                  BOOK_COVER, slugs, needs=(copies[f"{book}.epub"],)))
    return targets


def facts(project: Project, target: Target) -> list[str]:
    from .common import record_facts

    if target.variant in (PAGE, SHELF, FEED, COVER):
        # The draft marks and histories it prints, and the languages each leaflet is in.
        return [*record_facts(project, target.lang, target.documents),
                *(",".join(project.languages_of(slug)) for slug in target.documents)]
    if target.variant in (HOME, SITEMAP):
        return [",".join(project.slugs_in(lang)) for lang in target.documents]
    if target.variant == CATALOG:
        # Each language's books, and the date of its newest document.
        return [f"{lang}:{','.join(slugs)}:{_newest(project, lang)}"
                for lang in target.documents if (slugs := project.slugs_in(lang))]
    return []


def make(making: Making) -> Output:
    target = making.target
    if target.variant == COPY:
        return _copy(making)
    if target.variant == ASSET:
        return Output(_asset(making))
    if target.variant == PAGE:
        return Output(_page(making).encode("utf-8"))
    if target.variant == SHELF:
        return Output(_shelf(making).encode("utf-8"))
    if target.variant == SITEMAP:
        return Output(_sitemap(making))
    if target.variant == CATALOG:
        return Output(_catalog(making))
    if target.variant == FEED:
        return Output(_feed(making))
    if target.variant == COVER:
        return Output(_leaflet_cover(making))
    if target.variant == BOOK_COVER:
        return Output(_book_cover(making))
    return Output(_home(making).encode("utf-8"))


@dataclass(frozen=True)
class OfferedFile:
    """A file a page offers, beside it: its name, what it is (see _site.html's file_name),
    and, when this build has it, its size and number of pages."""

    name: str
    kind: str
    size: int | None = None
    pages: int | None = None

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[Path(self.name).suffix]


def _copy(making: Making) -> Output:
    """The bytes of another kind's output: those this build made, or made again here."""
    from . import leaflet

    reused = _reused(making, 0)
    (copied,) = making.target.needs
    if copied.kind == leaflet.NAME and leaflet.PROFILES[copied.variant].imposed:
        # A booklet's record counts its leaflet's A5 pages (its budget); the page offering it
        # tells the pages of the file, A4 sides to print.
        import io

        from pypdf import PdfReader

        return Output(reused.data, len(PdfReader(io.BytesIO(reused.data)).pages))
    return Output(reused.data, reused.pages)


def _reused(making: Making, index: int) -> Reused:
    """What the target's `index`th need made, made here when this build does not have it
    (the site built alone, an output that could not be made in its own kind)."""
    from . import KINDS

    reused = making.needed[index] if index < len(making.needed) else None
    if reused is not None:
        return reused
    need = making.target.needs[index]
    made = KINDS[need.kind].make(Making(making.project, need, making.renderers, making.pdf_styles))
    return Reused(made.data, made.pages)


def _offered(making: Making, files: list[tuple[str, str]]) -> list[OfferedFile]:
    """`files` (name, kind) with the sizes and page counts of the copies this build has."""
    known = {need.output.name: reused
             for need, reused in zip(making.target.needs, making.needed, strict=False)
             if reused is not None}
    return [OfferedFile(name, kind, len(known[name].data), known[name].pages)
            if name in known else OfferedFile(name, kind) for name, kind in files]


def _asset(making: Making) -> bytes:
    from ..errors import RenderError
    from ..inputs import read_input

    publication = making.project.publication
    name = making.target.output.name
    if making.target.output.parent.name == "fonts":
        return _woff2(read_input(publication.styles_dir / "fonts" / making.target.slug,
                                 publication.root, RenderError))
    if making.target.output.parent.name == "images":
        source = next(image.path for markup in making.project.markups.values()
                      for image in markup.images if image.path.name == name)
        return read_input(source, publication.root, RenderError)
    # The site's stylesheet: the bundled fonts' faces, as WOFF2, then its own rules.
    faces = read_input(publication.styles_dir / "fonts.css", publication.root, RenderError)
    faces = re.sub(rb'\.ttf"\)\s*format\("truetype"\)', b'.woff2") format("woff2")', faces)
    return faces + b"\n" + read_input(publication.styles_dir / name, publication.root,
                                      RenderError)


def _woff2(ttf: bytes) -> bytes:
    """A bundled font as WOFF2 (Brotli-compressed), for browsers; the same bytes on every
    build (its header's date is left as it is)."""
    import io

    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(ttf), recalcTimestamp=False)
    font.flavor = "woff2"
    output = io.BytesIO()
    font.save(output)
    return output.getvalue()


def _page(making: Making) -> str:
    """The leaflet as a web page."""
    from markupsafe import Markup  # the body: cleaned by markup.py, the page's own HTML

    from .common import document_record, glossary_links

    project, target = making.project, making.target
    publication = project.publication
    renderer = making.renderers.get(project, target.lang)
    markup = project.markup(target.lang, target.slug)
    if target.slug != publication.glossary:
        markup = markup.with_glossary_links(glossary_links(project, target.lang, "html"))
    body = _web_html(markup.html)
    return renderer.page(
        "site_page.html", document=markup.document, body=Markup(body),
        record=document_record(project, target.lang, target.slug),
        stylesheet=f"../{STYLESHEET}", files=_offered(making, _files(target.slug)),
        other_languages=[code for code in project.languages_of(target.slug)
                         if code != target.lang],
        url=renderer.online_url(target.slug), rtl_languages=publication.rtl_languages)


def _shelf(making: Making) -> str:
    """Every leaflet of a language, with its summary, date and files."""
    from .common import document_record

    project, target = making.project, making.target
    renderer = making.renderers.get(project, target.lang)
    leaflets = [(project.document(target.lang, slug),
                 document_record(project, target.lang, slug),
                 _offered(making, _files(slug))) for slug in target.documents]
    return renderer.page("site_shelf.html", leaflets=leaflets, stylesheet=f"../{STYLESHEET}",
                         book_files=_offered(making, _book_files(project)))


@dataclass(frozen=True)
class LanguageShelf:
    """What the home page shows of a language: its book's title and its leaflets (slug,
    title), in that language's own words and typography."""

    lang: str
    book_title: str
    leaflets: tuple[tuple[str, str], ...]


def _home(making: Making) -> str:
    """The languages of the site, each in its own name, with its book and leaflets."""
    project, target = making.project, making.target
    renderer = making.renderers.get(project, target.lang)
    shelves = []
    for lang in target.documents:
        if not (slugs := project.slugs_in(lang)):
            continue
        own = making.renderers.get(project, lang)
        shelves.append(LanguageShelf(
            lang, own.plain(own.context.translations.gettext(project.publication.book.title)),
            tuple((slug, own.plain(project.document(lang, slug).title)) for slug in slugs)))
    return renderer.page("site_home.html", shelves=shelves, stylesheet=STYLESHEET,
                         rtl_languages=project.publication.rtl_languages)


def _sitemap(making: Making) -> bytes:
    """Every page of the site at its address, a leaflet's with its other languages, for
    search engines (sitemaps.org, with hreflang alternates)."""
    from lxml import etree

    project = making.project
    base = project.publication.online_url
    languages = [lang for lang in making.target.documents if project.slugs_in(lang)]
    root = etree.Element(f"{{{SITEMAP_NAMESPACE}}}urlset",
                         nsmap={None: SITEMAP_NAMESPACE, "xhtml": XHTML_NAMESPACE})

    def add(path: str, alternates: list[tuple[str, str]], modified: str | None = None) -> None:
        url = etree.SubElement(root, f"{{{SITEMAP_NAMESPACE}}}url")
        etree.SubElement(url, f"{{{SITEMAP_NAMESPACE}}}loc").text = base + path
        if modified:
            etree.SubElement(url, f"{{{SITEMAP_NAMESPACE}}}lastmod").text = modified
        for code, other in alternates:
            etree.SubElement(url, f"{{{XHTML_NAMESPACE}}}link",
                             {"rel": "alternate", "hreflang": code, "href": base + other})

    add("index.html", [])
    for lang in languages:
        add(f"{lang}/index.html", [(code, f"{code}/index.html") for code in languages])
        for slug in project.slugs_in(lang):
            add(f"{lang}/{slug}.html", [(code, f"{code}/{slug}.html")
                                        for code in project.languages_of(slug)],
                project.document(lang, slug).updated.isoformat())
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                 pretty_print=True)
    return data


def _book_files(project: Project) -> list[tuple[str, str]]:
    book = project.publication.book.slug
    return [(f"{book}.epub", "epub"), (f"{book}.pdf", "book")]


def _files(slug: str) -> list[tuple[str, str]]:
    """The files a leaflet is offered as: (file name, what it is)."""
    return [(f"{slug}.pdf", "screen"), (f"{slug}.large.pdf", "large"),
            (f"{slug}.booklet.pdf", "booklet"), (f"{slug}.print.pdf", "print")]


def _web_html(fragment: str) -> str:
    """The body's XHTML as HTML for the web: no e-book attributes."""
    fragment = re.sub(r'\s+xmlns:epub="[^"]*"', "", fragment)
    return re.sub(r'\s+epub:type="[^"]*"', "", fragment)



def _newest(project: Project, lang: str) -> datetime.date:
    """The date of `lang`'s newest document, which its catalog feed carries (the e-book's,
    unless SOURCE_DATE_EPOCH sets another)."""
    from .common import source_date

    return source_date(project, lang).date()


def _catalog(making: Making) -> bytes:
    """The OPDS navigation feed: one entry per language, leading to its acquisition feed."""
    from ..opds import ACQUISITION, NAVIGATION, Entry, Feed, Link, feed_xml
    from ..render import own_language_name

    project = making.project
    publication = project.publication
    base = publication.online_url
    source = making.renderers.get(project, publication.source_language)
    entries = []
    for lang in making.target.documents:
        if not project.slugs_in(lang):
            continue
        renderer = making.renderers.get(project, lang)
        _ = renderer.context.translations.gettext
        entries.append(Entry(
            id=f"{base}{lang}/opds.xml", title=own_language_name(lang),
            updated=_newest(project, lang), lang=lang,
            summary=f"{renderer.plain(_(publication.book.title))}. "
                    f"{renderer.plain(_(publication.book.subtitle))}",
            links=(Link("subsection", f"{lang}/opds.xml", ACQUISITION,
                        renderer.plain(_(publication.book.title))),
                   Link("alternate", f"{lang}/index.html", MEDIA_TYPES[".html"]))))
    book = publication.book
    return feed_xml(Feed(
        id=f"{base}opds.xml", title=source.plain(book.title), lang=publication.source_language,
        updated=max(entry.updated for entry in entries), author=source.plain(book.publisher),
        links=(Link("self", "opds.xml", NAVIGATION), Link("start", "opds.xml", NAVIGATION),
               Link("alternate", "index.html", MEDIA_TYPES[".html"])),
        entries=tuple(entries)))


def _feed(making: Making) -> bytes:
    """A language's OPDS acquisition feed: its book, then every leaflet, with their files."""
    from ..opds import (
        ACQUISITION,
        IMAGE,
        NAVIGATION,
        OPEN_ACCESS,
        THUMBNAIL,
        Entry,
        Feed,
        Link,
        feed_xml,
    )
    from .common import short_draft_notice

    project, target = making.project, making.target
    publication = project.publication
    lang, base = target.lang, publication.online_url
    renderer = making.renderers.get(project, lang)
    _ = renderer.context.translations.gettext
    book = publication.book

    names: dict[str, str] = {}  # the files' names as their pages say them

    def name_of(kind: str) -> str:
        if kind not in names:
            names[kind] = renderer.macro_text("_site.html", "file_name", kind)
        return names[kind]

    def acquisitions(files: list[OfferedFile]) -> tuple[Link, ...]:
        return tuple(Link(OPEN_ACCESS, file.name, file.media_type, name_of(file.kind),
                          file.size) for file in files)

    def covers(slug: str, thumbnail: str = "") -> tuple[Link, ...]:
        return (Link(IMAGE, f"{COVERS}/{slug}.png", MEDIA_TYPES[".png"]),
                Link(THUMBNAIL, f"{COVERS}/{slug}{thumbnail}.png", MEDIA_TYPES[".png"]))

    entries = [Entry(
        id=f"{base}{lang}/{book.slug}.epub", title=renderer.plain(_(book.title)),
        updated=_newest(project, lang), lang=lang,
        summary=renderer.plain(_(book.description)),
        links=(*covers(book.slug, THUMBNAIL_SUFFIX),
               Link("alternate", "index.html", MEDIA_TYPES[".html"]),
               *acquisitions(_offered(making, _book_files(project)))))]
    for slug in target.documents:
        document = project.document(lang, slug)
        mark = project.draft_mark(lang, slug)
        summary = renderer.plain(document.summary)
        # A reader's catalog shows the summary: a draft says so there first, as its page does.
        notice = renderer.macro_text("_leaflet.html", "draft_notice", mark) if mark else ""
        entries.append(Entry(
            id=renderer.online_url(slug), title=renderer.plain(document.title),
            updated=document.updated, lang=lang,
            summary=f"{notice} {summary}" if mark else summary,
            categories=((mark, short_draft_notice(renderer, mark)),) if mark else (),
            links=(*covers(slug), Link("alternate", f"{slug}.html", MEDIA_TYPES[".html"]),
                   *acquisitions(_offered(making, _files(slug))))))
    return feed_xml(Feed(
        id=f"{base}{lang}/opds.xml", title=renderer.plain(_(book.title)), lang=lang,
        updated=max(entry.updated for entry in entries),
        author=renderer.plain(_(book.publisher)),
        links=(Link("self", "opds.xml", ACQUISITION), Link("start", "../opds.xml", NAVIGATION),
               Link("up", "../opds.xml", NAVIGATION),
               Link("alternate", "index.html", MEDIA_TYPES[".html"])),
        entries=tuple(entries)))


def _leaflet_cover(making: Making) -> bytes:
    """A leaflet's cover for e-book readers' catalogs, in the e-book cover's design, a
    quarter of its size: the leaflet's title, the book's, the publisher's name, and the
    draft mark of a draft."""
    from ..cover import draw_cover
    from ..fonts import bundled_fonts
    from .common import short_draft_notice

    project, target = making.project, making.target
    publication = project.publication
    renderer = making.renderers.get(project, target.lang)
    _ = renderer.context.translations.gettext
    document = project.document(target.lang, target.slug)
    mark = project.draft_mark(target.lang, target.slug)
    fonts = bundled_fonts(publication.styles_dir / "fonts", publication.root)
    return draw_cover(renderer.plain(document.title), renderer.plain(_(publication.book.title)),
                      renderer.plain(_(publication.book.publisher)), fonts,
                      short_draft_notice(renderer, mark) if mark else None,
                      right_to_left=publication.direction(target.lang) == "rtl", reduced=4)


def _book_cover(making: Making) -> bytes:
    """The e-book's own cover, taken from it (the same image a reader shows), or its
    thumbnail, a quarter of its size."""
    import io
    import zipfile

    from PIL import Image

    from ..cover import png
    from ..epub import COVER_IMAGE

    with zipfile.ZipFile(io.BytesIO(_reused(making, 0).data)) as epub:
        cover = epub.read(next(name for name in epub.namelist()
                               if name.endswith(f"/{COVER_IMAGE}")))
    if not making.target.output.stem.endswith(THUMBNAIL_SUFFIX):
        return cover
    return png(Image.open(io.BytesIO(cover)), reduced=4)
