"""A block's inline Markdown as text with placeholders, the form translation tools protect.

Emphasis, links, footnote calls, inline code and images are markup a translator must keep
but must not be able to break. A block's text becomes text and numbered tags: a pair
around what the markup holds (emphasis, a link's words, an image's text), or one
standalone tag (a footnote call, code). XLIFF writes them as its own inline elements
(<g id="1">…</g>, <x id="2"/>); PO, which has none, as `<1>…</1>` and `<2/>`, a form that
`import` checks. The tags' Markdown is kept from the French block: a translation gives
words, never markup, and its words are escaped on the way back, so that a "*" or a "<"
typed in a tool is printed as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin


@dataclass(frozen=True)
class Tag:
    """The markup of one inline element of a French block."""

    id: str
    kind: str  # XLIFF's ctype: "bold", "italic", "link", or "x-" for the standalone ones
    opening: str  # written before the element's words, or the whole standalone element
    closing: str | None = None  # None: standalone (nothing inside it is translated)


@dataclass(frozen=True)
class Open:
    id: str


@dataclass(frozen=True)
class Close:
    id: str


@dataclass(frozen=True)
class Standalone:
    id: str


Piece = str | Open | Close | Standalone
PO_TAG = re.compile(r"<(/?)(\d+)(/?)>")


@dataclass(frozen=True)
class Segments:
    """A block's text as pieces, and the markup of its tags."""

    pieces: tuple[Piece, ...]
    tags: dict[str, Tag]

    def po_text(self) -> str:
        return po_text(self.pieces)

    def plain(self) -> str:
        """The words alone, for counting them and matching translations."""
        return "".join(piece for piece in self.pieces if isinstance(piece, str))


def segments(raw: str) -> Segments:
    """The pieces of `raw`, a block's inline Markdown."""
    pieces: list[Piece] = []
    tags: dict[str, Tag] = {}
    opened: list[str] = []

    def new_tag(kind: str, opening: str, closing: str | None = None) -> str:
        identifier = str(len(tags) + 1)
        tags[identifier] = Tag(identifier, kind, opening, closing)
        return identifier

    children = _parser().parseInline(raw, {})[0].children or []
    for token in children:
        kind = token.type
        if kind == "text":
            _add_text(pieces, token.content)
        elif kind == "softbreak":
            _add_text(pieces, " ")
        elif kind in ("strong_open", "em_open", "link_open"):
            identifier = new_tag(*_pair_markup(token))
            opened.append(identifier)
            pieces.append(Open(identifier))
        elif kind in ("strong_close", "em_close", "link_close"):
            pieces.append(Close(opened.pop()))
        elif kind == "image":  # its text (alt) is read out in place of the image
            identifier = new_tag(*_pair_markup(token))
            pieces.append(Open(identifier))
            _add_text(pieces, "".join(child.content for child in token.children or []))
            pieces.append(Close(identifier))
        else:
            pieces.append(Standalone(new_tag(f"x-{kind.replace('_', '-')}",
                                             _standalone_markup(token))))
    return Segments(tuple(pieces), tags)


def _add_text(pieces: list[Piece], text: str) -> None:
    if pieces and isinstance(pieces[-1], str):
        pieces[-1] += text
    else:
        pieces.append(text)


def _pair_markup(token: Token) -> tuple[str, str, str]:
    if token.type in ("link_open", "image"):
        href = str(token.attrs.get("href" if token.type == "link_open" else "src", ""))
        title = token.attrs.get("title")
        shown_title = f' "{_escaped_title(str(title))}"' if title else ""
        if token.type == "image":
            return "x-image", "![", f"]({_escaped_url(href)}{shown_title})"
        return "link", "[", f"]({_escaped_url(href)}{shown_title})"
    return ("bold" if token.type == "strong_open" else "italic"), token.markup, token.markup


def _standalone_markup(token: Token) -> str:
    if token.type == "code_inline":
        fence = token.markup
        padding = " " if token.content.startswith("`") or token.content.endswith("`") else ""
        return f"{fence}{padding}{token.content}{padding}{fence}"
    if token.type == "footnote_ref":
        return f"[^{token.meta['label']}]"
    if token.type == "hardbreak":
        return "\\\n"
    return token.content  # raw HTML, cleaned when the page is made, as in the French


def _escaped_url(url: str) -> str:
    return f"<{url}>" if re.search(r"[\s()]", url) else url


def _escaped_title(title: str) -> str:
    return title.replace("\\", "\\\\").replace('"', '\\"')


@cache
def _parser() -> MarkdownIt:
    # Footnote calls are read as such without their definitions, which are other blocks.
    return MarkdownIt("commonmark").use(footnote_plugin, always_match_refs=True)


def po_text(pieces: tuple[Piece, ...] | list[Piece]) -> str:
    """The pieces as PO writes them: `<1>…</1>` around, `<2/>` alone."""
    out = []
    for piece in pieces:
        if isinstance(piece, Open):
            out.append(f"<{piece.id}>")
        elif isinstance(piece, Close):
            out.append(f"</{piece.id}>")
        elif isinstance(piece, Standalone):
            out.append(f"<{piece.id}/>")
        else:
            out.append(piece)
    return "".join(out)


def pieces_from_po(text: str) -> list[Piece]:
    """The pieces of a PO text with tags; what is not a tag is text."""
    pieces: list[Piece] = []
    position = 0
    for match in PO_TAG.finditer(text):
        closing, identifier, alone = match.groups()
        if closing and alone:
            continue  # "</1/>" is no tag: left as text
        if match.start() > position:
            _add_text(pieces, text[position:match.start()])
        pieces.append(Standalone(identifier) if alone else
                      Close(identifier) if closing else Open(identifier))
        position = match.end()
    if position < len(text):
        _add_text(pieces, text[position:])
    return pieces


def tag_problems(pieces: list[Piece] | tuple[Piece, ...], tags: dict[str, Tag]) -> list[str]:
    """What is wrong with a translation's tags against the French block's `tags`: each
    must be there once, as it is in the French (a pair or alone), and pairs must nest."""
    problems = []
    seen: list[str] = []
    opened: list[str] = []
    for piece in pieces:
        if isinstance(piece, str):
            continue
        tag = tags.get(piece.id)
        if tag is None:
            problems.append(f"placeholder {piece.id} is not in the source text")
            continue
        if isinstance(piece, Standalone) != (tag.closing is None):
            problems.append(f"placeholder {piece.id} must be written "
                            f"{'alone' if tag.closing is None else 'as a pair'}, as in the "
                            f"source text")
        if isinstance(piece, Open | Standalone):
            if piece.id in seen:
                problems.append(f"placeholder {piece.id} is there twice")
            seen.append(piece.id)
        if isinstance(piece, Open):
            opened.append(piece.id)
        elif isinstance(piece, Close):
            if not opened or opened[-1] != piece.id:
                problems.append(f"placeholder {piece.id} is closed where it is not open")
            else:
                opened.pop()
    problems += [f"placeholder {identifier} is opened and never closed"
                 for identifier in opened]
    missing = [identifier for identifier in tags if identifier not in seen]
    if missing:
        problems.append(f"placeholder(s) {', '.join(missing)} missing: every one of the "
                        f"source text must be kept")
    return problems


def to_markdown(pieces: list[Piece] | tuple[Piece, ...], tags: dict[str, Tag],
                in_table: bool = False) -> str:
    """The translation's Markdown: its words escaped, the French block's markup around
    them. The caller has checked the tags (tag_problems)."""
    out = []
    for piece in pieces:
        if isinstance(piece, Open):
            out.append(tags[piece.id].opening)
        elif isinstance(piece, Close):
            out.append(tags[piece.id].closing or "")
        elif isinstance(piece, Standalone):
            out.append(tags[piece.id].opening)
        else:
            out.append(escape_markdown(piece, in_table))
    text = "".join(out)
    # What would start another kind of block at the start of a line stays text.
    return re.sub(r"^(\s*)([#>+\-=]|\d+(?=[.)]))", lambda m: m.group(1) + (
        m.group(2) + "\\" if m.group(2)[0].isdigit() else "\\" + m.group(2)), text)


def escape_markdown(text: str, in_table: bool = False) -> str:
    """`text` as Markdown that prints it as it is: the marks of emphasis, links, code and
    HTML escaped."""
    text = re.sub(r"([\\`*_\[\]])", r"\\\1", text)
    text = re.sub(r"&(?=#?\w+;)", "&amp;", text)
    text = re.sub(r"<(?=[A-Za-z/!?])", "&lt;", text)
    if in_table:
        text = text.replace("|", "\\|")
    return text
