"""The blocks of a document (title, summary, headings, list items, table cells, paragraphs)
and how a translation's blocks line up with its French source's.

Translations keep the French structure, so their blocks pair one to one; the pairing below
also copes with a translation that drops or adds a block, so that checks and diffs can say
which one.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from .characters import matching_form
from .content import Document, front_matter_line
from .sanitise import visible_text

# The Markdown marks and numbers of a block, the same in every language: they tell apart
# blocks of the same kind ("- you bring your *scans*" is the French "- vos *examens*").
SKELETON = re.compile(r"\*\*|\*|`|!\[|\]\(|\[\^|\d+")
KIND_NAMES = {"item": "list item", "cell": "table cell"}  # the others read as they are
# Markdown definitions, which no page prints: "*[HTML]: ..." and "[label]: address".
DEFINITION = re.compile(r"\*\[[^\]]+\]:|\[(?!\^)[^\]]+\]:\s*\S")


@dataclass(frozen=True)
class Block:
    """A unit of a document that a translation renders one to one."""

    kind: str  # "title", "summary", "heading", "item", "cell" or "paragraph"
    text: str
    line: int
    section: str  # the heading above it ("" before the first)
    section_index: int
    level: int = 0  # headings: 2 for ##

    @property
    def shape(self) -> str:
        """What the block is, for matching a translation's structure: "heading 2", "item"."""
        return f"{self.kind} {self.level}" if self.level else self.kind

    @property
    def kind_name(self) -> str:
        """The kind in a sentence for the user: "list item", "paragraph"."""
        return KIND_NAMES.get(self.kind, self.kind)


def blocks(document: Document) -> list[Block]:
    """The document's title, summary, headings, list items, table cells and paragraphs, in
    the order of the file, each with its line.

    The body is parsed by markdown-it-py, whose tokens carry their source lines: a line
    that looks like a heading inside a fenced block, or a footnote, is what a Markdown
    reader makes of it."""
    found: list[tuple[int, str, str, int]] = []  # line, kind, text, heading level
    text = document.path.read_text(encoding="utf-8")
    # The values YAML gives, not the lines: a comment after a title is no part of it.
    for key, value in (("title", document.title), ("summary", document.summary)):
        if value:
            found.append((front_matter_line(text, key), key, printed(value), 0))
    body = document.body_line
    items: list[bool] = []  # for each list item we are in: has its first paragraph come?
    heading, cell, footnote = 0, False, ""
    for token in _parser().parse(document.body):
        if token.type in ("th_open", "td_open", "th_close", "td_close"):
            cell = token.type.endswith("_open")
        elif token.type == "list_item_open":
            items.append(False)
        elif token.type == "list_item_close":
            items.pop()
        elif token.type == "heading_open":
            heading = int(token.tag[1:])
        elif token.type == "footnote_open":
            footnote = f"[^{token.meta['label']}]: "  # as written: its marks align it
        elif token.type == "footnote_close":
            footnote = ""
        elif token.type == "inline" and token.map:
            line = body + token.map[0]
            content = " ".join(part.strip() for part in token.content.splitlines())
            if heading:
                found.append((line, "heading", content, heading))
                heading = 0
            elif cell:
                found.append((line, "cell", content, 0))
            elif items and not items[-1]:
                items[-1] = True
                found.append((line, "item", content, 0))
            elif not DEFINITION.match(content):  # an abbreviation's: prints nothing
                found.append((line, "paragraph", footnote + content, 0))
                footnote = ""
        elif token.type in ("fence", "code_block", "html_block") and token.map:
            content = " ".join(part.strip() for part in token.content.splitlines())
            found.append((body + token.map[0], "paragraph", content, 0))
    # Footnotes come last from the parser: each goes back where it was written.
    found.sort(key=lambda entry: entry[0])
    result: list[Block] = []
    section, section_index = "", 0
    for line, kind, content, level in found:
        if kind == "heading":
            section, section_index = printed(content), section_index + 1
        result.append(Block(kind, content, line, section, section_index, level))
    # A block that prints nothing (raw HTML the cleaning removes) is no block for a reader.
    return [replace(block, text=shown) for block in result if (shown := printed(block.text))]


def _parser() -> MarkdownIt:
    # Python-Markdown's tables and footnotes, which the pages use, are read as such.
    return MarkdownIt("commonmark").enable("table").use(footnote_plugin)


def printed(text: str) -> str:
    """A block's text as the checks read it: what the reader sees, invisible characters
    left out."""
    return matching_form(visible_text(text))


def align(source: list[Block], target: list[Block]) -> list[tuple[Block | None, Block | None]]:
    """Pair the blocks of a French document and of its translation, in order.

    Blocks pair by shape and Markdown skeleton, then, where those differ, by shape alone; a
    block with no counterpart is paired with None.
    """
    pairs: list[tuple[Block | None, Block | None]] = []
    keyed = difflib.SequenceMatcher(None, [_key(block) for block in source],
                                    [_key(block) for block in target], autojunk=False)
    for operation, i1, i2, j1, j2 in keyed.get_opcodes():
        if operation == "equal":
            pairs += zip(source[i1:i2], target[j1:j2], strict=True)
            continue
        shaped = difflib.SequenceMatcher(None, [block.shape for block in source[i1:i2]],
                                         [block.shape for block in target[j1:j2]],
                                         autojunk=False)
        for inner, k1, k2, l1, l2 in shaped.get_opcodes():
            if inner == "equal":
                pairs += zip(source[i1 + k1:i1 + k2], target[j1 + l1:j1 + l2],
                             strict=True)
            else:
                pairs += [(block, None) for block in source[i1 + k1:i1 + k2]]
                pairs += [(None, block) for block in target[j1 + l1:j1 + l2]]
    return pairs


def _key(block: Block) -> tuple[str, tuple[str, ...]]:
    return block.shape, tuple(SKELETON.findall(block.text))


def unquoted(text: str) -> str:
    """`text` without its quotations: a quoted title is cited as it is, not translated."""
    return re.sub(r'"[^"]*"|«[^»]*»|\u201c[^\u201d]*\u201d', " ", text)
