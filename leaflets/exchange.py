"""Translations out to the tools translators use, and back: `build.py export` and `import`.

A document's blocks (title, summary, headings, list items, table cells, paragraphs) become
translation units, in order: the French block as source (its inline markup as protected
placeholders, see placeholders.py), the current translation as target, the French file and
line as location, the section heading as context, the approved terms the block uses as a
note. A unit's state says what the translator has to do:

- translated: the French block has not changed since the translation was accepted;
- needs review: it changed (PO: fuzzy, with the previous French as `#|`; XLIFF:
  needs-review-translation), or the target was filled from the translation memory;
- new: no translation yet (empty target).

The translation memory is the language's other accepted translations: a block whose French
occurs in one of them, exactly, is filled with its translation but left to review (a
clinical text is always read again); a close one (75 % alike or more) is offered as a
suggestion (PO: a translator comment; XLIFF: alt-trans).

Import writes a file's translated units back into content/LANG/DOC.md, on the French
document's Markdown skeleton; units still to review, or empty, leave their block as it was
(or missing). A file that does not match the current French, or whose placeholders are
broken, is refused whole, and nothing is written.
"""

from __future__ import annotations

import datetime
import difflib
import io
import re
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

from .blocks import Block, align, block_changes, blocks
from .content import Document, read_document
from .errors import ContentError, LeafletError, raise_if_any
from .files import shown_path, write_all
from .inputs import checked_folder
from .languages import babel_identifier
from .placeholders import (
    Close,
    Open,
    Piece,
    Segments,
    Standalone,
    pieces_from_po,
    po_text,
    segments,
    tag_problems,
    to_markdown,
)
from .project import Project
from .terminology import approved_terms, read_glossary, term_pattern
from .translation import follows_path, with_front_matter, word_count

TRANSLATED, NEEDS_REVIEW, NEW = "translated", "needs-review", "new"
FORMATS = ("po", "xliff")
SIMILAR = 0.75  # a memory entry this alike, or more, is offered as a suggestion
MAX_FILE = 20 * 1024 * 1024  # an exchange file larger than this is no document's
XLIFF_NAMESPACE = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF_SKELETON = ('<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="{namespace}" '
                  'version="1.2"><file original="{original}" source-language="{source}" '
                  'target-language="{target}" datatype="x-markdown"><body/></file></xliff>\n')
# XLIFF states whose target import writes; the others are still to translate or review.
FINAL_STATES = {"translated", "final", "signed-off"}


@dataclass(frozen=True)
class Suggestion:
    target: str  # PO form
    quality: int  # percent alike
    origin: str  # the unit it comes from: limites/12
    source: str  # that unit's French, PO form


@dataclass(frozen=True)
class Unit:
    """One block of a document to translate."""

    id: str  # document/number: cancers/12
    block: Block  # the French block
    source: Segments
    target: str  # PO form; "" when there is none
    state: str  # TRANSLATED, NEEDS_REVIEW or NEW
    location: str  # content/fr/cancers.md:12
    previous: str | None = None  # the French before it changed (PO form)
    terms: tuple[str, ...] = ()  # "Infiltration → injection"
    memory: str = ""  # where the target came from, when the memory filled it
    suggestion: Suggestion | None = None
    counterpart: Block | None = None  # the translation's block, as `import` keeps it

    @property
    def words(self) -> int:
        return word_count(self.source.plain())


@dataclass
class DocumentUnits:
    lang: str
    slug: str
    units: list[Unit]
    source_path: Path

    def words(self, state: str) -> int:
        return sum(unit.words for unit in self.units if unit.state == state)


@dataclass
class Memory:
    """The accepted translations of one language: French block (PO form) to translation."""

    entries: dict[str, tuple[str, str]] = field(default_factory=dict)  # -> (target, origin)

    def exact(self, source: str) -> tuple[str, str] | None:
        return self.entries.get(source)

    def closest(self, source: str) -> Suggestion | None:
        best: Suggestion | None = None
        plain = _plain(source)
        for candidate, (target, origin) in self.entries.items():
            matcher = difflib.SequenceMatcher(None, plain, _plain(candidate), autojunk=False)
            if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
                continue
            quality = matcher.ratio()
            if quality >= SIMILAR and (best is None or quality * 100 > best.quality):
                best = Suggestion(target, int(quality * 100), origin, candidate)
        return best


def _plain(text: str) -> str:
    return "".join(piece for piece in pieces_from_po(text) if isinstance(piece, str))


def document_units(project: Project, lang: str, slug: str,
                   memory: Memory | None = None) -> DocumentUnits:
    """The units of `lang`'s translation of `slug`, the memory filling what is new."""
    publication = project.publication
    source_lang = publication.source_language
    french = project.contents.get(source_lang, slug)
    if french is None:
        raise LeafletError(publication.path, None, f"'{slug}' has no {publication.source_name} "
                           "text to translate")
    translation = project.contents.get(lang, slug)
    french_blocks = blocks(french)
    counterparts = _counterparts(french_blocks, blocks(translation) if translation else [])
    previous = _previous_texts(publication, lang, slug, french_blocks, translation is not None)
    approved = _approved(project, lang)
    units = []
    shown = shown_path(french.path, publication.root)
    for number, block in enumerate((b for b in french_blocks if b.raw), start=1):
        source = block_segments(block)
        counterpart = counterparts.get(id(block))
        target = _target_text(counterpart, source) if counterpart is not None else ""
        state = TRANSLATED if target else NEW
        before = previous.get(id(block))
        if target and before is not None:
            state = NEEDS_REVIEW
        unit = Unit(f"{slug}/{number}", block, source, target, state, f"{shown}:{block.line}",
                    before or None, tuple(_terms_in(block, approved, french.lang)),
                    counterpart=counterpart)
        if not target and memory is not None:
            unit = _from_memory(unit, memory)
        units.append(unit)
    return DocumentUnits(lang, slug, units, french.path)


def block_segments(block: Block) -> Segments:
    """A block's text as pieces: the title and the summary are plain text (no page reads
    Markdown in them), the body's blocks inline Markdown."""
    if block.kind in ("title", "summary"):
        return Segments((block.raw,), {})
    return segments(block.raw)


def _counterparts(french: list[Block], translation: list[Block]) -> dict[int, Block]:
    return {id(source): target for source, target in align(french, translation)
            if source is not None and target is not None and target.raw}


def _target_text(block: Block, source: Segments) -> str:
    """The translation's block in PO form, its tags numbered as the French block's: the
    n-th bold of the translation is the n-th bold of the French. A tag the French block
    has no counterpart for leaves the words alone: the unit then needs its markup again."""
    translated = block_segments(block)
    by_kind: dict[str, list[str]] = {}
    for tag in source.tags.values():
        by_kind.setdefault(tag.kind, []).append(tag.id)
    renumber: dict[str, str] = {}
    seen: dict[str, int] = {}
    for tag in translated.tags.values():
        index = seen.get(tag.kind, 0)
        seen[tag.kind] = index + 1
        candidates = by_kind.get(tag.kind, [])
        if index < len(candidates):
            renumber[tag.id] = candidates[index]
    pieces: list[Piece] = []
    for piece in translated.pieces:
        if isinstance(piece, str):
            pieces.append(piece)
        elif piece.id in renumber:
            pieces.append(type(piece)(renumber[piece.id]))
    return po_text(pieces)


def _previous_texts(publication: Any, lang: str, slug: str, french: list[Block],
                    translated: bool) -> dict[int, str]:
    """For each French block changed since the translation was accepted, its French then
    (PO form); "" for a block added since. Nothing when there is no record."""
    followed_path = follows_path(publication, lang, slug)
    if not translated or not followed_path.exists():
        return {}
    followed = read_document(followed_path, publication.source_language, False, True,
                             publication.root)
    return {id(change.after): block_segments(change.before).po_text()
            if change.before is not None and change.before.raw else ""
            for change in block_changes(blocks(followed), french) if change.after is not None}


def _approved(project: Project, lang: str) -> list[tuple[Any, str]]:
    """The approved terms of `lang`: (the French term's pattern, "French → approved")."""
    from .catalogs import TERMINOLOGY, po_path, read_catalog

    publication = project.publication
    glossary = project.contents.get(publication.source_language, publication.glossary or "")
    if glossary is None:
        return []
    path = po_path(publication, lang, TERMINOLOGY)
    catalog = read_catalog(path, lang, publication.root) if path.exists() else None
    return [(term_pattern(entry.term.source, entry.term.plural,
                          lang=publication.source_language, elision=True),
             f"{entry.term.source} → {entry.singular}")
            for entry in approved_terms(read_glossary(glossary), catalog)
            if entry.singular is not None]


def _terms_in(block: Block, approved: list[tuple[Any, str]], lang: str) -> list[str]:
    return [label for pattern, label in approved if pattern.search(block.text)]


def _from_memory(unit: Unit, memory: Memory) -> Unit:
    source = unit.source.po_text()
    exact = memory.exact(source)
    if exact is not None:
        target, origin = exact
        return replace(unit, target=target, state=NEEDS_REVIEW, previous=None, memory=origin)
    suggestion = memory.closest(source)
    if suggestion is not None:
        return replace(unit, target="", state=NEW, previous=None, suggestion=suggestion)
    return unit


def language_memory(project: Project, lang: str, leave_out: str | None = None) -> Memory:
    """The accepted translations of `lang` (but `leave_out`'s): each French block as it was
    accepted, with the translation of it."""
    publication = project.publication
    memory = Memory()
    for slug in publication.documents:
        translation = project.contents.get(lang, slug)
        followed_path = follows_path(publication, lang, slug)
        if slug == leave_out or translation is None or not followed_path.exists():
            continue
        followed = read_document(followed_path, publication.source_language, False, True,
                                 publication.root)
        french_blocks = [block for block in blocks(followed) if block.raw]
        counterparts = _counterparts(french_blocks, blocks(translation))
        for number, block in enumerate(french_blocks, start=1):
            counterpart = counterparts.get(id(block))
            if counterpart is None:
                continue
            source = block_segments(block)
            target = _target_text(counterpart, source)
            if target and source.po_text() not in memory.entries:
                memory.entries[source.po_text()] = (target, f"{slug}/{number}")
    return memory


# Writing


def export_po(project: Project, units: DocumentUnits, today: datetime.date) -> bytes:
    """The units as a PO file, as gettext writes it (Translate Toolkit's): msgctxt the
    unit's id, the previous French as `#|`."""
    from babel.messages.plurals import get_plural
    from translate.storage import pypo

    publication = project.publication
    french = project.contents.get(publication.source_language, units.slug)
    store = pypo.pofile()
    plural = get_plural(babel_identifier(units.lang))
    store.updateheader(
        add=True, Project_Id_Version=f"{units.slug}.md {(french.version if french else '')}",
        Report_Msgid_Bugs_To=publication.online_url,
        POT_Creation_Date=f"{today.isoformat()} 00:00+0000",
        PO_Revision_Date=f"{today.isoformat()} 00:00+0000",
        Language_Team=f"{units.lang} <{publication.online_url}>", Language=units.lang,
        Plural_Forms=f"nplurals={plural.num_plurals}; plural={plural.plural_expr};",
        X_Generator="build.py export")
    header = store.header()
    if header is not None:
        header.addnote(f"{units.lang} translation of "
                       f"{shown_path(units.source_path, publication.root)}.\n"
                       "Tags such as <1>...</1> and <2/> stand for the French markup "
                       "(emphasis, links, footnote calls):\nkeep each one, around the words "
                       "it marks. `build.py import` writes the entries\nthat are not fuzzy "
                       "back into the translation.", origin="translator")
    for unit in units.units:
        added = store.addsourceunit(unit.source.po_text())
        added.target = unit.target
        added.setcontext(unit.id)
        if unit.memory:
            added.addnote(f"From the translation memory: the same French in {unit.memory}. "
                          "Read it again before removing fuzzy.", origin="translator")
        if unit.suggestion:
            added.addnote(f"Suggestion ({unit.suggestion.quality} % alike, "
                          f"{unit.suggestion.origin}): {unit.suggestion.target}",
                          origin="translator")
        if unit.block.section:
            added.addnote(f"Section: {unit.block.section}", origin="developer")
        added.addnote(f"Kind: {unit.block.kind_name}", origin="developer")
        if unit.terms:
            added.addnote("Approved terms: " + "; ".join(unit.terms), origin="developer")
        added.addlocation(unit.location)
        if unit.state == NEEDS_REVIEW:
            added.markfuzzy()
        if unit.previous:
            added.prev_source = unit.previous
    return bytes(store)


def export_xliff(project: Project, units: DocumentUnits) -> bytes:
    """The units as an XLIFF 1.2 file (Translate Toolkit's), inline markup as <g> and <x>."""
    from translate.storage import xliff
    from translate.storage.placeables import StringElem
    from translate.storage.placeables import xliff as inline

    publication = project.publication
    original = shown_path(units.source_path, publication.root)
    store = xliff.xlifffile.parsestring(XLIFF_SKELETON.format(
        namespace=XLIFF_NAMESPACE, original=escape(original), source=publication.source_language,
        target=units.lang).encode())
    for unit in units.units:
        added = store.addsourceunit("-", filename=original, createifmissing=True)
        added.setid(unit.id)
        tags = unit.source.tags
        added.set_rich_source([StringElem(_elements(list(unit.source.pieces), tags, inline))])
        target_pieces = pieces_from_po(unit.target)
        added.set_rich_target([StringElem(_elements(target_pieces, tags, inline))], units.lang)
        added.set_state_n({TRANSLATED: added.S_TRANSLATED,
                           NEEDS_REVIEW: added.S_NEEDS_REVIEW}.get(unit.state, added.S_EMPTY))
        # The review of the translation is the document's (review: in its front matter),
        # not a unit's: no unit says "approved".
        added.xmlelement.attrib.pop("approved", None)
        target_node = added.getlanguageNode(lang=None, index=1)
        if target_node is not None:
            target_node.set("state", {TRANSLATED: "translated",
                                      NEEDS_REVIEW: "needs-review-translation"}
                            .get(unit.state, "new"))
        added.addlocation(unit.location)
        if unit.block.section:
            added.createcontextgroup("x-section", [("x-section", unit.block.section)],
                                     purpose="information")
        if unit.terms:
            added.addnote("Approved terms: " + "; ".join(unit.terms), origin="developer")
        if unit.memory:
            added.addnote(f"From the translation memory: the same French in {unit.memory}. "
                          "Read it again before marking it translated.", origin="developer")
        if unit.previous:
            added.addnote(f"The French before it changed: {unit.previous}", origin="developer")
        if unit.suggestion:
            added.addalttrans(unit.suggestion.target, origin=unit.suggestion.origin,
                              lang=units.lang, sourcetxt=unit.suggestion.source,
                              matchquality=str(unit.suggestion.quality))
    from lxml import etree

    etree.cleanup_namespaces(store.document)  # the toolkit's stray XLIFF 1.1 declarations
    return bytes(store)


def _elements(pieces: list[Piece], tags: Any, inline: Any) -> list[Any]:
    """Pieces as Translate Toolkit's inline elements: <g> around, <x/> alone."""
    from translate.storage.placeables import StringElem

    root: list[Any] = []
    stack: list[tuple[str, list[Any]]] = []
    current = root
    for piece in pieces:
        if isinstance(piece, str):
            current.append(StringElem(piece))
        elif isinstance(piece, Open):
            stack.append((piece.id, current))
            current = []
        elif isinstance(piece, Close):
            identifier, parent = stack.pop()
            kind = tags[identifier].kind if identifier in tags else "x-unknown"
            parent.append(inline.G(current, id=identifier, xml_attrib={"ctype": kind}))
            current = parent
        else:
            kind = tags[piece.id].kind if piece.id in tags else "x-unknown"
            current.append(inline.X(id=piece.id, xml_attrib={"ctype": kind}))
    return root


# Reading


@dataclass(frozen=True)
class ImportedUnit:
    id: str
    source: str  # PO form
    target: str  # PO form
    final: bool  # translated: import writes it; else it is still to translate or review
    line: int  # in the exchange file


@dataclass(frozen=True)
class ImportedDocument:
    """What `import` did to one translation."""

    path: Path
    written: int  # units whose translation changed
    kept: int  # units still to review or translate, left as they were
    created: bool


def read_exchange_file(path: Path) -> tuple[str, list[ImportedUnit]]:
    """The target language and the units of a PO or XLIFF file. Its text is untrusted: it
    is parsed by gettext's rules or as XML without entities or network access."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE:
            raise LeafletError(path, None, f"{size} bytes: too large for a translation file")
        data = path.read_bytes()
    except OSError as error:
        raise LeafletError(path, None, f"cannot read it ({error.strerror})") from None
    if path.suffix.lower() in (".xlf", ".xliff") or data.lstrip().startswith(b"<"):
        return _read_xliff(path, data)
    return _read_po(path, data)


def _read_po(path: Path, data: bytes) -> tuple[str, list[ImportedUnit]]:
    try:
        catalog = read_po(io.BytesIO(data), abort_invalid=True, charset="utf-8")
    except Exception as error:  # Babel's PoFileError, a bad encoding, a bad header
        raise LeafletError(path, getattr(error, "lineno", None),
                           f"not a PO file that gettext reads: {error}") from None
    lang = str(catalog.locale_identifier or "") if catalog.locale else ""
    units = []
    for message in catalog:
        if not message.id or not isinstance(message.id, str):
            continue
        target = message.string if isinstance(message.string, str) else ""
        units.append(ImportedUnit(str(message.context or ""), message.id, target,
                                  bool(target) and not message.fuzzy, message.lineno or 0))
    return lang, units


def _read_xliff(path: Path, data: bytes) -> tuple[str, list[ImportedUnit]]:
    from lxml import etree
    from translate.storage import xliff

    try:
        store = xliff.xlifffile.parsestring(data)
    except (etree.XMLSyntaxError, ValueError, AssertionError) as error:
        raise LeafletError(path, getattr(error, "lineno", None),
                           f"not an XLIFF 1.2 file: {error}") from None
    files = store.document.getroot().findall(f"{{{store.namespace}}}file")
    langs = {node.get("target-language", "") for node in files}
    if len(langs) != 1:
        raise LeafletError(path, None, "an XLIFF file for one target language is expected "
                           f"(found: {', '.join(sorted(langs)) or 'none'})")
    units = []
    for unit in store.unit_iter():
        element = unit.xmlelement
        target_node = element.find(f"{{{store.namespace}}}target")
        state = target_node.get("state") if target_node is not None else None
        target = po_text(_pieces_of(unit.rich_target)) if target_node is not None else ""
        final = bool(target) and (state is None or state in FINAL_STATES)
        units.append(ImportedUnit(element.get("id", ""), po_text(_pieces_of(unit.rich_source)),
                                  target, final, element.sourceline or 0))
    return langs.pop(), units


def _pieces_of(elements: Any) -> list[Piece]:
    """Translate Toolkit's inline elements as pieces."""
    from translate.storage.placeables import xliff as inline

    pieces: list[Piece] = []

    def walk(element: Any) -> None:
        if isinstance(element, str):
            if pieces and isinstance(pieces[-1], str):
                pieces[-1] += element
            elif element:
                pieces.append(element)
        elif isinstance(element, inline.G):
            pieces.append(Open(str(element.id)))
            for child in element.sub:
                walk(child)
            pieces.append(Close(str(element.id)))
        elif isinstance(element, inline.X | inline.Bx | inline.Ex | inline.Ph):
            pieces.append(Standalone(str(element.id)))
        else:
            for child in element.sub:
                walk(child)

    for element in elements or []:
        walk(element)
    return pieces


def import_file(project: Project, path: Path, today: datetime.date) -> list[ImportedDocument]:
    """Write the translated units of the exchange file at `path` into their translations.
    Everything is checked before anything is written: a unit unknown, of a French text that
    changed since, or with broken placeholders refuses the whole file."""
    publication = project.publication
    file_lang, imported = read_exchange_file(path)
    lang = next((code for code in publication.target_languages
                 if babel_identifier(code).lower() == babel_identifier(file_lang).lower()),
                None)
    if lang is None:
        raise LeafletError(path, None, f"a translation into '{file_lang or 'no language'}': "
                           "not one of the publication's "
                           f"({', '.join(publication.target_languages)})")
    problems: list[LeafletError] = []
    by_slug: dict[str, list[ImportedUnit]] = {}
    for unit in imported:
        slug = unit.id.rsplit("/", 1)[0]
        if slug not in publication.documents or "/" not in unit.id:
            problems.append(LeafletError(path, unit.line, f"unit '{unit.id}' is no unit of "
                                         "this publication's documents"))
            continue
        by_slug.setdefault(slug, []).append(unit)
    writes: list[tuple[Path, bytes]] = []
    report: list[ImportedDocument] = []
    for slug, units in by_slug.items():
        current = {unit.id: unit for unit in document_units(project, lang, slug).units}
        chosen: dict[str, list[Piece]] = {}
        for unit in units:
            known = current.get(unit.id)
            if known is None:
                problems.append(LeafletError(path, unit.line, f"unit '{unit.id}' is not in "
                                             f"the current {publication.source_name} text: "
                                             "export the document again"))
                continue
            if unit.source != known.source.po_text():
                problems.append(LeafletError(path, unit.line, f"unit '{unit.id}': the "
                                             f"{publication.source_name} changed since this "
                                             "file was exported (now: "
                                             f"\"{known.source.po_text()}\"): export again"))
                continue
            if not unit.final:
                continue
            if "\x00" in unit.target or re.search(r"[\x01-\x08\x0b\x0c\x0e-\x1f]",
                                                  unit.target):
                problems.append(LeafletError(path, unit.line, f"unit '{unit.id}': a control "
                                             "character in the translation"))
                continue
            pieces = pieces_from_po(" ".join(unit.target.split()))
            for problem in tag_problems(pieces, known.source.tags):
                problems.append(LeafletError(path, unit.line, f"unit '{unit.id}': {problem}"))
            chosen[unit.id] = pieces
        if problems:
            continue
        result = _rewritten(project, lang, slug, current, chosen, today)
        if result is not None:
            writes.append((result[0].path, result[1].encode("utf-8")))
            report.append(result[0])
        else:
            translation = publication.content_dir / lang / f"{slug}.md"
            report.append(ImportedDocument(translation, 0, sum(
                1 for unit in current.values() if unit.id not in chosen), False))
    raise_if_any(problems)
    for target, _ in writes:
        checked_folder(target, publication.root, ContentError)
    write_all(writes)
    return report


def _rewritten(project: Project, lang: str, slug: str, current: dict[str, Unit],
               chosen: dict[str, list[Piece]],
               today: datetime.date) -> tuple[ImportedDocument, str] | None:
    """The translation of `slug` with the `chosen` units written in, on the French
    document's skeleton; None when nothing changes."""
    publication = project.publication
    french = project.contents.get(publication.source_language, slug)
    assert french is not None, "units came from it"
    translation = project.contents.get(lang, slug)
    french_blocks = [unit.block for unit in current.values()]
    texts: dict[int, str | None] = {}  # French block (by id) -> the translation's Markdown
    written = kept = 0
    for unit in current.values():
        block, counterpart = unit.block, unit.counterpart
        pieces = chosen.get(unit.id)
        if pieces is not None and po_text(pieces) != unit.target:
            plain = block.kind in ("title", "summary")
            texts[id(block)] = "".join(p for p in pieces if isinstance(p, str)) \
                if plain else to_markdown(pieces, unit.source.tags, block.kind == "cell")
            written += 1
        elif block.kind not in ("title", "summary"):  # the front matter keeps its own
            texts[id(block)] = counterpart.raw if counterpart is not None else None
            kept += pieces is None
        else:
            kept += pieces is None
    if not written:
        return None
    path = publication.content_dir / lang / f"{slug}.md"
    if translation is None and not all(id(block) in texts for block in french_blocks
                                       if block.kind in ("title", "summary")):
        raise LeafletError(path, None, "a new translation needs its title and summary: "
                           "translate those units too, then import again")
    text = _skeleton_filled(french, french_blocks, translation, texts, today)
    return ImportedDocument(path, written, kept, translation is None), text


def _skeleton_filled(french: Document, french_blocks: list[Block],
                     translation: Document | None, texts: dict[int, str | None],
                     today: datetime.date) -> str:
    """The French file with the text of each of `french_blocks` (its title, summary and
    translated blocks) replaced by its translation (a block with none left out), under the
    translation's front matter (or a new one, in draft)."""
    source_text = french.path.read_text(encoding="utf-8").removeprefix("\ufeff")
    lines = source_text.splitlines(keepends=True)
    body_start = french.body_line - 1
    by_line: dict[int, list[Block]] = {}
    title = summary = None
    for block in french_blocks:
        if block.kind == "title":
            title = texts.get(id(block))
        elif block.kind == "summary":
            summary = texts.get(id(block))
        elif block.raw:
            by_line.setdefault(block.line, []).append(block)
    body = lines[body_start:]
    for line in sorted(by_line, reverse=True):
        found = by_line[line]
        start, end = line - 1 - body_start, found[0].end - 1 - body_start
        replacement = _block_lines(body[start:end], found, texts)
        body[start:end] = replacement
    # Abbreviations are the language's own: the translation's stay, the French go.
    body = [line for line in body if not line.startswith("*[")]
    if translation is not None:
        own = translation.path.read_text(encoding="utf-8").removeprefix("\ufeff")
        definitions = [line for line in own.splitlines(keepends=True) if line.startswith("*[")]
        if definitions:
            body += ["\n"] if body and body[-1].strip() else []
            body += definitions
    front = _front_matter(french, translation, title, summary, today)
    return front + "".join(body)


def _block_lines(original: list[str], found: list[Block],
                 texts: dict[int, str | None]) -> list[str]:
    """The lines of one French block (or of a table row's cells) with the translation."""
    first = original[0] if original else "\n"
    newline = "\r\n" if first.endswith("\r\n") else "\n"
    if found[0].kind == "cell":
        cells = re.split(r"(?<!\\)\|", first.rstrip("\r\n"))
        # The cells between the outer pipes, in order.
        inner = [index for index, cell in enumerate(cells)
                 if 0 < index < len(cells) - 1 or (cell.strip() and index in (0, len(cells) - 1))]
        for index, block in zip(inner, found, strict=False):
            text = texts.get(id(block))
            cells[index] = f" {text or ''} "
        return ["|".join(cells) + newline, *original[1:]]
    text = texts.get(id(found[0]))
    if text is None:
        return []
    kind = found[0].kind
    if kind == "heading":
        match = re.match(r"\s{0,3}#{1,6}[ \t]+", first)
        if match:
            return [match.group(0) + text + newline]
        return [text + newline, *original[1:]]  # a setext heading keeps its underline
    if kind == "item":
        match = re.match(r"(\s*(?:[-*+]|\d+[.)])[ \t]+)", first)
        prefix = match.group(1) if match else ""
        return [prefix + text + newline]
    match = re.match(r"((?:\s*>)*[ \t]*(?:\[\^[^\]]+\]:[ \t]*)?)", first)
    return [(match.group(1) if match else "") + text + newline]


def _front_matter(french: Document, translation: Document | None, title: str | None,
                  summary: str | None, today: datetime.date) -> str:
    """The translation's front matter: its own, with the title and summary imported, the
    date of this update, and `review: draft` (nobody has reviewed the new text); or a new
    one."""
    if translation is not None:
        text = translation.path.read_text(encoding="utf-8").removeprefix("\ufeff")
        end = text.index("\n---", 3) + len("\n---")
        end = text.index("\n", end) + 1 if "\n" in text[end:] else len(text)
        front = text[:end]
    else:
        front = "---\ntitle: \"\"\nsummary: \"\"\nreview: draft\n---\n"
        if french.pages is not None:
            front = with_front_matter(front, "pages", str(french.pages))
    for key, value in (("title", title), ("summary", summary)):
        if value is not None:
            front = with_front_matter(front, key, _yaml_string(value))
    front = with_front_matter(front, "updated", today.isoformat())
    return with_front_matter(front, "review", "draft")


def _yaml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


# The commands


def export_documents(project: Project, what: str, file_format: str, output: Path | None,
                     today: datetime.date) -> list[str]:
    """`build.py export LANG/DOCUMENT` or `export LANG`: write the files, and say what they
    hold and what the translation memory saves."""
    publication = project.publication
    if file_format not in FORMATS:
        raise LeafletError(None, None, f"--format: {file_format}? (choose po or xliff)")
    lang, _, slug = what.strip("/").partition("/")
    if lang not in publication.target_languages:
        raise LeafletError(None, None, f"'{lang}' is not one of the publication's "
                           f"translations ({', '.join(publication.target_languages)})")
    if slug and slug not in publication.documents:
        raise LeafletError(None, None, f"'{slug}' is not one of the documents "
                           f"({', '.join(publication.documents)})")
    slugs = [slug] if slug else list(publication.documents)
    extension = "po" if file_format == "po" else "xlf"
    lines = []
    saved = suggested = 0
    for name in slugs:
        memory = language_memory(project, lang, leave_out=name)
        units = document_units(project, lang, name, memory)
        data = export_po(project, units, today) if file_format == "po" \
            else export_xliff(project, units)
        default = Path(f"{lang}-{name}.{extension}")
        path = (output / default if output is not None and not slug else output) \
            if output is not None else default
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        counts = {state: sum(1 for unit in units.units if unit.state == state)
                  for state in (TRANSLATED, NEEDS_REVIEW, NEW)}
        words_new = units.words(NEW) + units.words(NEEDS_REVIEW)
        filled = [unit for unit in units.units if unit.memory]
        offered = [unit for unit in units.units if unit.suggestion]
        saved += sum(unit.words for unit in filled)
        suggested += sum(unit.words for unit in offered)
        lines.append(f"wrote {path}: {len(units.units)} units, {counts[TRANSLATED]} "
                     f"translated, {counts[NEEDS_REVIEW]} to review, {counts[NEW]} new "
                     f"({words_new} French words to translate or review)")
        if filled or offered:
            lines.append(f"  translation memory: {len(filled)} unit(s) filled from the "
                         f"other {lang} documents ({sum(u.words for u in filled)} words, "
                         f"to review), {len(offered)} suggestion(s) "
                         f"({sum(u.words for u in offered)} words)")
    if len(slugs) > 1:
        lines.append(f"translation memory, all documents: {saved} words filled (to review), "
                     f"{suggested} words with a suggestion")
    return lines


def export_terms(project: Project, lang: str, file_format: str, output: Path | None) -> Path:
    """`build.py export terminology LANG`: the key terms as TBX or CSV."""
    from .terminology_export import terms_csv, terms_tbx

    publication = project.publication
    if lang not in publication.target_languages:
        raise LeafletError(None, None, f"'{lang}' is not one of the publication's "
                           f"translations ({', '.join(publication.target_languages)})")
    if file_format not in ("tbx", "csv"):
        raise LeafletError(None, None, f"--format: {file_format}? (choose tbx or csv)")
    data = terms_tbx(project, lang) if file_format == "tbx" else terms_csv(project, lang)
    path = output or Path(f"terminology-{lang}.{file_format}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
