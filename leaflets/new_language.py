"""`build.py new-language CODE`: a new target language in the publication, with its catalogs.

The publication file is edited line by line, so that its comments and layout stay as the
editors wrote them; the edit and the catalogs are checked before any file is written, and
then all are written or none.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from pathlib import Path

import yaml
from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.localedata import locale_identifiers

from .catalogs import CatalogChange, catalog_files
from .config import PUBLICATION_FILE, load_publication
from .errors import ConfigError
from .files import write_all
from .inputs import checked_folder, read_input_text
from .languages import babel_identifier, language_tag

SHOWN_REGIONS = 4  # of the regions that write a date one way, the first few are named


@dataclass(frozen=True)
class DateForm:
    """One way the language's regions write a date in full, and the Babel locales of those
    regions (the language's own first: what the pages use unless languages.locales says)."""

    example: str
    locales: tuple[str, ...]


@dataclass(frozen=True)
class NewLanguage:
    code: str  # a BCP 47 tag: pt-BR
    name: str  # in English, for the command's report
    own_name: str  # in the language itself
    catalogs: list[CatalogChange]
    documents: int  # to translate
    right_to_left: bool  # CLDR's character order: added to languages.rtl
    date_forms: list[DateForm]  # the first is the one the pages will use


def add_language(root: Path, code: str, today: datetime.date) -> NewLanguage:
    """Add `code` (a BCP 47 tag such as es or pt-BR, or Babel's pt_BR) to the publication's
    target languages and create its catalogs."""
    publication = load_publication(root)
    try:
        locale = Locale.parse(babel_identifier(code))
    except (UnknownLocaleError, ValueError) as error:
        raise ConfigError(None, None, f"unknown language code '{code}' ({error}): use a BCP "
                          "47 tag that Babel knows, e.g. es, de, ar, pt-BR") from None
    code = language_tag(locale)
    if code in publication.languages:
        raise ConfigError(publication.path, None, f"'{code}' is already one of the "
                          "publication's languages")
    path = root / PUBLICATION_FILE
    original = read_input_text(path, root, ConfigError)
    identifier = uuid.uuid5(uuid.NAMESPACE_URL, f"{publication.online_url}{code}/"
                                                f"{publication.book.slug}")
    right_to_left = locale.character_order == "right-to-left"
    edited = _with_language(path, original, code, f"urn:uuid:{identifier}", right_to_left)
    # Everything is read and checked before anything is written: a problem anywhere (the
    # glossary, a catalog) leaves the project as it was, and the command can be run again.
    publication = load_publication(root, edited)
    checked_folder(path, root, ConfigError)
    changes, catalogs = catalog_files(publication)
    write_all([(path, edited.encode("utf-8")), *catalogs])
    (publication.content_dir / code).mkdir(exist_ok=True)
    return NewLanguage(code, locale.get_display_name("en") or code,
                       locale.get_display_name(locale) or code,
                       [change for change in changes if code in change.path.parts],
                       len(publication.documents), right_to_left, date_forms(locale, today))


def date_forms(locale: Locale, day: datetime.date) -> list[DateForm]:
    """How `locale`'s language writes `day` in full across its regions (CLDR's data, through
    Babel): `locale`'s own way first, then the others, each with the locales that write it.
    A coordinator picks the one the patients read (Moroccan Arabic names the months
    differently from the Levant's) and sets it in languages.locales."""
    own = str(locale)
    depth = own.count("_") + 1  # ar_MA for ar, not ar_MA_x
    regional = [identifier for identifier in locale_identifiers()
                if identifier.startswith(f"{own}_") and identifier.count("_") == depth]
    forms: dict[str, list[str]] = {}
    for identifier in [own, *sorted(regional)]:
        forms.setdefault(format_date(day, "long", locale=identifier), []).append(identifier)
    return [DateForm(example, tuple(locales)) for example, locales in forms.items()]


def _with_language(path: Path, text: str, code: str, identifier: str,
                   right_to_left: bool = False) -> str:
    """`text` (the publication file) with `code` added to languages.targets (and to
    languages.rtl when it is written right to left) and its e-book identifier to
    book.identifiers."""
    root = yaml.compose(text)
    top = {key.value: value for key, value in root.value} \
        if isinstance(root, yaml.MappingNode) else {}
    targets = _child(path, top, "languages", "targets")
    identifiers = _child(path, top, "book", "identifiers")
    lines = text.splitlines(keepends=True)
    to_edit = [(_end(identifiers), "mapping", identifiers), (_end(targets), "list", targets)]
    if right_to_left:
        rtl = _optional_child(top, "languages", "rtl")
        if rtl is not None:
            to_edit.append((_end(rtl), "list", rtl))
        else:  # no languages.rtl yet: one is added, holding this language
            languages = top["languages"]
            assert isinstance(languages, yaml.MappingNode), "targets were found in it"
            to_edit.append((_end(languages), "rtl", languages))
    # Edit the later position first so that the earlier one's offsets still hold.
    edits = sorted(to_edit, key=lambda edit: edit[0], reverse=True)
    for _, kind, node in edits:
        if kind == "list":
            lines = _add_to_list(lines, node, code)
        elif kind == "rtl":
            lines = _add_to_mapping(lines, node, "rtl", f"[{code}]")
        else:
            lines = _add_to_mapping(lines, node, code, identifier)
    return "".join(lines)


def _optional_child(top: dict[str, yaml.Node], section: str,
                    key: str) -> yaml.CollectionNode | None:
    node = top.get(section)
    if isinstance(node, yaml.MappingNode):
        for child_key, value in node.value:
            if child_key.value == key and isinstance(value, yaml.CollectionNode):
                return value
    return None


def _child(path: Path, top: dict[str, yaml.Node], section: str,
           key: str) -> yaml.CollectionNode:
    node = _optional_child(top, section, key)
    if node is None:
        raise ConfigError(path, None, f"{section}.{key} not found: cannot add a language")
    return node


def _end(node: yaml.Node) -> tuple[int, int]:
    return node.end_mark.line, node.end_mark.column


def _add_to_list(lines: list[str], node: yaml.CollectionNode, code: str) -> list[str]:
    if node.flow_style:  # targets: [en]  ->  targets: [en, es]
        line = node.end_mark.line
        column = node.end_mark.column - 1  # the closing bracket
        text = lines[line]
        separator = ", " if node.value else ""
        lines[line] = text[:column] + separator + code + text[column:]
        return lines
    last = node.value[-1]  # a block list: a "- es" line after the last item
    indent = " " * (last.start_mark.column - 2)
    lines.insert(last.end_mark.line + 1 if last.end_mark.column else last.end_mark.line,
                 f"{indent}- {code}\n")
    return lines


def _add_to_mapping(lines: list[str], node: yaml.CollectionNode, code: str,
                    value: str) -> list[str]:
    if node.flow_style:
        line, column = node.end_mark.line, node.end_mark.column - 1
        separator = ", " if node.value else ""
        lines[line] = lines[line][:column] + f"{separator}{code}: {value}" + lines[line][column:]
        return lines
    last_key, last_value = node.value[-1]
    indent = " " * last_key.start_mark.column
    after = last_value.end_mark.line + (1 if last_value.end_mark.column else 0)
    lines.insert(after, f"{indent}{code}: {value}\n")
    return lines
