"""Content is untrusted input: the HTML a Markdown body becomes, raw HTML included, is cleaned
to an allow-list with nh3 (ammonia), then written back as XHTML with lxml for the e-book.

Allowed: what Markdown and the pipeline's own semantics write, and harmless inline HTML
(sup, sub, abbr, br, span...). Removed: scripts, frames, objects, forms, style sheets, event
handlers, `javascript:` and `file:` links, style attributes (but text-align in table cells),
comments, and any image that is not a checked Markdown image of the document.
"""

from __future__ import annotations

import html
import re

import nh3
from lxml import etree
from lxml import html as lxml_html

ALLOWED_TAGS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "blockquote",
    "pre", "code", "em", "strong", "b", "i", "a", "img", "br", "hr", "sup", "sub", "abbr",
    "span", "small", "mark", "kbd", "div", "section", "table", "thead", "tbody", "tr", "th",
    "td", "caption"}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "role", "epub:type", "lang"},
    "a": {"href"},
    "img": {"src", "alt"},
    "th": {"style"},  # Markdown's tables never span: a huge colspan would exhaust memory
    "td": {"style"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Where a link may lead besides those: a place in the page, another chapter of the e-book
# (the glossary links the pipeline makes). A file of the project or the machine, never.
INTERNAL_LINK = re.compile(r"#[\w:.-]*|[\w-]+\.xhtml#[\w:.-]+")
TABLE_STYLES = {"text-align"}  # Markdown tables align columns with style="text-align: ..."


def sanitise(fragment: str, checked_images: set[str]) -> str:
    """`fragment` cleaned to the allow-list, as XHTML. `checked_images` are the src of the
    document's Markdown images, which the pipeline has checked; any other image is dropped."""
    clean = nh3.clean(fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes=URL_SCHEMES, link_rel=None, strip_comments=True,
                      filter_style_properties=TABLE_STYLES)
    if not clean.strip():
        return ""
    parts = lxml_html.fragments_fromstring(clean)
    xhtml = []
    for part in parts:
        if isinstance(part, str):  # text before the first element
            xhtml.append(_escape(part))
            continue
        for image in part.iter("img"):
            if image.get("src") not in checked_images:
                _remove(image)
        for link in part.iter("a"):
            if not _followable(link.get("href")):
                link.attrib.pop("href", None)
        if part.tag == "img" and part.get("src") not in checked_images:
            xhtml.append(_escape(part.tail or ""))
            continue
        xhtml.append(etree.tostring(part, encoding="unicode", method="xml"))
    return "".join(xhtml)


def visible_text(markdown: str) -> str:
    """What a reader sees of the raw HTML in a block of Markdown: comments, scripts and
    styles gone, other tags' text kept, entities decoded. Markdown's own marks stay, for the
    checks that read them: a number or a term hidden in a comment must not satisfy them."""
    if "<" not in markdown and "&" not in markdown:
        return markdown
    return html.unescape(nh3.clean(markdown, tags=set(), strip_comments=True))


# Attributes the pipeline gives its own elements: in raw HTML they could hide a paragraph
# (class="footnote-backref" is not shown), or take an id the book's contents point to.
PIPELINE_ATTRIBUTE = re.compile(r"""\s(?:id|class|role|epub:type|aria-[\w-]+)\s*=\s*"""
                                r"""(?:"[^"]*"|'[^']*'|[^\s>]*)""", re.IGNORECASE)


def without_pipeline_attributes(raw_html: str) -> str:
    """`raw_html` (what an editor typed) without the attributes the pipeline reserves."""
    return re.sub(r"<[^<>]*>", lambda tag: PIPELINE_ATTRIBUTE.sub("", tag.group(0)), raw_html)


def _followable(href: str | None) -> bool:
    if href is None:
        return True
    scheme = href.split(":", 1)[0].lower() if ":" in href else ""
    return scheme in URL_SCHEMES or INTERNAL_LINK.fullmatch(href) is not None


def _remove(element: etree._Element) -> None:
    """Remove `element`, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# What an editor typed that the cleaning removes, found in the Markdown source so that the
# warning can name the line. Code (indented blocks, fences, `spans`) is left out.
RAW_TAG = re.compile(r"<\s*/?\s*([a-zA-Z][\w-]*)(?=[\s/>])")
RAW_ATTRIBUTES = ((re.compile(r"<[^>]*\son\w+\s*=", re.IGNORECASE),
                   "an event attribute (on...=)"),
                  (re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE), "a style attribute"))
# In a Markdown link's parentheses or an attribute's quotes.
UNSAFE_ADDRESS = re.compile(r"[(\"'=]\s*(?:javascript|vbscript|file|data):", re.IGNORECASE)


def removed_html(body: str) -> list[tuple[int, str]]:
    """(body line number from 0, what) for each piece of raw HTML the cleaning removes."""
    removed = []
    fenced = False
    for number, line in enumerate(body.splitlines()):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced or line.startswith(("    ", "\t")):
            continue
        text = re.sub(r"`[^`]*`", "", line)
        for tag in dict.fromkeys(RAW_TAG.findall(text)):
            if tag.lower() not in ALLOWED_TAGS or tag.lower() == "img":
                removed.append((number, f"<{tag.lower()}>"))
        for pattern, what in RAW_ATTRIBUTES:
            if pattern.search(text):
                removed.append((number, what))
        if UNSAFE_ADDRESS.search(text) and not text.lstrip().startswith("!["):
            removed.append((number, "a javascript:, file: or data: address"))
    return removed
