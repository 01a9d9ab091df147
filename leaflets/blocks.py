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
from functools import lru_cache

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
    # The block's inline Markdown as written (a footnote's without its "[^1]: "), for the
    # exchange with translation tools; "" for a block of code or raw HTML, which they do
    # not translate.
    raw: str = ""
    end: int = 0  # the line after the block's last one (the body's blocks)

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
    return list(_blocks(document, document.path.read_text(encoding="utf-8")))


# Each check reads the blocks of the same documents (a build checks a translation's
# structure, its terms, its sentences): they are parsed once.
@lru_cache(maxsize=1024)
def _blocks(document: Document, text: str) -> tuple[Block, ...]:
    # line, kind, text, heading level, raw Markdown, end line
    found: list[tuple[int, str, str, int, str, int]] = []
    # The values YAML gives, not the lines: a comment after a title is no part of it.
    for key, value in (("title", document.title), ("summary", document.summary)):
        if value:
            line = front_matter_line(text, key)
            found.append((line, key, printed(value), 0, value, line + 1))
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
            line, end = body + token.map[0], body + token.map[1]
            content = " ".join(part.strip() for part in token.content.splitlines())
            if heading:
                found.append((line, "heading", content, heading, content, end))
                heading = 0
            elif cell:
                found.append((line, "cell", content, 0, content, end))
            elif items and not items[-1]:
                items[-1] = True
                found.append((line, "item", content, 0, content, end))
            elif not DEFINITION.match(content):  # an abbreviation's: prints nothing
                found.append((line, "paragraph", footnote + content, 0, content, end))
                footnote = ""
        elif token.type in ("fence", "code_block", "html_block") and token.map:
            content = " ".join(part.strip() for part in token.content.splitlines())
            found.append((body + token.map[0], "paragraph", content, 0, "",
                          body + token.map[1]))
    # Footnotes come last from the parser: each goes back where it was written.
    found.sort(key=lambda entry: entry[0])
    result: list[Block] = []
    section, section_index = "", 0
    for line, kind, content, level, raw, end in found:
        if kind == "heading":
            section, section_index = printed(content), section_index + 1
        result.append(Block(kind, content, line, section, section_index, level, raw, end))
    # A block that prints nothing (raw HTML the cleaning removes) is no block for a reader.
    return tuple(replace(block, text=shown) for block in result
                 if (shown := printed(block.text)))


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


QUOTATION = re.compile(r'"[^"]*"|«[^»]*»|\u201c[^\u201d]*\u201d')


def unquoted(text: str) -> str:
    """`text` without its quotations: a quoted title is cited as it is, not translated."""
    return QUOTATION.sub(" ", text)


@dataclass(frozen=True)
class BlockChange:
    """A block of a document that differs between two of its versions."""

    kind: str  # "changed", "added" or "removed"
    before: Block | None  # in the old version
    after: Block | None  # in the new one
    old_index: int  # its place among the old blocks (an added one: the block it precedes)


def block_changes(old: list[Block], new: list[Block]) -> list[BlockChange]:
    """What changed from `old` to `new`, block by block, in order. Where blocks were added
    or removed, the others still pair by their kind: a list losing its last item while
    another item changes is one change and one removal, not three changes."""
    changes: list[BlockChange] = []
    texts = difflib.SequenceMatcher(None, [(b.shape, b.text) for b in old],
                                    [(b.shape, b.text) for b in new], autojunk=False)
    for operation, i1, i2, j1, j2 in texts.get_opcodes():
        if operation == "equal":
            continue
        olds, news = old[i1:i2], new[j1:j2]
        shapes = difflib.SequenceMatcher(None, [b.shape for b in olds], [b.shape for b in news],
                                         autojunk=False)
        for inner, k1, k2, l1, l2 in shapes.get_opcodes():
            if inner == "equal":
                changes += [BlockChange("changed", before, after, i1 + k1 + offset)
                            for offset, (before, after)
                            in enumerate(zip(olds[k1:k2], news[l1:l2], strict=True))]
                continue
            changes += [BlockChange("removed", before, None, i1 + k1 + offset)
                        for offset, before in enumerate(olds[k1:k2])]
            changes += [BlockChange("added", None, after, i1 + k1) for after in news[l1:l2]]
    return changes
