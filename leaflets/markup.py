"""Turn a Document's Markdown body into an XHTML fragment and its outline."""

from __future__ import annotations

import html
import re
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

from lxml import etree
from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor
from PIL import Image as PILImage

from .content import Document
from .errors import ContentError, raise_if_any
from .sanitise import sanitise, without_pipeline_attributes
from .typography import TypographyExtension

MARKDOWN_EXTENSIONS = ["tables", "footnotes", "def_list", "abbr", "sane_lists", "toc"]


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class Image:
    """An image of the body: where it is on disk, its alt text, its line in the file."""

    path: Path
    alt: str
    line: int
    src: str  # as written in the Markdown


@dataclass(frozen=True)
class TermLink:
    """A key term whose first use in a chapter links to its glossary entry (e-book only)."""

    pattern: re.Pattern[str]  # the term's approved forms, singular and plural
    href: str  # its glossary entry, relative to the chapter


@dataclass(frozen=True)
class Markup:
    """A document's body as an XHTML fragment, with what later stages need of it. The
    Markdown is converted once; what a page needs besides (ids made unique in a book,
    links to the glossary) are steps on the fragment's tree."""

    document: Document
    html: str
    headings: tuple[Heading, ...]
    images: tuple[Image, ...]

    def with_id_prefix(self, prefix: str) -> Markup:
        """The same body with `prefix` starting every id and every link to one, so that
        several documents can share a page."""
        if not prefix or not self.html:
            return self
        root = _tree(self.html)
        for element in root.iter():
            if element.get("id"):
                element.set("id", prefix + element.get("id", ""))
            if element.get("href", "").startswith("#"):
                element.set("href", "#" + prefix + element.get("href", "")[1:])
        return replace(self, html=_fragment(root))

    def with_glossary_links(self, links: tuple[TermLink, ...]) -> Markup:
        """The same body with the first use of each term of `links`, in reading order,
        linked to its glossary entry (e-book only)."""
        if not links or not self.html:
            return self
        root = _tree(self.html)
        _GlossaryLinker(links).walk(root)
        return replace(self, html=_fragment(root))


EPUB_NAMESPACE = "http://www.idpf.org/2007/ops"
_WRAPPER = f'<div xmlns:epub="{EPUB_NAMESPACE}">'


def _tree(fragment: str) -> etree._Element:
    """An XHTML fragment as the children of one element (its epub: attributes declared)."""
    return etree.fromstring(f"{_WRAPPER}{fragment}</div>")


def _fragment(root: etree._Element) -> str:
    """The children of `root` written back as the fragment they came from."""
    text: str = etree.tostring(root, encoding="unicode")
    if text.endswith("/>"):  # no children, no text
        return ""
    return text[text.index(">") + 1:-len("</div>")]


def render_markdown(document: Document, media_root: Path) -> Markup:
    """Convert `document`'s body; images must lie under `media_root`.

    Raises ContentError (gathering several) for an image that is missing, lies
    outside the project's content, or has no alt text.
    """
    if problem := nesting_problem(document):
        raise problem
    semantics = SemanticsExtension(document=document, media_root=media_root)
    md = Markdown(
        extensions=[*MARKDOWN_EXTENSIONS, TypographyExtension(lang=document.lang), semantics],
        extension_configs={"footnotes": {"SEPARATOR": "-", "BACKLINK_TEXT": "\u2191"},
                           "toc": {"toc_depth": "2-3"}},
        output_format="xhtml")
    try:
        fragment = md.convert(document.body)
    except RecursionError:  # raw HTML nested past what the nesting check reads in lines
        raise ContentError(document.path, None, NESTED_TOO_DEEPLY) from None
    raise_if_any(semantics.errors)
    # Raw HTML included: content is untrusted input.
    fragment = sanitise(fragment, {image.src for image in semantics.images})
    if _depth(fragment) > MAX_NESTING * 3:  # lists, items and paragraphs, or raw HTML
        raise ContentError(document.path, None, NESTED_TOO_DEEPLY)
    headings = tuple(_flatten(md.toc_tokens))
    return Markup(document, fragment, headings, tuple(semantics.images))


MAX_NESTING = 16  # levels of lists or quotations: no reader follows more, no page fits them
NESTED_TOO_DEEPLY = (f"nested more than {MAX_NESTING} levels deep (lists, quotations or raw "
                     "HTML): no reader can follow it")
LIST_ITEM = re.compile(r"(?:[-*+]|\d+\.)\s")


def nesting_problem(document: Document) -> ContentError | None:
    """A list or quotation nested deeper than MAX_NESTING, at its line: Python-Markdown
    recurses once a level, and WeasyPrint's layout fails long before Python's limit."""
    for offset, line in enumerate(document.body.splitlines()):
        stripped = line.lstrip(" \t")
        indent = len(line[:len(line) - len(stripped)].expandtabs(4))
        quotes = len(stripped) - len(stripped.lstrip("> \t")) if stripped.startswith(">") \
            else 0
        if (indent >= 4 * MAX_NESTING and LIST_ITEM.match(stripped)) or \
                stripped[:quotes].count(">") > MAX_NESTING:
            return ContentError(document.path, document.body_line + offset, NESTED_TOO_DEEPLY)
    return None


def _depth(fragment: str) -> int:
    """How deeply the elements of an XHTML fragment nest."""
    depth = deepest = 0
    for tag in re.finditer(r"<(/?)[a-zA-Z][^>]*?(/?)>", fragment):
        if tag.group(1):
            depth -= 1
        elif not tag.group(2):
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def _flatten(tokens: list[dict[str, Any]]) -> list[Heading]:
    headings = []
    for token in tokens:
        headings.append(Heading(token["level"], _plain(token["name"]), token["id"]))
        headings.extend(_flatten(token["children"]))
    return headings


def _plain(html_text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


def line_of(document: Document, needle: str) -> int:
    """The file line of the first body line containing `needle` (the body's start if none)."""
    for number, line in enumerate(document.body.splitlines()):
        if needle in line:
            return document.body_line + number
    return document.body_line


class SemanticsTreeprocessor(Treeprocessor):
    """Checks images and gives footnotes their DPUB-ARIA roles and EPUB semantics."""

    def __init__(self, md: Markdown, extension: SemanticsExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: ElementTree.Element) -> None:
        for element in root.iter():
            css_class = element.get("class", "")
            if element.tag == "img":
                self.extension.check_image(element)
            elif element.tag == "a" and css_class not in ("footnote-ref", "footnote-backref"):
                self.extension.check_link(element)
            if css_class == "footnote-ref":
                element.set("role", "doc-noteref")
                element.set("epub:type", "noteref")
            elif css_class == "footnote-backref":
                element.attrib.pop("title", None)  # an English sentence whatever the language
                element.set("role", "doc-backlink")
            elif element.tag == "div" and css_class == "footnote":
                element.tag = "section"
                element.set("role", "doc-endnotes")
                element.set("epub:type", "endnotes")
                for rule in element.findall("hr"):
                    element.remove(rule)


class RawHtmlTreeprocessor(Treeprocessor):
    """Takes from the raw HTML an editor typed the attributes the pipeline reserves for its
    own elements (ids, classes, roles), before the raw HTML goes back into the page."""

    def run(self, root: ElementTree.Element) -> None:
        stash = self.md.htmlStash.rawHtmlBlocks
        stash[:] = [without_pipeline_attributes(chunk) if isinstance(chunk, str) else chunk
                    for chunk in stash]


class SemanticsExtension(Extension):
    def __init__(self, document: Document, media_root: Path) -> None:
        super().__init__()
        self.document = document
        self.media_root = media_root.resolve()
        self.errors: list[ContentError] = []
        self.images: list[Image] = []

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's API)
        md.treeprocessors.register(SemanticsTreeprocessor(md, self), "semantics", 3)
        md.treeprocessors.register(RawHtmlTreeprocessor(md), "raw-html", 1)

    def check_image(self, element: ElementTree.Element) -> None:
        src = element.get("src", "")
        line = line_of(self.document, src) if src else self.document.body_line
        alt = (element.get("alt") or "").strip()
        if not alt:
            self.errors.append(ContentError(self.document.path, line, f"image '{src}' has no "
                                            "alt text: describe it, as in ![a knee joint](...)"))
        if re.search(r"[%?#\\]", src):
            self.errors.append(ContentError(self.document.path, line, f"image '{src}': write "
                                            "a plain relative path, without %, ?, # or \\"))
            return
        if "://" in src or src.startswith(("/", "data:")) or ":" in src.split("/")[0]:
            self.errors.append(ContentError(self.document.path, line, f"image '{src}': only "
                                            "images inside the project's content/ folder can "
                                            "be used (a relative path such as ../images/x.png)"))
            return
        path = (self.document.path.parent / src).resolve()
        if not path.is_relative_to(self.media_root):
            self.errors.append(ContentError(self.document.path, line, f"image '{src}' lies "
                                            "outside the project's content/ folder"))
        elif not path.is_file():
            self.errors.append(ContentError(self.document.path, line, f"image '{src}' not "
                                            "found (looked for "
                                            f"{path.relative_to(self.media_root.parent)})"))
        elif problem := image_problem(path):
            self.errors.append(ContentError(self.document.path, line, f"image '{src}': "
                                            f"{problem}"))
        else:
            self.images.append(Image(path, alt, line, src))

    def check_link(self, element: ElementTree.Element) -> None:
        href = element.get("href", "")
        if href.startswith("#") or urlsplit(href).scheme in LINK_SCHEMES:
            return
        self.errors.append(ContentError(
            self.document.path, line_of(self.document, href) if href else
            self.document.body_line, f"link '{href}': only web addresses (https://...), "
            "e-mail (mailto:) and phone (tel:) links can be followed from a leaflet or an "
            "e-book; a file cannot"))


LINK_SCHEMES = {"http", "https", "mailto", "tel"}
# The formats every output can show (EPUB core media types WeasyPrint draws too). SVG is
# left out: it can carry scripts and remote references, and no output is the better for it.
IMAGE_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "GIF": "GIF", "WEBP": "WebP"}
IMAGE_SUFFIXES = {"PNG": {".png"}, "JPEG": {".jpg", ".jpeg"}, "GIF": {".gif"},
                  "WEBP": {".webp"}}
MAX_IMAGE_PIXELS = 25_000_000  # 5000 x 5000: far more than 300 dpi across an A4 page
MAX_IMAGE_BYTES = 10 * 1024 * 1024


def image_problem(path: Path) -> str | None:
    """Why the image at `path` cannot go into a leaflet, read from its header alone (a
    small file can claim gigapixels that decoding would need gigabytes for); None if it can."""
    suffixes = sorted(set().union(*IMAGE_SUFFIXES.values()))
    if path.suffix.lower() == ".svg":
        return "an SVG drawing can carry scripts and remote references: export it as PNG"
    if path.suffix.lower() not in suffixes:
        return (f"an image's name must end in {', '.join(suffixes)} (found "
                f"'{path.suffix or 'no extension'}')")
    if path.stat().st_size > MAX_IMAGE_BYTES:
        return f"{path.stat().st_size // (1024 * 1024)} MB, over {MAX_IMAGE_BYTES // 2**20} MB"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            with PILImage.open(path) as image:
                kind, (width, height) = image.format, image.size
    except (PILImage.DecompressionBombError, OSError, SyntaxError, ValueError):
        return ("not an image the leaflets can show: use PNG or JPEG (an SVG drawing, "
                "exported as PNG)")
    if kind not in IMAGE_FORMATS:
        return f"{kind} images cannot be shown in every output: use PNG or JPEG"
    if path.suffix.lower() not in IMAGE_SUFFIXES[kind]:
        return f"a {IMAGE_FORMATS[kind]} image named '{path.suffix}': rename it"
    if width * height > MAX_IMAGE_PIXELS:
        return (f"{width} x {height} pixels, over the {MAX_IMAGE_PIXELS // 10**6} megapixels "
                "a leaflet can use: make it smaller")
    return None


# Where a glossary link would mislead or break: inside another link, a heading (screen
# readers list headings out of context), code, or a footnote call.
UNLINKED_TAGS = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "kbd", "samp", "sup"}


class _GlossaryLinker:
    """Links the first use of each key term, in reading order, to its glossary entry."""

    def __init__(self, links: tuple[TermLink, ...]) -> None:
        self.pending = list(links)

    def walk(self, element: etree._Element) -> None:
        if element.tag in UNLINKED_TAGS or not self.pending:
            return
        children = list(element)
        if element.text:
            element.text, anchors = self._link(element.text)
            for index, anchor in enumerate(anchors):
                element.insert(index, anchor)
        for child in children:
            self.walk(child)
            if child.tail and self.pending:
                child.tail, anchors = self._link(child.tail)
                position = element.index(child) + 1
                for index, anchor in enumerate(anchors):
                    element.insert(position + index, anchor)

    def _link(self, text: str) -> tuple[str, list[etree._Element]]:
        """`text` cut before its first term use, and the links that follow, each with the
        text after it as its tail."""
        head, rest = text, text
        anchors: list[etree._Element] = []
        while self.pending:
            found = [(match, link) for link in self.pending
                     if (match := link.pattern.search(rest))]
            if not found:
                break
            # The earliest use wins; at the same place, the longer term ("hernie discale"
            # before "hernie").
            match, link = min(found, key=lambda pair: (pair[0].start(), -len(pair[0].group())))
            self.pending.remove(link)
            # In the order the cleaning writes attributes: the pages stay byte for byte.
            anchor = etree.Element("a", {f"{{{EPUB_NAMESPACE}}}type": "glossref",
                                         "href": link.href, "role": "doc-glossref"})
            anchor.text = match.group(0)
            if anchors:
                anchors[-1].tail = rest[:match.start()]
            else:
                head = rest[:match.start()]
            rest = rest[match.end():]
            anchor.tail = rest
            anchors.append(anchor)
        return head, anchors
