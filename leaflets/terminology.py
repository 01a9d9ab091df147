"""The key terms: read from the French glossary, approved per language in a gettext catalog,
and checked in every translation.

The glossary's `## ` headings are the terms, each followed by its definition; a countable term
gives its plural after a slash (`## Infiltration / infiltrations`), which the printed glossary
does not show. locales/LANG/LC_MESSAGES/terminology.po holds the approved rendering of each
term; a translator comment `# forbidden: a; b` lists renderings that must not be used.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog

from .blocks import Block, blocks, unquoted
from .content import Document
from .errors import Finding
from .files import shown_path
from .languages import form_pattern, language_name, rules_for
from .markup import Heading, TermLink

DOMAIN = "terminology"
FORBIDDEN_PREFIX = "forbidden:"
HEADING = re.compile(r"^## +(?P<term>[^/]+?)(?: */ *(?P<plural>.+?))? *$")
SPACE = r"[\s\u00a0\u202f-]+"


@dataclass(frozen=True)
class Term:
    """A key term of the French glossary."""

    source: str  # canonical French form, singular
    plural: str | None
    definition: str
    line: int  # of its heading in the glossary file


@dataclass(frozen=True)
class ApprovedTerm:
    """A term's approved rendering in one language, from that language's catalog."""

    term: Term
    singular: str | None  # None: no approved rendering yet (empty or fuzzy msgstr)
    plural: str | None
    forbidden: tuple[str, ...]
    catalog_line: int
    forms: tuple[str, ...] = ()  # every form the catalog gives (Arabic's six among them)


def read_glossary(document: Document) -> list[Term]:
    """The terms of a glossary document, in the file's order."""
    terms: list[Term] = []
    lines = document.body.splitlines()
    for index, line in enumerate(lines):
        match = HEADING.match(line)
        if not match:
            continue
        definition: list[str] = []
        for following in lines[index + 1:]:
            if following.startswith("#"):
                break
            definition.append(following.strip())
        terms.append(Term(match["term"].strip(), (match["plural"] or "").strip() or None,
                          " ".join(part for part in definition if part),
                          document.body_line + index))
    return terms


def glossary_for_readers(document: Document) -> Document:
    """The glossary as readers see it: entries in alphabetical order, singular headings only
    (`## Infiltration / infiltrations` shows `Infiltration`)."""
    lines = document.body.splitlines()
    starts = [index for index, line in enumerate(lines) if HEADING.match(line)]
    if not starts:
        return document
    entries = []
    for start, end in zip(starts, [*starts[1:], len(lines)], strict=True):
        heading = HEADING.match(lines[start])
        assert heading is not None, "starts are the heading lines"
        term = heading["term"].strip()
        body = "\n".join(lines[start + 1:end]).strip("\n")
        entries.append((collation_key(term, document.lang),
                        f"## {term}\n\n{body}\n"))
    preamble = "\n".join(lines[:starts[0]]).strip("\n")
    ordered = "\n".join(text for _, text in sorted(entries))
    return replace(document, body=(f"{preamble}\n\n" if preamble else "") + ordered)


def collation_key(text: str, lang: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Dictionary order in `lang`: the Unicode Collation Algorithm with its default table
    (CLDR's root order: accents and case count only to break ties, so that "Échographie"
    sorts with the e's), the language's tailoring (LanguageRules.sorts_with), and the
    article a word starts with passed over, as Arabic dictionaries do ("التخدير" under ت)."""
    rules = rules_for(lang)
    if rules.article and text.startswith(rules.article) and len(text) > len(rules.article):
        text = text[len(rules.article):]
    collator = _collator()
    tailored = "".join(rules.sorts_with.get(char, char) for char in text)
    return collator.sort_key(tailored), collator.sort_key(text)


@cache
def _collator() -> Any:
    """pyuca's collator, its table read once per process (a tenth of a second)."""
    from pyuca.collator import Collator_10_0_0

    return Collator_10_0_0()


def approved_terms(terms: list[Term], catalog: Catalog | None) -> list[ApprovedTerm]:
    """Each term with its approved rendering in `catalog`'s language."""
    approved = []
    for term in terms:
        message = catalog.get(term.source) if catalog is not None else None
        singular = plural = None
        forms: tuple[str, ...] = ()
        forbidden: tuple[str, ...] = ()
        line = 0
        if message is not None:
            line = message.lineno or 0
            strings = (message.string,) if isinstance(message.string, str) else \
                tuple(message.string or ())
            if strings and all(strings) and not message.fuzzy:
                # Which form is the singular, which the plural, the catalog's own rule
                # says: Arabic's msgstr[1] is for one, msgstr[0] for none.
                assert catalog is not None, "a message comes from a catalog"
                index = plural_index(catalog) if len(strings) > 1 else (lambda n: 0)
                singular = strings[min(index(1), len(strings) - 1)]
                plural = strings[min(index(5), len(strings) - 1)] if len(strings) > 1 \
                    else None
                forms = tuple(dict.fromkeys(strings))
            for comment in message.user_comments:
                if comment.strip().lower().startswith(FORBIDDEN_PREFIX):
                    variants = comment.strip()[len(FORBIDDEN_PREFIX):].split(";")
                    forbidden += tuple(v.strip() for v in variants if v.strip())
        approved.append(ApprovedTerm(term, singular, plural, forbidden, line,
                                     forms if singular is not None else ()))
    return approved


def plural_index(catalog: Catalog) -> Callable[[int], int]:
    """The catalog's plural rule (its Plural-Forms header) as a function of the count."""
    return gettext.c2py(catalog.plural_expr)


def term_links(forms: list[tuple[str, str | None]], lang: str, entries: tuple[Heading, ...],
               glossary_href: str) -> tuple[TermLink, ...]:
    """Links from each term's uses to its entry: `forms` are the (singular, plural) of the
    terms in `lang`, `entries` the headings of that language's glossary. A term whose
    entry is missing is not linked (the check reports the heading that differs)."""
    anchors = {entry.text.casefold(): entry.anchor for entry in entries}
    return tuple(TermLink(term_pattern(singular, plural, lang=lang),
                          f"{glossary_href}#{anchor}")
                 for singular, plural in forms
                 if (anchor := anchors.get(singular.casefold())) is not None)


@lru_cache(maxsize=4096)  # the same terms, looked for in every document
def term_pattern(*forms: str | None, lang: str, elision: bool = False) -> re.Pattern[str]:
    """A case-insensitive pattern for whole-word uses of `forms`, words of `lang`, each
    word's plural included (with `elision`, an elided word glued before it too).

    A form inside a longer word does not match ("infiltration" in "infiltrations" does, with
    its plural; "ablation" in "cryoablation" does not).
    """
    rules = rules_for(lang)
    alternatives = [form_pattern(form, rules, between=SPACE) for form in filter(None, forms)]
    prefix = f"(?:{rules.elision})?" if elision and rules.elision else ""
    return re.compile(rf"(?<![\w-]){prefix}(?:{'|'.join(alternatives)})(?![\w])",
                      re.IGNORECASE)


def check_translation(source: Document, translation: Document,
                      approved: list[ApprovedTerm], root: Path) -> list[Finding]:
    """Findings for one translated document: key terms not rendered as approved, and
    forbidden variants wherever they appear."""
    findings: list[Finding] = []
    source_blocks, target_blocks = blocks(source), blocks(translation)
    pairs = _aligned(source_blocks, target_blocks)
    if pairs is None:
        findings.append(Finding(translation.path, translation.body_line, "structure",
                                f"blocks do not match the {language_name(source.lang)} one to "
                                "one: key terms are checked section by section", "warning"))
        pairs = _aligned_by_section(source_blocks, target_blocks)
    source_name = shown_path(source.path, root)
    # Each French block as the terms are looked for in it: once, not once for each term.
    read = [(unquoted(source_block.text), source_block, target_block)
            for source_block, target_block in pairs]
    for entry in approved:
        if entry.singular is None:
            continue
        used = term_pattern(entry.term.source, entry.term.plural, lang=source.lang,
                            elision=True)
        expected = term_pattern(*(entry.forms or (entry.singular, entry.plural)),
                                lang=translation.lang)
        # A forbidden rendering is one finding, where it stands: not also a missing term.
        forbidden_in: set[int] = set()
        if entry.forbidden:
            forbidden = term_pattern(*entry.forbidden, lang=translation.lang)
            for block in target_blocks:
                if match := forbidden.search(block.text):
                    forbidden_in.add(id(block))
                    findings.append(Finding(
                        translation.path, block.line, "forbidden",
                        f"[{block.section or block.kind}] '{match.group(0)}' must not be used "
                        f"for '{entry.term.source}': write '{entry.singular}'"))
        for source_text, source_block, target_block in read:
            if id(target_block) in forbidden_in:
                continue
            if (match := used.search(source_text)) \
                    and not expected.search(target_block.text):
                findings.append(Finding(
                    translation.path, target_block.line, "term",
                    f"[{target_block.section or target_block.kind}] '{entry.term.source}' "
                    f"({source_name}:{source_block.line}): expected '{entry.singular}', "
                    f"found: \"{_around(target_block.text, match.start(), source_block.text)}\""))
    return sorted(set(findings), key=lambda finding: (finding.line, finding.message))


def _around(text: str, position: int, source: str, width: int = 70) -> str:
    """The part of a translated block where the term should be: around the same share of
    the text as the term's place in the French block (a translation keeps the order of
    its sentences), so that the word used instead shows."""
    if len(text) <= width:
        return text
    middle = round(position / max(len(source), 1) * len(text))
    start = max(0, min(middle - width // 2, len(text) - width))
    start = text.rfind(" ", 0, start) + 1 if start else 0  # from a word's start
    end = min(len(text), start + width)
    end = text.find(" ", end) if text.find(" ", end) != -1 else len(text)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def untranslated_findings(approved: list[ApprovedTerm], catalog_path: Path) -> list[Finding]:
    """One finding per term that has no approved rendering yet in a language."""
    return [Finding(catalog_path, entry.catalog_line or 1, "untranslated",
                    f"'{entry.term.source}' has no approved translation yet (empty or fuzzy): "
                    "its uses are not checked", "warning")
            for entry in approved if entry.singular is None]


def _aligned(source: list[Block], target: list[Block]) -> list[tuple[Block, Block]] | None:
    if [block.shape for block in source] != [block.shape for block in target]:
        return None
    return list(zip(source, target, strict=True))


def _aligned_by_section(source: list[Block], target: list[Block]) -> list[tuple[Block, Block]]:
    """Pairs of whole sections (a section as one block) when blocks do not align."""
    def sections(found: list[Block]) -> list[Block]:
        merged: dict[int, Block] = {}
        for block in found:
            if block.section_index in merged:
                first = merged[block.section_index]
                merged[block.section_index] = replace(first, text=f"{first.text} {block.text}")
            else:
                merged[block.section_index] = replace(block, kind="section")
        return list(merged.values())

    def whole(found: list[Block]) -> Block:
        return replace(found[0], text=" ".join(block.text for block in found))

    source_sections, target_sections = sections(source), sections(target)
    if len(source_sections) != len(target_sections):
        return [(whole(source_sections), whole(target_sections))]
    return list(zip(source_sections, target_sections, strict=True))
