"""A translation's structure against its French source.

Translations keep the French structure: the same headings, list items, table cells and
paragraphs in the same order, the same numbers and units, the same link targets and images,
with the images' alt text translated. Each difference is one finding with its line.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from .blocks import Block, align, blocks
from .content import Document
from .errors import Finding, excerpt
from .files import shown_path
from .languages import language_name
from .typography import WESTERN_DIGITS

# A bracket escaped in the text ("\\]") is text.
IMAGE = re.compile(r"!\[(?P<alt>(?:\\.|[^\]\\])*)\]\((?P<target>[^)\s]+)[^)]*\)")
LINK = re.compile(r"(?<![!\\])\[(?P<text>(?:\\.|[^\]\\])*)\]\((?P<target>[^)\s]+)[^)]*\)")
# Symbols that every language writes the same way after a number. Words such as "h" or
# "min" are left out: "24 h" is "24 hours" in English.
UNIT_SYMBOLS = r"°C|°F|%|‰|mm|cm|mg|ml|mL|kg|µg|mSv|Gy"
NUMBER = re.compile(rf"(?<![\w.,])(?P<digits>\d+(?:[.,]\d+)*)"
                    rf"(?:[\s\u00a0\u202f]*(?P<unit>{UNIT_SYMBOLS}))?(?!\w)")
MINUS_SIGNS = "-\u2212"


def structure_findings(source: Document, translation: Document, root: Path) -> list[Finding]:
    """Every structural difference between `translation` and its `source`."""
    source_blocks, target_blocks = blocks(source), blocks(translation)
    source_name = shown_path(source.path, root)
    language = language_name(source.lang)
    findings: list[Finding] = []

    def finding(line: int, block: Block | None, message: str) -> None:
        where = f"[{block.section or block.kind_name}] " if block else ""
        findings.append(Finding(translation.path, line, "structure", where + message))

    last_line = translation.body_line  # where a missing block would stand
    for original, block in align(source_blocks, target_blocks):
        if original is not None and block is not None:
            for message in _block_differences(original, block, f"the {language}",
                                              source_name):
                finding(block.line, block, message)
            last_line = block.line
        elif original is not None:
            finding(last_line, original, f"the {language} {_describe(original)} ({source_name}:"
                    f"{original.line}) is missing after this line: \"{excerpt(original.text)}\"")
        elif block is not None:
            finding(block.line, block, f"this {_describe(block)} has no counterpart in the "
                    f"{language} ({source_name}): \"{excerpt(block.text)}\"")
            last_line = block.line
    return sorted(set(findings), key=lambda item: (item.line, item.message))


def _block_differences(original: Block, block: Block, the_source: str,
                       source_name: str) -> list[str]:
    """What differs between a translated block and its original, `the_source` naming the
    source language in a sentence ("the French")."""
    where = f"{source_name}:{original.line}"
    messages = []
    missing = Counter(numbers(original.text)) - Counter(numbers(block.text))
    for number in sorted(missing):
        messages.append(f"'{number}' of {the_source} ({where}) is missing here")
    original_links = [match["target"] for match in LINK.finditer(original.text)]
    links = [match["target"] for match in LINK.finditer(block.text)]
    if original_links != links:
        messages.append(f"links go to {_listed(links)}; {the_source} ({where}) links to "
                        f"{_listed(original_links)}")
    original_images = list(IMAGE.finditer(original.text))
    images = list(IMAGE.finditer(block.text))
    if [m["target"] for m in original_images] != [m["target"] for m in images]:
        messages.append(f"images {_listed([m['target'] for m in images])}; {the_source} "
                        f"({where}) shows {_listed([m['target'] for m in original_images])}")
    else:
        for original_image, image in zip(original_images, images, strict=True):
            alt = image["alt"].strip()
            if alt and alt == original_image["alt"].strip() and re.search(r"[^\W\d_]", alt):
                messages.append(f"the alt text of image '{image['target']}' is not translated: "
                                f"\"{excerpt(alt)}\"")
    return messages


def numbers(text: str) -> list[str]:
    """The numbers of `text`, with their unit symbol, written the same in every language:
    "-70 °C" and "\u221270\u00a0°C" are both "-70 °C", "1,5" is "1.5", Arabic "٢٠٢٦" is
    "2026"."""
    text = LINK.sub(lambda match: match["text"], IMAGE.sub("", text))  # not in addresses
    text = text.translate(WESTERN_DIGITS)
    found = []
    for match in NUMBER.finditer(text):
        before = text[max(match.start() - 2, 0):match.start()]
        # "-70" is negative; the "3" of a range "2-3" is not.
        negative = before[-1:] != "" and before[-1] in MINUS_SIGNS and not before[:-1].isalnum()
        sign = "-" if negative else ""
        digits = match["digits"].replace(",", ".")
        unit = f" {match['unit']}" if match["unit"] else ""
        found.append(f"{sign}{digits}{unit}")
    return found


def _describe(block: Block) -> str:
    name = block.kind_name
    return f"level-{block.level} {name}" if block.level else name


def _listed(items: list[str]) -> str:
    return ", ".join(f"'{item}'" for item in items) if items else "nothing"
