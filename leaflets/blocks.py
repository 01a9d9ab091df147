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
    """The document's title, summary, headings, list items, table cells and paragraphs."""
    found: list[Block] = []
    text = document.path.read_text(encoding="utf-8")
    # The values YAML gives, not the lines: a comment after a title is no part of it.
    for key, value in (("title", document.title), ("summary", document.summary)):
        if value:
            found.append(Block(key, printed(value), front_matter_line(text, key), "", 0))
    section, section_index, paragraph = "", 0, None
    for offset, line in enumerate(document.body.splitlines()):
        number = document.body_line + offset
        stripped = line.strip()
        if not stripped:
            paragraph = None
            continue
        if DEFINITION.match(stripped):  # an abbreviation's or a link's: prints nothing
            paragraph = None
            continue
        if heading := re.match(r"(#+) +(.*)", stripped):
            section, section_index = printed(heading.group(2)), section_index + 1
            found.append(Block("heading", section, number, section, section_index,
                               len(heading.group(1))))
            paragraph = None
        elif item := re.match(r"(?:[-*+]|\d+\.) +(.*)", stripped):
            found.append(Block("item", item.group(1), number, section, section_index))
            paragraph = len(found) - 1
        elif stripped.startswith("|"):
            if not re.fullmatch(r"[|:\-\s]+", stripped):
                found += [Block("cell", cell.strip(), number, section, section_index)
                          for cell in stripped.strip("|").split("|")]
            paragraph = None
        elif paragraph is not None:
            previous = found[paragraph]
            found[paragraph] = replace(previous, text=f"{previous.text} {stripped}")
        else:
            found.append(Block("paragraph", stripped, number, section, section_index))
            paragraph = len(found) - 1
    # A block that prints nothing (raw HTML the cleaning removes) is no block for a reader.
    return [replace(block, text=text) for block in found if (text := printed(block.text))]


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
            pairs += zip(source[i1:i2], target[j1:j2])
            continue
        shaped = difflib.SequenceMatcher(None, [block.shape for block in source[i1:i2]],
                                         [block.shape for block in target[j1:j2]],
                                         autojunk=False)
        for inner, k1, k2, l1, l2 in shaped.get_opcodes():
            if inner == "equal":
                pairs += zip(source[i1 + k1:i1 + k2], target[j1 + l1:j1 + l2])
            else:
                pairs += [(block, None) for block in source[i1 + k1:i1 + k2]]
                pairs += [(None, block) for block in target[j1 + l1:j1 + l2]]
    return pairs


def _key(block: Block) -> tuple[str, tuple[str, ...]]:
    return block.shape, tuple(SKELETON.findall(block.text))


def unquoted(text: str) -> str:
    """`text` without its quotations: a quoted title is cited as it is, not translated."""
    return re.sub(r'"[^"]*"|«[^»]*»|\u201c[^\u201d]*\u201d', " ", text)
