"""Read the publication file into a frozen `Publication`.

The file is validated once; every problem is reported in the same run, each with its line.
"""

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from babel import Locale, UnknownLocaleError

from .errors import ConfigError, LeafletError, raise_if_any
from .inputs import read_input_text
from .languages import babel_identifier, language_tag

PUBLICATION_FILE = "publication.yml"
# The folders the outputs are made from, under the project's root.
SOURCE_FOLDERS = ("content", "locales", "styles", "templates")


@dataclass(frozen=True)
class Book:
    """The e-book's (and the whole-book PDF's) metadata. Texts are French msgids."""

    slug: str
    title: str
    subtitle: str
    description: str
    publisher: str
    rights: str
    creators: tuple[str, ...]
    subjects: tuple[str, ...]
    accessibility_summary: str
    identifiers: dict[str, str] = field(hash=False)


@dataclass(frozen=True)
class Department:
    """Who the patient calls: the department's own details, printed on every leaflet.

    `name`, `hours`, `urgent` and the items of `before` and `after` are French msgids,
    translated through the catalogs; `phone` and `feedback` (an e-mail or web address where
    readers send comments on the leaflets) are printed as they are. `sample` marks the
    repository's sample values, which must never reach a patient.
    """

    name: str
    phone: str
    hours: str
    urgent: str
    before: tuple[str, ...]  # what to tell the team before the procedure
    after: tuple[str, ...]  # what to watch for afterwards
    feedback: str
    sample: bool = False

    @property
    def messages(self) -> tuple[str, ...]:
        """The texts that the catalogs translate, in the order they are printed."""
        return tuple(text for text in (self.name, self.hours, self.urgent, *self.before,
                                       *self.after) if text)


@dataclass(frozen=True)
class Publication:
    """Everything the publication file says, with the project folders it implies."""

    root: Path
    path: Path
    source_language: str
    target_languages: tuple[str, ...]
    rtl_languages: frozenset[str]
    # The Babel locale that formats dates for a language, when it is not the bare code.
    regional_locales: dict[str, str] = field(hash=False, compare=False)
    online_url: str
    book: Book
    documents: tuple[str, ...]
    # None when the publication file has no `department:` section (a release needs one).
    department: Department | None = field(default=None, kw_only=True)
    # The document whose ## headings are the key terms (the terminology catalog's source).
    glossary: str | None = field(default=None, kw_only=True)
    # Lines of the texts that become catalog messages, for the #: references.
    message_lines: dict[str, int] = field(hash=False, compare=False)
    document_lines: dict[str, int] = field(hash=False, compare=False)
    # Lines of the publication file's keys ("online_url", "department.phone"), so that
    # what the release gate finds points at them.
    key_lines: dict[str, int] = field(hash=False, compare=False, default_factory=dict)

    @property
    def languages(self) -> tuple[str, ...]:
        return (self.source_language, *self.target_languages)

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def locales_dir(self) -> Path:
        return self.root / "locales"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def styles_dir(self) -> Path:
        return self.root / "styles"

    @property
    def dist_dir(self) -> Path:
        return self.root / "dist"

    @property
    def source_name(self) -> str:
        """The source language's name in English, for messages ("French")."""
        from .languages import language_name

        return language_name(self.source_language)

    def locale(self, lang: str) -> str:
        """The Babel locale for `lang`'s dates and language names (e.g. en_GB for en)."""
        return self.regional_locales.get(lang, babel_identifier(lang))

    def direction(self, lang: str) -> str:
        """Return 'rtl' or 'ltr' for `lang`."""
        return "rtl" if lang in self.rtl_languages else "ltr"

    def book_messages(self) -> list[tuple[str, int]]:
        """The book's translatable texts with their lines in the publication file."""
        texts = [self.book.title, self.book.subtitle, self.book.description, self.book.publisher,
                 self.book.rights, *self.book.subjects, self.book.accessibility_summary]
        return [(text, self.message_lines.get(text, 0)) for text in texts]

    def department_messages(self) -> list[tuple[str, int]]:
        """The department's translatable texts with their lines in the publication file."""
        texts = self.department.messages if self.department else ()
        return [(text, self.message_lines.get(text, 0)) for text in texts]

    def key_line(self, key: str) -> int:
        """The line of `key` ("department.phone") in the publication file (1 if absent)."""
        return self.key_lines.get(key, 1)


class NoAliasLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing aliases (*name): the project's files need none, and
    nested aliases expand to gigabytes in whatever walks or prints the values."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed",
                                              event.start_mark)
        return super().compose_node(parent, index)


class _Reader:
    """Walks the YAML node tree, collecting every problem instead of stopping at the first."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.errors: list[LeafletError] = []
        self.message_lines: dict[str, int] = {}
        self.key_lines: dict[str, int] = {}

    def error(self, node: yaml.Node | None, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.errors.append(ConfigError(self.path, line, message))

    def mapping(self, node: yaml.Node, where: str, required: set[str],
                optional: Set[str] = frozenset()) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{where}: expected a mapping of keys to values")
            return {}
        items = {key.value: value for key, value in node.value}
        for key, _value in node.value:
            self.key_lines[f"{where}.{key.value}".removeprefix("publication.")] = \
                key.start_mark.line + 1
            if key.value not in required | optional:
                known = ", ".join(sorted(required | optional))
                self.error(key, f"{where}: unknown key '{key.value}' (known keys: {known})")
        for key in sorted(required - items.keys()):
            self.error(node, f"{where}: missing key '{key}'")
        return items

    def text(self, items: dict[str, yaml.Node], key: str, where: str,
             message: bool = False) -> str:
        node = items.get(key)
        if node is None:
            return ""
        if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
            self.error(node, f"{where}.{key}: expected a non-empty text")
            return ""
        if message:
            self.message_lines[node.value] = node.start_mark.line + 1
        return str(node.value).strip()

    def texts(self, items: dict[str, yaml.Node], key: str, where: str,
              message: bool = False) -> tuple[str, ...]:
        node = items.get(key)
        if node is None:
            return ()
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{where}.{key}: expected a list, e.g. [a, b]")
            return ()
        values = []
        for item in node.value:
            if not isinstance(item, yaml.ScalarNode) or not item.value.strip():
                self.error(item, f"{where}.{key}: expected a non-empty text in the list")
                continue
            if message:
                self.message_lines[item.value] = item.start_mark.line + 1
            values.append(item.value.strip())
        return tuple(values)

    def language(self, node: yaml.Node, code: str) -> str:
        """A language of the publication, as a BCP 47 tag (pt-BR, the form of HTML's and
        EPUB's lang): its folders, its pages and its catalogs' names."""
        try:
            locale = Locale.parse(babel_identifier(code))
        except (UnknownLocaleError, ValueError, TypeError):
            self.error(node, f"languages: unknown language code '{code}' (use a BCP 47 tag "
                             "that Babel knows, e.g. fr, en, es, ar, pt-BR)")
            return code
        tag = language_tag(locale)
        if tag != code:
            self.error(node, f"languages: write '{code}' as {tag} (a BCP 47 tag, as pages "
                             "and e-books name their language)")
        return code

    def date_locale(self, node: yaml.Node, value: str) -> str:
        """The Babel locale of languages.locales (en_GB, or en-GB), as Babel names it."""
        try:
            Locale.parse(babel_identifier(value))
        except (UnknownLocaleError, ValueError, TypeError):
            self.error(node, f"languages.locales: unknown locale '{value}' (use one that "
                             "Babel knows, e.g. en_GB, ar_MA, pt_BR)")
        return babel_identifier(value)


def load_publication(root: Path, text: str | None = None) -> Publication:
    """Read and validate `root/publication.yml`, or `text` as if it were that file (an edit
    checked before it is written).

    Raises ConfigError, several gathered in one LeafletError when there are several.
    """
    path = root / PUBLICATION_FILE
    if text is None and not path.exists() and not path.is_symlink():
        raise ConfigError(path, None, "publication file not found "
                          f"(is {root} the project folder?)")
    try:
        source = read_input_text(path, root, ConfigError) if text is None else text
        document = yaml.compose(source, Loader=NoAliasLoader)
    except RecursionError:
        raise ConfigError(path, None, "invalid YAML: nested too deeply") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(error, "problem", error)
        raise ConfigError(path, line, f"invalid YAML: {problem}") from None
    reader = _Reader(path)
    publication = _read_publication(reader, root, document)
    raise_if_any(reader.errors)
    return publication


def _read_publication(reader: _Reader, root: Path, document: yaml.Node | None) -> Publication:
    top = reader.mapping(document or yaml.MappingNode("tag:yaml.org,2002:map", []),
                         "publication", {"languages", "online_url", "book", "documents"},
                         {"glossary", "department"})
    languages = reader.mapping(top["languages"], "languages", {"source", "targets"},
                                {"rtl", "locales"}) \
        if "languages" in top else {}
    source = reader.text(languages, "source", "languages")
    if source:
        reader.language(languages["source"], source)
    targets = reader.texts(languages, "targets", "languages")
    # An item refused by texts() (already an error) is left out: the lines that follow it
    # may then be off by one, in a file that fails anyway.
    for node, code in zip(languages["targets"].value if targets else [], targets,
                          strict=False):
        reader.language(node, code)
    rtl = reader.texts(languages, "rtl", "languages")
    regional: dict[str, str] = {}
    if "locales" in languages:
        codes = set(filter(None, (source, *targets)))
        locales = reader.mapping(languages["locales"], "languages.locales", set(), codes)
        for code, node in locales.items():
            regional[code] = reader.date_locale(node, reader.text(locales, code,
                                                                  "languages.locales"))
    book = _read_book(reader, top.get("book"), (source, *targets))
    documents = reader.texts(top, "documents", "documents")
    document_nodes = top["documents"].value if documents else []
    seen: set[str] = set()
    for node, slug in zip(document_nodes, documents, strict=False):
        if "/" in slug or "\\" in slug or ".." in slug or slug.startswith("."):
            reader.error(node, f"documents: '{slug}' is not a plain file name "
                               "(no folders, no '..')")
        if slug.casefold() in seen:
            reader.error(node, f"documents: '{slug}' is listed twice: each document once")
        seen.add(slug.casefold())
    online_url = reader.text(top, "online_url", "online_url")
    if online_url and not online_url.startswith(("https://", "http://")):
        reader.error(top["online_url"], "online_url: expected an address starting with https://")
    return Publication(
        root=root, path=root / PUBLICATION_FILE, source_language=source,
        target_languages=targets, rtl_languages=frozenset(rtl), regional_locales=regional,
        online_url=online_url.rstrip("/") + "/", book=book, documents=documents,
        glossary=_read_glossary_key(reader, top, documents),
        department=_read_department(reader, top.get("department")),
        message_lines=reader.message_lines, key_lines=reader.key_lines,
        document_lines={slug: node.start_mark.line + 1
                        for node, slug in zip(document_nodes, documents, strict=False)})


def _read_glossary_key(reader: _Reader, top: dict[str, yaml.Node],
                       documents: tuple[str, ...]) -> str | None:
    slug = reader.text(top, "glossary", "glossary")
    if slug and slug not in documents:
        reader.error(top["glossary"], f"glossary: '{slug}' is not one of the documents")
    return slug or None


def _read_book(reader: _Reader, node: yaml.Node | None, languages: tuple[str, ...]) -> Book:
    keys = {"slug", "title", "subtitle", "description", "publisher", "rights", "creators",
            "subjects", "accessibility_summary", "identifiers"}
    items = reader.mapping(node, "book", keys) if node is not None else {}
    identifiers: dict[str, str] = {}
    if "identifiers" in items:
        ids = reader.mapping(items["identifiers"], "book.identifiers",
                             set(filter(None, languages)))
        identifiers = {lang: reader.text(ids, lang, "book.identifiers") for lang in ids}
    slug = reader.text(items, "slug", "book")
    if slug and not slug.replace("-", "").isalnum():
        reader.error(items["slug"], "book.slug: use letters, digits and '-' only")
    return Book(
        slug=slug,
        title=reader.text(items, "title", "book", message=True),
        subtitle=reader.text(items, "subtitle", "book", message=True),
        description=reader.text(items, "description", "book", message=True),
        publisher=reader.text(items, "publisher", "book", message=True),
        rights=reader.text(items, "rights", "book", message=True),
        creators=reader.texts(items, "creators", "book"),
        subjects=reader.texts(items, "subjects", "book", message=True),
        accessibility_summary=reader.text(items, "accessibility_summary", "book", message=True),
        identifiers=identifiers)


DEPARTMENT_KEYS = {"name", "phone", "hours", "urgent", "before", "after", "feedback", "sample"}


def _read_department(reader: _Reader, node: yaml.Node | None) -> Department | None:
    if node is None:
        return None
    # Every detail is optional here: what is missing is left off the leaflets, and the
    # release gate (`check --release`) lists it.
    items = reader.mapping(node, "department", set(), DEPARTMENT_KEYS)
    sample = items.get("sample")
    if sample is not None and (not isinstance(sample, yaml.ScalarNode)
                               or sample.value not in ("true", "false")):
        reader.error(sample, "department.sample: expected true or false")
    feedback = reader.text(items, "feedback", "department")
    if feedback and not re.fullmatch(r"https?://\S+|[^@\s/:]+@[^@\s/:]+\.[^@\s/:]+", feedback):
        reader.error(items["feedback"], "department.feedback: expected an e-mail address "
                     "or a web address starting with https://")
    return Department(
        name=reader.text(items, "name", "department", message=True),
        phone=reader.text(items, "phone", "department"),
        hours=reader.text(items, "hours", "department", message=True),
        urgent=reader.text(items, "urgent", "department", message=True),
        before=reader.texts(items, "before", "department", message=True),
        after=reader.texts(items, "after", "department", message=True),
        feedback=feedback, sample=sample is not None and sample.value == "true")
