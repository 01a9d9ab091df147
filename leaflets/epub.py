"""One language's chapters, styles, fonts and cover into an EPUB 3 book (ebooklib)."""

from __future__ import annotations

import datetime
import io
import mimetypes
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ebooklib import epub

from .config import Publication
from .errors import RenderError
from .fonts import MAX_FONT_BYTES, BundledFont, drawn
from .inputs import note_read, read_input
from .markup import Heading, Image

NAV_NAME = "nav.xhtml"
COVER_PAGE = "cover.xhtml"
COVER_IMAGE = "images/cover.png"


@dataclass(frozen=True)
class Chapter:
    """One document as an e-book chapter."""

    slug: str
    title: str
    xhtml: str
    headings: tuple[Heading, ...]
    images: tuple[Image, ...]

    def href(self, lang: str) -> str:
        return f"{lang}/{self.slug}.xhtml"


@dataclass(frozen=True)
class BookTexts:
    """The book's metadata texts, already translated into the book's language."""

    title: str
    subtitle: str
    description: str
    rights: str
    subjects: tuple[str, ...]
    accessibility_summary: str


def make_epub(publication: Publication, lang: str, texts: BookTexts, chapters: list[Chapter],
              nav_xhtml: str, cover_xhtml: str, cover_png: bytes,
              modified: datetime.datetime, fonts: list[BundledFont]) -> bytes:
    """Assemble the EPUB and return its bytes, the same bytes for the same inputs; of the
    bundled `fonts`, those its text needs."""
    book = epub.EpubBook()
    _metadata(book, publication, lang, texts, modified)
    if publication.direction(lang) == "rtl":
        book.set_direction("rtl")
    styles = publication.styles_dir
    text = "".join([nav_xhtml, cover_xhtml, *(chapter.xhtml for chapter in chapters)])
    embedded = _fonts_used(fonts, text)
    book.add_item(epub.EpubItem(uid="epub-css", file_name="styles/epub.css",
                                media_type="text/css",
                                content=read_input(styles / "epub.css", publication.root,
                                                   RenderError)))
    fonts_css = read_input(styles / "fonts.css", publication.root, RenderError).decode()
    book.add_item(epub.EpubItem(uid="fonts-css", file_name="styles/fonts.css",
                                media_type="text/css",
                                content=_faces_of(fonts_css, embedded).encode()))
    for index, font in enumerate(embedded):
        book.add_item(epub.EpubItem(uid=f"font-{index}", file_name=f"styles/fonts/{font.name}",
                                    media_type="font/ttf",
                                    content=read_input(font, publication.root, RenderError,
                                                       MAX_FONT_BYTES)))
    cover_image = epub.EpubItem(uid="cover-image", file_name=COVER_IMAGE,
                                media_type="image/png", content=cover_png)
    cover_image.properties = ["cover-image"]
    book.add_item(cover_image)
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
    cover_page = _page("cover", COVER_PAGE, cover_xhtml)
    nav = _page("nav", NAV_NAME, nav_xhtml, properties=["nav"])
    book.add_item(cover_page)
    book.add_item(nav)
    pages = []
    added_images: set[Path] = set()
    for chapter in chapters:
        page = _page(f"chapter-{chapter.slug}", chapter.href(lang), chapter.xhtml)
        book.add_item(page)
        pages.append(page)
        for image in chapter.images:
            if image.path not in added_images:
                added_images.add(image.path)
                name = image.path.relative_to(publication.content_dir).as_posix()
                note_read(image.path)
                book.add_item(epub.EpubItem(
                    uid=f"image-{len(added_images)}", file_name=name,
                    media_type=mimetypes.guess_type(name)[0], content=image.path.read_bytes()))
    book.toc = [epub.Link(chapter.href(lang), chapter.title, f"toc-{chapter.slug}")
                for chapter in chapters]
    book.add_item(epub.EpubNcx())
    book.spine = [cover_page, nav, *pages]
    buffer = io.BytesIO()
    epub.write_epub(buffer, book, {"mtime": modified, "raise_exceptions": True,
                                   "epub2_guide": False, "play_order": {"enabled": True}})
    return normalised_zip(buffer.getvalue(), modified, language=lang)


def _fonts_used(fonts: list[BundledFont], text: str) -> list[Path]:
    """The fonts the book embeds: the first font's family (the one every font-family list
    names first) and every other font that has a character of `text` those do not have.
    An English book does not carry the Arabic font."""
    base = fonts[0].family if fonts else ""
    chosen = [font for font in fonts if font.family == base]
    covered = frozenset().union(*(font.characters for font in chosen))
    needed = {ord(char) for char in set(text) if drawn(char)} - covered
    for font in fonts:
        if font not in chosen and font.characters & needed:
            chosen += [other for other in fonts
                       if other.family == font.family and other not in chosen]
    return sorted(font.path for font in chosen)


def _faces_of(fonts_css: str, fonts: list[Path]) -> str:
    """fonts.css without the @font-face rules of fonts the book does not embed."""
    names = {path.name for path in fonts}
    rules = re.split(r"(?=@font-face)", fonts_css)
    return "".join(rule for rule in rules if not rule.startswith("@font-face") or
                   any(f"fonts/{name}" in rule for name in names))


def _page(uid: str, name: str, xhtml: str, properties: list[str] | None = None) -> epub.EpubItem:
    item = epub.EpubItem(uid=uid, file_name=name, media_type="application/xhtml+xml",
                         content=xhtml.encode("utf-8"))
    item.properties = properties or []
    return item


def _metadata(book: epub.EpubBook, publication: Publication, lang: str, texts: BookTexts,
              modified: datetime.datetime) -> None:
    book.set_identifier(publication.book.identifiers[lang])
    book.set_language(lang)
    book.title = texts.title  # used by the NCX; the OPF titles are written below
    book.add_metadata("DC", "title", texts.title, {"id": "title"})
    book.add_metadata(None, "meta", "main", {"refines": "#title", "property": "title-type"})
    book.add_metadata("DC", "title", texts.subtitle, {"id": "subtitle"})
    book.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle",
                                                 "property": "title-type"})
    for index, creator in enumerate(publication.book.creators):
        book.add_metadata("DC", "creator", creator, {"id": f"creator-{index}"})
    book.add_metadata("DC", "publisher", publication.book.publisher)
    book.add_metadata("DC", "rights", texts.rights)
    book.add_metadata("DC", "description", texts.description)
    book.add_metadata("DC", "date", modified.date().isoformat())
    for subject in texts.subjects:
        book.add_metadata("DC", "subject", subject)
    for prop, value in ACCESSIBILITY:
        book.add_metadata(None, "meta", value, {"property": prop})
    book.add_metadata(None, "meta", texts.accessibility_summary,
                      {"property": "schema:accessibilitySummary"})


# EPUB Accessibility 1.1: what a reader's software announces before the book is opened.
ACCESSIBILITY = (
    ("schema:accessMode", "textual"),
    ("schema:accessMode", "visual"),  # the cover and the figures, each with its alt text
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "alternativeText"),
    ("schema:accessibilityFeature", "displayTransformability"),
    ("schema:accessibilityFeature", "ARIA"),  # DPUB-ARIA roles beside the epub:type semantics
    ("schema:accessibilityHazard", "none"),
    ("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"),
)


def normalised_zip(data: bytes, modified: datetime.datetime, language: str | None = None
                   ) -> bytes:
    """Rewrite an EPUB's ZIP with every entry dated `modified`, mimetype first and stored;
    with `language`, the package document declares it (xml:lang)."""
    # A ZIP entry's date holds the years 1980 to 2107 only.
    stamp = (min(max(modified.year, 1980), 2107), modified.month, modified.day,
             modified.hour, modified.minute, modified.second)
    source = zipfile.ZipFile(io.BytesIO(data))
    names = sorted(source.namelist(), key=lambda name: name != "mimetype")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            content = source.read(name)
            if language and name.endswith(".opf"):
                content = _package_language(content, language)
            target.writestr(info, content, compresslevel=9)
    return out.getvalue()


def _package_language(opf: bytes, language: str) -> bytes:
    """The package document with xml:lang on its root: the language of its metadata (the
    title, the accessibility summary), which reading systems and Ace read from there.
    ebooklib has no option for it."""
    from lxml import etree

    root = etree.fromstring(opf)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    return bytes(etree.tostring(root, pretty_print=True, encoding="utf-8",
                                xml_declaration=True))
