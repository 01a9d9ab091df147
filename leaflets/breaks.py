"""Where a printed line or page may not break, set in a page's HTML before it is laid out.

WeasyPrint breaks lines at spaces, after hyphens, and inside words it hyphenates. Three of
those breaks cost a reader a second look, so the page holds them:

- a compound's own hyphen ending a line ("Posez-/lui", "c'est-à-/dire", "image-/guided")
  reads as a word cut in two: its hyphens become non-breaking hyphens (U+2011, the same
  glyph in the bundled font);
- a paragraph's last word hyphenated leaves a stub alone on the last line ("profes-/seur."):
  it is held whole, with the word before it, in a `<span class="nobreak">`;
- a word the hyphenation dictionary breaks wrongly ("osteoarth-/ritis") gets soft hyphens
  where the language's exceptions, in the table of languages, allow a break, and only
  there (WeasyPrint ignores its dictionary in a text that holds soft hyphens).

And a table or a list of three rows or fewer, split across two pages, reads as two: it is
marked `class="whole"`; the paragraph that announces it ("...plusieurs :") is marked
`class="lead-in"`, so that it never ends a page without it. leaflet.css styles them.

Only text changes and those few elements: WeasyPrint 70 lays out a line badly when an
inline element that does not fit follows a space ("These / procedures can help...", "In
the / lower / back, ..."): it breaks the line at its first space. So the held last word
takes the space before it into its span, and so does every emphasis.
"""

from __future__ import annotations

import re

import lxml.html
from lxml.etree import _Element

from .languages import rules_for

NON_BREAKING_HYPHEN = "\u2011"
SOFT_HYPHEN = "\u00ad"
EXCEPTION_BREAK = "·"  # where an entry of the exceptions may break
COMPOUND = re.compile(r"\w+(?:-\w+)+")
# A paragraph's last word and the space before it: letters first, then its punctuation, a
# no-break space before a French "?" included.
LAST_WORD = re.compile(r"\s*[^\W\d_][\w'\u2019-]*(?:[\u00a0\u202f]?[^\w\s])*(?=\s*$)")
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
PARAGRAPHS = HEADINGS | {"p", "li", "dt", "dd", "td", "th", "figcaption", "caption"}
# Elements that start a block of their own inside a paragraph-like one (a list in an item).
BLOCKS = PARAGRAPHS | {"ul", "ol", "dl", "table", "div", "section", "figure", "blockquote",
                       "header", "footer", "main", "aside", "nav", "tr", "tbody", "thead"}
SKIPPED = {"code", "pre", "kbd", "samp", "script", "style", "svg", "math"}
# Where the stylesheets never hyphenate, a soft hyphen would still be a break; a heading's
# text is also the PDF's bookmarks and running heads, where it would show.
UNHYPHENATED = HEADINGS | {"strong", "b", "th", "td", "header", "figcaption"}
SHORT_BLOCK_ROWS = 3
# Inline elements that can take the space before them with no change a reader sees (a link
# would underline it).
EMPHASIS = {"strong", "em", "b", "i", "span", "abbr", "small", "sup", "sub"}


def hold_breaks(html: str, lang: str) -> str:
    """`html`, a whole page in `lang`, with the breaks above held in its body."""
    document = lxml.html.document_fromstring(html)
    body = document.find("body")
    if body is None:
        return html
    for block in list(body.iter("table", "ul", "ol")):
        rows = block.findall(".//tr") if block.tag == "table" else block.findall("li")
        if len(rows) <= SHORT_BLOCK_ROWS:
            _add_class(block, "whole")
        before = block.getprevious()
        if before is not None and before.tag == "p" and \
                before.text_content().rstrip().endswith(":"):
            _add_class(before, "lead-in")
    # An element with a direction of its own (a language's name in its script, an
    # address) keeps the space before it outside: inside, a right-to-left one would draw
    # it on its far side, and the words would touch.
    for inline in list(body.iter(*EMPHASIS)):
        if inline.get("dir") is None:
            _take_space_before(inline)
    for paragraph in list(body.iter("p", "li", "dt", "dd")):
        if not _in(paragraph, "text", UNHYPHENATED):  # nothing there to hyphenate
            _hold_last_word(paragraph)
    exceptions = _exceptions(rules_for(lang).hyphenation)
    for element, slot in _text_slots(body, within_paragraph=False):
        text = COMPOUND.sub(lambda match: match.group().replace("-", NON_BREAKING_HYPHEN),
                            getattr(element, slot))
        if exceptions is not None and not _in(element, slot, UNHYPHENATED):
            text = exceptions[0].sub(
                lambda match: _with_soft_hyphens(match.group(), exceptions[1]), text)
        setattr(element, slot, text)
    return str(lxml.html.tostring(document, doctype="<!DOCTYPE html>", encoding="unicode"))


def _add_class(element: _Element, name: str) -> None:
    element.set("class", " ".join([*(element.get("class") or "").split(), name]))


def _hold_last_word(paragraph: _Element) -> None:
    for element, slot in reversed(_text_slots(paragraph, within_paragraph=True)):
        text = getattr(element, slot)
        if not re.search(r"[^\W\d_]", text):
            continue  # punctuation or a number after the last word: it cannot end a line
        match = LAST_WORD.search(text)
        if match is not None:
            _wrap(element, slot, match.start(), match.end(), "nobreak")
        return


def _take_space_before(inline: _Element) -> None:
    previous = inline.getprevious()
    parent = inline.getparent()
    if previous is not None:
        before = previous.tail or ""
    elif parent is not None:
        before = parent.text or ""
    else:
        return
    stripped = before.rstrip()
    if stripped == before or not stripped:
        return  # no space before the element, or nothing but space: no line to break
    if previous is not None:
        previous.tail = stripped
    elif parent is not None:
        parent.text = stripped
    inline.text = " " + (inline.text or "")


def _text_slots(element: _Element, within_paragraph: bool) -> list[tuple[_Element, str]]:
    """The (element, "text" or "tail") places holding `element`'s text, in reading order;
    `within_paragraph`: only the paragraph's own text, not that of the blocks it holds.
    Code and the like are left out."""
    slots: list[tuple[_Element, str]] = []
    if element.text:
        slots.append((element, "text"))
    for child in element:
        if isinstance(child.tag, str) and child.tag not in SKIPPED and not (
                within_paragraph and child.tag in BLOCKS):
            slots += _text_slots(child, within_paragraph)
        if child.tail:
            slots.append((child, "tail"))
    return slots


def _in(element: _Element, slot: str, tags: set[str]) -> bool:
    """Whether the text at `slot` of `element` lies inside one of `tags`, or in the title
    band (class title-page)."""
    holder = element if slot == "text" else element.getparent()
    while holder is not None:
        if holder.tag in tags or "title-page" in (holder.get("class") or "").split():
            return True
        holder = holder.getparent()
    return False


def _wrap(element: _Element, slot: str, start: int, end: int, name: str) -> None:
    """Put the text at `start:end` of `element`'s `slot` in a span of class `name`."""
    text = getattr(element, slot)
    span = lxml.html.Element("span", {"class": name})
    span.text, span.tail = text[start:end], text[end:]
    setattr(element, slot, text[:start])
    if slot == "text":
        element.insert(0, span)
    else:
        parent = element.getparent()
        assert parent is not None, "a tail belongs to an element inside the body"
        parent.insert(parent.index(element) + 1, span)


def _exceptions(entries: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """A pattern finding the words of `entries` (whole, in any case), and each word's
    entry."""
    if not entries:
        return None
    words = {entry.replace(EXCEPTION_BREAK, "").lower(): entry for entry in entries}
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(word) for word in
                                             sorted(words, key=len, reverse=True)) + r")\b",
                         re.IGNORECASE)
    return pattern, words


def _with_soft_hyphens(word: str, entries: dict[str, str]) -> str:
    """`word` as written, with a soft hyphen where its entry allows a break."""
    out, index = [], 0
    for part in entries[word.lower()].split(EXCEPTION_BREAK):
        out.append(word[index:index + len(part)])
        index += len(part)
    return SOFT_HYPHEN.join(out)
