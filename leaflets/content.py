"""Read content/LANG/<doc>.md files into `Document`s (front matter + Markdown body)."""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .characters import first_unprintable
from .config import NoAliasLoader, Publication
from .errors import ContentError, LeafletError, excerpt, raise_if_any
from .inputs import MAX_DOCUMENT_BYTES, read_input_text

REVIEW_STATES = ("draft", "reviewed")
MAX_PARAGRAPH = 2000  # characters: a leaflet's longest is some 400
SOURCE_FIELDS = {"title": str, "summary": str, "updated": datetime.date, "version": str,
                 "last_review": datetime.date, "review_due": datetime.date, "pages": int}
TRANSLATION_FIELDS = {"title": str, "summary": str, "updated": datetime.date, "review": str,
                      "follows": str, "pages": int, "translator": str, "reviewer": str}
# Patient-information standards ask every leaflet to say when it was last reviewed and when
# it will be reviewed next: the French document's dates, printed in every language.
REQUIRED_SOURCE = ("title", "summary", "updated", "version", "last_review", "review_due")
REQUIRED_TRANSLATION = ("title", "summary", "updated", "review")
# What a translation copied from its French file still holds, and why it does not belong.
SOURCE_ONLY = {
    "version": "French document's version (`accept` records the one a translation "
               "follows, as follows:)",
    "last_review": "French document's review date (every language prints it)",
    "review_due": "French document's next review (every language prints it)",
}


@dataclass(frozen=True)
class Document:
    """One leaflet in one language, as written on disk."""

    lang: str
    slug: str
    path: Path
    title: str
    summary: str
    updated: datetime.date
    body: str
    body_line: int  # line of the file where the body's first line stands (1-based)
    version: str | None = None  # French: the document's version, printed on the leaflet
    last_review: datetime.date | None = None  # French: when its content was last reviewed
    review_due: datetime.date | None = None  # French: when it must be reviewed again
    review: str | None = None  # translations: "draft" or "reviewed"
    follows: str | None = None  # translations: the version of the French document they follow
    # Translations: who translated it, who reviewed it (ISO 17100: never the same person).
    translator: str | None = None
    reviewer: str | None = None
    pages: int | None = None  # the number of A5 pages the leaflet must fit, if declared

    @property
    def is_translation(self) -> bool:
        return self.review is not None


@dataclass(frozen=True)
class Contents:
    """All documents of the publication, by language then slug, in publication order."""

    by_language: dict[str, dict[str, Document]]

    def documents(self, lang: str) -> list[Document]:
        return list(self.by_language.get(lang, {}).values())

    def get(self, lang: str, slug: str) -> Document | None:
        return self.by_language.get(lang, {}).get(slug)


def load_contents(publication: Publication) -> Contents:
    """Read every content file of every language of the publication.

    Raises LeafletError gathering every malformed file, unknown document or orphan translation.
    """
    errors: list[LeafletError] = []
    by_language: dict[str, dict[str, Document]] = {}
    for lang in publication.languages:
        folder = publication.content_dir / lang
        found: dict[str, Document] = {}
        for path in sorted(folder.glob("*.md")):
            try:
                found[path.stem] = read_document(path, lang,
                                                 lang != publication.source_language,
                                                 root=publication.root)
            except LeafletError as error:  # of several problems in one front matter, all
                errors += error.problems
        by_language[lang] = found
    errors += _check_against_publication(publication, by_language)
    raise_if_any(errors)
    ordered = {lang: {slug: docs[slug] for slug in publication.documents if slug in docs}
               for lang, docs in by_language.items()}
    return Contents(ordered)


def _check_against_publication(publication: Publication,
                               by_language: dict[str, dict[str, Document]]) -> list[LeafletError]:
    errors: list[LeafletError] = []
    source = by_language.get(publication.source_language, {})
    listed = set(publication.documents)
    for slug in publication.documents:
        path = publication.content_dir / publication.source_language / f"{slug}.md"
        if slug not in source and not path.exists():  # a file that exists already erred
            errors.append(ContentError(publication.path, publication.document_lines.get(slug),
                                       f"document '{slug}' is listed but "
                                       f"content/{publication.source_language}/{slug}.md "
                                       "does not exist"))
    for slug, document in source.items():
        if slug not in listed:
            errors.append(ContentError(document.path, 1, f"'{slug}' is not listed under "
                                       "'documents' in publication.yml: add it there"))
    source_dir = publication.content_dir / publication.source_language
    for lang in publication.target_languages:
        for path in sorted((publication.content_dir / lang).glob("*.md")):
            slug = path.stem
            if not (source_dir / path.name).exists():
                name = publication.source_name
                errors.append(ContentError(path, 1, f"translation with no {name} source "
                                           f"(content/{publication.source_language}/{slug}.md "
                                           "does not exist): rename or remove it"))
    return errors


def read_document(path: Path, lang: str, is_translation: bool, record: bool = False,
                  root: Path | None = None) -> Document:
    """Read one content file; `record` reads a copy kept as a record (what a translation
    follows), which may lack fields added to the format since it was kept. The file must
    really lie inside `root` (by default its own folder): a link out of it is refused.

    Raises ContentError naming the file and line (several, gathered, when the front matter
    has several problems).
    """
    text = read_input_text(path, root or path.parent, ContentError, MAX_DOCUMENT_BYTES)
    return _document(path, text, lang, is_translation, record)


@lru_cache(maxsize=2048)
def _document(path: Path, text: str, lang: str, is_translation: bool, record: bool) -> Document:
    # Kept per process, by the file's text: `watch` reads every document again on each save.
    slug = path.stem
    if not slug.replace("-", "").isalnum():
        raise ContentError(path, None, "file name: use letters, digits and '-' only")
    front, body, body_line = split_front_matter(path, text)
    fields = _read_fields(path, text, front, is_translation, required=not record)
    _check_printable(path, text, fields, body, body_line)
    if record:
        fields.setdefault("title", "")
        fields.setdefault("summary", "")
        fields.setdefault("updated", datetime.date.min)
    return Document(lang=lang, slug=slug, path=path, body=body, body_line=body_line, **fields)


def _check_printable(path: Path, text: str, fields: dict[str, object], body: str,
                     body_line: int) -> None:
    """Refuse characters no page can hold: YAML escapes ("\\0", "\\uFFFE") put them in
    the front matter's values, a careless editor in the body."""
    for key, value in fields.items():
        if isinstance(value, str) and (char := first_unprintable(value)):
            raise ContentError(path, front_matter_line(text, key), f"{key}: the character "
                               f"U+{ord(char):04X} cannot be printed: remove it")
    length, start = 0, 0
    for offset, line in enumerate(body.splitlines()):
        if char := first_unprintable(line):
            raise ContentError(path, body_line + offset, f"the character U+{ord(char):04X} "
                               "cannot be printed: remove it")
        # Python-Markdown's time grows with the square of a paragraph's length.
        length, start = (0, offset + 1) if not line.strip() else (length + len(line), start)
        if length > MAX_PARAGRAPH:
            raise ContentError(path, body_line + start, f"a paragraph of over {MAX_PARAGRAPH} "
                               "characters: no reader follows it; split it")


class FrontMatterLoader(NoAliasLoader):
    """The project's YAML loader, leaving dates as text so that a bad one is reported with
    its key."""


FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def split_front_matter(path: Path, text: str) -> tuple[dict[object, object], str, int]:
    """Return (front matter mapping, body, line where the body starts)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ContentError(path, 1, "missing front matter: the file must start with a '---' "
                                    "line, then title, summary and updated")
    for index, line in enumerate(lines[1:], start=1):  # noqa: B007 (where it stops, below)
        if line.strip() == "---":
            break
    else:
        raise ContentError(path, 1, "front matter is not closed: add a '---' line after it")
    try:
        front = yaml.load("".join(lines[1:index]), Loader=FrontMatterLoader) or {}
    except RecursionError:
        raise ContentError(path, 2, "front matter nested too deeply: write 'key: value' "
                           "lines") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = mark.line + 2 if mark else 1
        problem = getattr(error, "problem", None) or str(error)
        raise ContentError(path, at, f"invalid YAML in front matter: {problem}") from None
    if not isinstance(front, dict):
        raise ContentError(path, 2, "front matter must be 'key: value' lines")
    return front, "".join(lines[index + 1:]), index + 2


def _read_fields(path: Path, text: str, front: dict[object, object], is_translation: bool,
                 required: bool = True) -> dict[str, Any]:
    """The front matter's fields, checked; without `required`, a record kept from an older
    format: missing fields are allowed and fields no longer known are left out."""
    expected = TRANSLATION_FIELDS if is_translation else SOURCE_FIELDS
    required_keys = (REQUIRED_TRANSLATION if is_translation else REQUIRED_SOURCE) \
        if required else ()
    if not required:
        front = {key: value for key, value in front.items() if key in expected}
    problems: list[ContentError] = []

    def line_of(key: str) -> int:
        return front_matter_line(text, key)

    for key in front:
        if key in SOURCE_ONLY and is_translation:
            problems.append(ContentError(path, line_of(str(key)), f"'{key}' is the "
                                         f"{SOURCE_ONLY[key]}: remove this line from the "
                                         "translation"))
        elif key not in expected:
            problems.append(ContentError(path, line_of(str(key)), f"unknown front matter key "
                                         f"'{_shown(key)}' (expected: {', '.join(expected)})"))
    for key in required_keys:
        if key not in front:
            problems.append(ContentError(path, 1, f"front matter: missing '{key}'"))
        elif front[key] is None:
            problems.append(ContentError(path, line_of(key), f"{key}: no value given"))
    for key, kind in expected.items():
        value = front.get(key)
        if value is None:
            continue
        if kind is datetime.date and isinstance(value, str):
            with contextlib.suppress(ValueError):  # reported below as not a date
                value = front[key] = datetime.date.fromisoformat(value.strip())
        if kind is str and isinstance(value, (int, float)) and key == "version":
            value = front[key] = str(value)
        if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
            problems.append(ContentError(path, line_of(key), _type_hint(key, kind, value)))
    if is_translation and front.get("review") not in (None, *REVIEW_STATES):
        problems.append(ContentError(path, line_of("review"), "review: expected "
                                     f"'draft' or 'reviewed', found '{_shown(front['review'])}'"))
    if isinstance(pages := front.get("pages"), int) and pages < 1:
        problems.append(ContentError(path, line_of("pages"), "pages: expected a number above 0"))
    last_review, review_due = front.get("last_review"), front.get("review_due")
    if isinstance(last_review, datetime.date) and isinstance(review_due, datetime.date) \
            and review_due <= last_review:
        problems.append(ContentError(path, line_of("review_due"), f"review_due: {review_due} "
                                     f"is not after last_review ({last_review})"))
    raise_if_any(problems)
    # Every key is now one of `expected`, each value of its type.
    return {str(key): (value.strip() if isinstance(value, str) else value)
            for key, value in front.items()}


def front_matter_line(text: str, key: str) -> int:
    """The line of `key:` in a content file's text (1 when it is not there)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(f"{key}:"):
            return number
    return 1


def _type_hint(key: str, kind: type, value: object) -> str:
    if kind is datetime.date:
        return (f"{key}: '{_shown(value)}' is not a valid date: write it as YYYY-MM-DD, "
                "e.g. 2026-11-24")
    names = {str: "a text", int: "a whole number"}
    return f"{key}: expected {names.get(kind, kind.__name__)}, found '{_shown(value)}'"


def _shown(value: object) -> str:
    """A value quoted in a message: short, whatever its size (only texts and numbers are
    formatted whole; a list or mapping is named by its kind)."""
    if isinstance(value, (list, dict)):
        return f"a {'list' if isinstance(value, list) else 'mapping'} of {len(value)} items"
    return excerpt(str(value), 40)
