"""The gettext catalogs of the templates' labels, managed with Babel.

locales/messages.pot holds the French labels of the templates and the book's texts from the
publication file; locales/LANG/LC_MESSAGES/messages.po their translations. Catalogs are read
straight from the .po files at build time, so a build never uses a stale .mo.
"""

from __future__ import annotations

import datetime
import gettext
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po, write_po
from babel.support import Translations

from .characters import first_unprintable
from .config import PUBLICATION_FILE, Publication
from .content import read_document
from .errors import CatalogError, Finding, excerpt, raise_if_any
from .files import write_all
from .inputs import checked_folder, read_input, read_input_text
from .languages import babel_identifier
from .terminology import read_glossary

DOMAIN = "messages"
TERMINOLOGY = "terminology"
TEMPLATE_PATTERNS = ("*.html", "*.xhtml")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}
PROJECT = "Algoradiologie interventionnelle - patient leaflets"
HEADER = """\
# Translations template for PROJECT.
# The labels of the templates, and the book's and department's texts from publication.yml.
# Copyright (C) YEAR ORGANIZATION
# Update with `python build.py catalogs`; translate with any PO editor.
#"""
TERMINOLOGY_HEADER = """\
# Translations template for PROJECT: the key terms.
# Made from the French glossary; msgstr is the approved term.
# A translator comment "# forbidden: a; b" lists renderings not to use.
# Copyright (C) YEAR ORGANIZATION
#"""


@dataclass(frozen=True)
class CatalogChange:
    """What `update_catalogs` did to one file."""

    path: Path
    action: str  # "created", "updated" or "unchanged"


def template_path(publication: Publication, domain: str = DOMAIN) -> Path:
    return publication.locales_dir / f"{domain}.pot"


def po_path(publication: Publication, lang: str, domain: str = DOMAIN) -> Path:
    return publication.locales_dir / lang / "LC_MESSAGES" / f"{domain}.po"


def extract_messages(publication: Publication) -> Catalog:
    """Collect the labels of every template and the book's texts into a template catalog."""
    catalog = _new_catalog(publication, None)
    for pattern in TEMPLATE_PATTERNS:
        for path in sorted(publication.templates_dir.glob(pattern)):
            relative = path.relative_to(publication.root).as_posix()
            found = extract_from_file("jinja2.ext:babel_extract", path, keywords=KEYWORDS,
                                      comment_tags=("TRANSLATORS:",),
                                      options={"extensions": "jinja2.ext.i18n",
                                               "trimmed": "true"})
            for line, message, comments, context in found:
                catalog.add(message, locations=[(relative, line)], auto_comments=comments,
                            context=context)
    for text, line in publication.book_messages():
        catalog.add(text, locations=[(PUBLICATION_FILE, line)],
                    auto_comments=["Book metadata (title page, e-book, PDF properties)"])
    for text, line in publication.department_messages():
        catalog.add(text, locations=[(PUBLICATION_FILE, line)],
                    auto_comments=["The department's details (contact box on every leaflet)"])
    return catalog


def extract_terminology(publication: Publication) -> Catalog | None:
    """The key terms of the French glossary as a template catalog (None without a glossary).

    msgid is the canonical French term (msgid_plural its plural), the definition an
    extracted comment, the reference the glossary heading's line.
    """
    if publication.glossary is None:
        return None
    path = publication.content_dir / publication.source_language / f"{publication.glossary}.md"
    relative = path.relative_to(publication.root).as_posix()
    catalog = _new_catalog(publication, None, TERMINOLOGY_HEADER)
    for term in read_glossary(read_document(path, publication.source_language, False,
                                                   root=publication.root)):
        catalog.add((term.source, term.plural) if term.plural else term.source,
                    locations=[(relative, term.line)], auto_comments=[term.definition])
    return catalog


def update_catalogs(publication: Publication,
                    now: datetime.datetime | None = None) -> list[CatalogChange]:
    """Extract the templates, then update and compile every target language's catalogs:
    every file is written, or none (a problem found in any leaves them all as they were).

    Files are rewritten only when their messages change, so a catalog run that changes
    nothing leaves no diff. Changed msgids become fuzzy with the previous msgid kept.
    """
    changes, files = catalog_files(publication, now)
    write_all(files)
    return changes


def _carry_renamed_terms(catalog: Catalog) -> None:
    """A French term renamed in the glossary (its heading changed, its definition kept)
    keeps its approved translation, as fuzzy with the old term as previous msgid, for the
    translators to confirm: it is not left obsolete with a new, empty entry."""
    for old_id, old in list(catalog.obsolete.items()):
        if not old.string or not old.auto_comments:
            continue
        renamed = next((message for message in catalog
                        if message.id and not message.string
                        and message.auto_comments == old.auto_comments), None)
        if renamed is None:
            continue
        renamed.string = old.string
        renamed.flags.add("fuzzy")
        renamed.previous_id = [old.id] if isinstance(old.id, str) else list(old.id)
        renamed.user_comments = list(old.user_comments)  # its forbidden renderings
        del catalog.obsolete[old_id]


def catalog_files(publication: Publication, now: datetime.datetime | None = None
                  ) -> tuple[list[CatalogChange], list[tuple[Path, bytes]]]:
    """What `update_catalogs` would do, and the files it would write: nothing is written."""
    now = now or datetime.datetime.now(datetime.UTC)
    templates = {DOMAIN: extract_messages(publication),
                 TERMINOLOGY: extract_terminology(publication)}
    changes: list[CatalogChange] = []
    files: list[tuple[Path, bytes]] = []
    for domain, template in templates.items():
        if template is None:
            continue
        changes.append(_changed(template_path(publication, domain), template, now,
                                publication.root, files))
        for lang in publication.target_languages:
            path = po_path(publication, lang, domain)
            if path.exists():
                catalog = read_catalog(path, lang, publication.root)
                catalog.update(template, update_header_comment=False,
                               update_creation_date=False)
                if domain == TERMINOLOGY:
                    _carry_renamed_terms(catalog)
            else:
                catalog = _new_catalog(publication, lang, template.header_comment)
                catalog.update(template)
            changes.append(_changed(path, catalog, now, publication.root, files))
            buffer = io.BytesIO()
            write_mo(buffer, catalog)  # fuzzy entries left out, as msgfmt does
            checked_folder(path, publication.root, CatalogError)
            files.append((path.with_suffix(".mo"), buffer.getvalue()))
    return changes, files


def load_terminology(publication: Publication, lang: str) -> Catalog | None:
    """The approved terms of `lang` (None when it has no terminology catalog)."""
    path = po_path(publication, lang, TERMINOLOGY)
    if not path.exists() and not path.is_symlink():
        return None
    catalog = read_catalog(path, lang, publication.root)
    raise_if_any(message_errors(catalog, path))
    return catalog


def _new_catalog(publication: Publication, lang: str | None, header: str = "") -> Catalog:
    return Catalog(locale=babel_identifier(lang) if lang else None,
                   header_comment=header or HEADER, project=PROJECT, version="1.0",
                   copyright_holder=publication.book.publisher,
                   msgid_bugs_address=publication.online_url,
                   language_team=f"{lang} <{publication.online_url}>" if lang else None,
                   charset="utf-8", fuzzy=False)


def _changed(path: Path, catalog: Catalog, now: datetime.datetime, root: Path,
             files: list[tuple[Path, bytes]]) -> CatalogChange:
    """Add `catalog` to `files` unless only its dates would change; stamp the dates when
    it does."""
    existed = path.exists()
    if existed:
        previous = read_catalog(path, None, root)
        catalog.creation_date = previous.creation_date
        catalog.revision_date = previous.revision_date
        if _serialise(catalog) == read_input(path, root, CatalogError):
            return CatalogChange(path, "unchanged")
    if catalog.locale is None:
        catalog.creation_date = now  # POT-Creation-Date: when the template last changed
    else:
        catalog.revision_date = now
    checked_folder(path, root, CatalogError)
    files.append((path, _serialise(catalog)))
    return CatalogChange(path, "updated" if existed else "created")


def _serialise(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=79, include_previous=True, sort_output=False)
    return buffer.getvalue()


# A PO line: blank, a comment, a keyword and its string, or a string continuing the last.
PO_STRING = r'"(?:[^"\\]|\\.)*"'
PO_LINE = re.compile(rf'\s*(?:#.*|(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+{PO_STRING}'
                     rf'|{PO_STRING})?\s*')


def read_catalog(path: Path, lang: str | None, root: Path | None = None) -> Catalog:
    """Read a .po or .pot file, which must really lie inside `root` (by default its own
    folder). Raises CatalogError with the line of a syntax error.

    Babel reads some broken lines (an unclosed string, say) without a word; msgfmt refuses
    them, so each line is first checked against the PO grammar's line forms. A line quoted
    in an error is the catalog's own: a link to any other file is refused before reading."""
    text = read_input_text(path, root or path.parent, CatalogError)
    for number, line in enumerate(text.splitlines(), 1):
        if not PO_LINE.fullmatch(line):
            raise CatalogError(path, number, "invalid PO syntax: expected a comment, "
                               "a keyword with a quoted string, or a quoted string "
                               f"(found: {excerpt(line.strip(), 40)})")
    data = text.encode("utf-8")
    try:
        # Decoded as UTF-8 above, whatever charset the header claims.
        catalog = read_po(io.BytesIO(data), locale=babel_identifier(lang) if lang else None,
                          abort_invalid=True, charset="utf-8")
        gettext.c2py(catalog.plural_expr)  # a broken Plural-Forms fails here, with its file
        return catalog
    except PoFileError as error:
        # Babel counts lines from 0 in its errors.
        raise CatalogError(path, error.lineno + 1, f"invalid PO syntax: {error.args[0]}") from None
    except (LookupError, ValueError, UnicodeError, SyntaxError) as error:
        raise CatalogError(path, None, f"invalid PO header (Content-Type charset or "
                           f"Plural-Forms: {excerpt(str(error), 60)}): the catalog must say "
                           "charset=UTF-8 and a valid plural formula") from None


def message_errors(catalog: Catalog, path: Path,
                   label_ids: frozenset[object] = frozenset()) -> list[CatalogError]:
    """Translations a page cannot print as they are: placeholders (`%(date)s`) that differ
    from their msgid's, and for the template labels `label_ids` (which Jinja formats), one
    that is not a valid format ("%" alone must be written "%%", a placeholder is exactly
    `%(name)s`, every one kept), and characters that could change what the page shows or
    that no page can hold."""
    errors = []
    flagged = set()
    for message, problems in catalog.check():
        flagged.add(message.lineno)
        for problem in problems:
            errors.append(CatalogError(path, message.lineno or None,
                                       f"msgstr of '{_quoted_id(message)}': {problem}; keep "
                                       "the placeholders of the msgid, such as %(date)s"))
    for message in catalog:
        if not message.id or message.lineno in flagged:
            continue
        ids = tuple(message.id) if isinstance(message.id, (tuple, list)) else (message.id,)
        names = {name for text in ids for name in PLACEHOLDER.findall(text)}
        for text in _strings(message):
            where, quoted = message.lineno or None, _quoted_id(message)
            if control := next((char for char in text if _is_control(char, ids)), None) or \
                    first_unprintable(text):
                errors.append(CatalogError(path, where, f"msgstr of '{quoted}' holds the "
                                           f"character U+{ord(control):04X}, which no page can "
                                           "hold: remove it"))
            elif message.id in label_ids and not _formats(text, names):
                errors.append(CatalogError(path, where, f"msgstr of '{quoted}' is not a valid "
                                           "label: write a lone '%' as '%%', and keep the "
                                           "msgid's placeholders, each as %(name)s"))
            elif message.id in label_ids and isinstance(message.id, str) and \
                    names - set(PLACEHOLDER.findall(text)):  # a plural's singular may omit n
                errors.append(CatalogError(path, where, f"msgstr of '{quoted}' must keep every "
                                           f"placeholder of the msgid ({', '.join(sorted(names))})"
                                           ", each once as %(name)s"))
    return errors


def markup_findings(catalog: Catalog, path: Path) -> list[Finding]:
    """Translations holding markup (a tag, an entity) that their msgid does not have: pages
    print it as text, since a catalog is untrusted, so it is surely a mistake."""
    findings = []
    for message in catalog:
        ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        if not message.id or any(MARKUP.search(text) for text in ids):
            continue
        for text in _strings(message):
            if match := MARKUP.search(text):
                findings.append(Finding(path, message.lineno or 1, "markup",
                                        f"msgstr of '{_quoted_id(message)}' holds markup "
                                        f"('{excerpt(text[match.start():], 30)}'): pages print "
                                        "it as text; write plain text"))
                break
    return findings


PLACEHOLDER = re.compile(r"%\((\w+)\)s")
MARKUP = re.compile(r"<\s*[A-Za-z/!?]|&(?:#\d+|#[xX][0-9A-Fa-f]+|[A-Za-z]\w*);")


def _strings(message: Message) -> tuple[str, ...]:
    strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
    return tuple(text for text in strings if text)


def _quoted_id(message: Message) -> str:
    return excerpt(message_text(message.id), 40)


def _is_control(char: str, ids: tuple[str, ...]) -> bool:
    """A control character, other than a line break the msgid has too."""
    return unicodedata.category(char) == "Cc" and not (char == "\n" and
                                                       any("\n" in text for text in ids))


def label_ids(publication: Publication) -> frozenset[object]:
    """The msgids of the templates' labels, which Jinja formats with their placeholders'
    values: read from the project's own template (locales/messages.pot), never from the
    translator's catalog, whose references a translator may change."""
    template = template_path(publication)
    if not template.exists():
        return frozenset()
    return frozenset(message.id for message in read_catalog(template, None, publication.root)
                     if message.id and any(location.startswith("templates/")
                                           for location, _ in message.locations))


def _formats(text: str, names: set[str]) -> bool:
    """`text` formats with `names`, each placeholder exactly %(name)s: a width such as
    %(phone)10000000s would lay out millions of spaces."""
    if any(match.group(0) != f"%({match.group(1)})s"
           for match in re.finditer(r"%\((\w*)\)[^a-zA-Z%]*[a-zA-Z]", text)):
        return False
    try:
        text % dict.fromkeys(names, "")
    except (ValueError, TypeError, KeyError):
        return False
    return True


def message_text(message_id: str | tuple[str, ...] | list[str]) -> str:
    """A message's msgid, or its singular for a plural message."""
    return message_id if isinstance(message_id, str) else message_id[0]


def load_translations(publication: Publication, lang: str) -> gettext.NullTranslations:
    """The translations of the templates' labels into `lang` (none for the source language).

    Fuzzy and untranslated entries fall back to the French msgid.
    """
    if lang == publication.source_language:
        return gettext.NullTranslations()
    path = po_path(publication, lang)
    if not path.exists():
        return gettext.NullTranslations()
    catalog = read_catalog(path, lang, publication.root)
    raise_if_any(message_errors(catalog, path, label_ids(publication)))
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


@dataclass(frozen=True)
class CatalogCounts:
    """How far one catalog of one language is translated."""

    path: Path
    lang: str
    domain: str
    translated: int
    fuzzy: int
    untranslated: int
    exists: bool = True


def catalog_counts(publication: Publication, lang: str) -> list[CatalogCounts]:
    """Translated, fuzzy and untranslated entries of each of `lang`'s catalogs."""
    counts = []
    for domain in (DOMAIN, TERMINOLOGY):
        path = po_path(publication, lang, domain)
        if not path.exists():
            template = template_path(publication, domain)
            if template.exists():
                total = sum(1 for message in read_catalog(template, None, publication.root)
                            if message.id)
                counts.append(CatalogCounts(path, lang, domain, 0, 0, total, exists=False))
            continue
        translated = fuzzy = untranslated = 0
        for message in read_catalog(path, lang, publication.root):
            if not message.id:
                continue
            if message.fuzzy:
                fuzzy += 1
            elif _is_translated(message):
                translated += 1
            else:
                untranslated += 1
        counts.append(CatalogCounts(path, lang, domain, translated, fuzzy, untranslated))
    return counts


@dataclass(frozen=True)
class LabelProgress:
    """How far `lang`'s interface catalog is: the labels its pages would show in French."""

    untranslated: list[str]
    total: int

    def percent(self) -> int:
        """Translated labels, in whole percent rounded down: 100 only when all are."""
        if not self.total:
            return 100
        return (self.total - len(self.untranslated)) * 100 // self.total


def label_progress(publication: Publication, lang: str) -> LabelProgress:
    """The labels `lang`'s pages look up, and those of them that it would show in French:
    empty, fuzzy, or missing from its catalog."""
    expected = expected_messages(publication, DOMAIN)
    if lang == publication.source_language:
        return LabelProgress([], len(expected))
    path = po_path(publication, lang)
    catalog = read_catalog(path, lang, publication.root) if path.exists() else None
    labels = []
    for message_id in expected:
        translated = catalog.get(message_id) if catalog is not None else None
        if translated is None or translated.fuzzy or not _is_translated(translated):
            labels.append(message_text(message_id))
    return LabelProgress(labels, len(expected))


def expected_messages(publication: Publication, domain: str) -> list[str | tuple[str, ...]]:
    """The msgids the pages look up in `domain`: its template's, and for the labels the
    publication file's texts as they are now (changed since the last `catalogs`, they are
    not translated yet, whatever the template says)."""
    template = template_path(publication, domain)
    ids: list[str | tuple[str, ...]] = [
        message.id if isinstance(message.id, str) else tuple(message.id)
        for message in read_catalog(template, None, publication.root)
        if message.id] if template.exists() else []
    if domain == DOMAIN:
        ids += [text for text, _ in publication.book_messages() +
                publication.department_messages()]
    return list(dict.fromkeys(ids))


def _is_translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)
