"""Where each translation stands against the French it follows.

When a translator accepts a translation (`build.py accept en/<doc>`), the French file as it is
then is copied to locales/LANG/follows/<doc>.md. That copy is what the translation follows:
the French has changed since when its blocks differ from the copy's, and `diff` shows those
changes block by block. The copies live in the project, so this works without git, and a
review shows the French change next to the translation's.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .blocks import Block, align, block_changes, blocks
from .config import Publication
from .content import Document, front_matter_line, read_document
from .errors import ContentError, Finding, LeafletError
from .files import shown_path, write_all
from .inputs import checked_folder, read_input, read_input_text

FOLLOWS_DIR = "follows"
UP_TO_DATE, OUTDATED, MISSING, ORPHAN = "up to date", "outdated", "missing", "orphan"
NOT_ACCEPTED = "not accepted"  # no record of the French it follows: `accept` never ran


@dataclass(frozen=True)
class TranslationStatus:
    """One document in one target language."""

    lang: str
    slug: str
    state: str  # UP_TO_DATE, OUTDATED, NOT_ACCEPTED, MISSING or ORPHAN
    review: str | None  # "draft" or "reviewed"; None when missing or unreadable
    path: Path  # the translation's file, or where it would be
    problem: str | None = None  # why the state could not be fully read, for the user
    follows: str | None = None  # the French version it follows, from its front matter
    source_version: str | None = None  # the French document's version now
    translator: str | None = None
    reviewer: str | None = None

    @property
    def printable_clean(self) -> bool:
        """Reviewed and following the current French: its PDFs carry no draft mark."""
        return self.state == UP_TO_DATE and self.review == "reviewed"


def follows_path(publication: Publication, lang: str, slug: str) -> Path:
    """The copy of the French text that `lang`'s translation of `slug` follows."""
    return publication.locales_dir / lang / FOLLOWS_DIR / f"{slug}.md"


def translation_statuses(publication: Publication, lang: str) -> list[TranslationStatus]:
    """Every document of `lang`: the publication's in order, then orphans.

    Reads the files themselves, so that a broken file is shown rather than stopping all.
    """
    statuses = []
    source_dir = publication.content_dir / publication.source_language
    folder = publication.content_dir / lang
    for slug in publication.documents:
        path = folder / f"{slug}.md"
        version = _source_version(source_dir / path.name, publication)
        if not path.exists():
            statuses.append(TranslationStatus(lang, slug, MISSING, None, path,
                                              source_version=version))
            continue
        front = _front_matter_state(path, lang, publication.root)
        if not (source_dir / path.name).exists():
            statuses.append(TranslationStatus(lang, slug, ORPHAN, front.review, path,
                                              front.problem, front.follows))
            continue
        state, why = _compare(publication, lang, slug)
        statuses.append(TranslationStatus(lang, slug, state, front.review, path,
                                          front.problem or why, front.follows, version,
                                          front.translator, front.reviewer))
    for path in sorted(folder.glob("*.md")):
        if path.stem not in publication.documents:
            front = _front_matter_state(path, lang, publication.root)
            statuses.append(TranslationStatus(lang, path.stem, ORPHAN, front.review, path,
                                              front.problem, front.follows))
    return statuses


@dataclass(frozen=True)
class _FrontMatter:
    review: str | None = None
    follows: str | None = None
    translator: str | None = None
    reviewer: str | None = None
    problem: str | None = None  # why the front matter cannot be read


def _front_matter_state(path: Path, lang: str, root: Path) -> _FrontMatter:
    """A translation's review state, the version it follows and who made and checked it,
    or why they cannot be read."""
    try:
        document = read_document(path, lang, True, root=root)
        return _FrontMatter(document.review, document.follows, document.translator,
                            document.reviewer)
    except LeafletError as error:
        return _FrontMatter(problem="; ".join(problem.message for problem in error.problems))


def _source_version(path: Path, publication: Publication) -> str | None:
    try:
        return read_document(path, publication.source_language, False,
                             root=publication.root).version
    except (LeafletError, OSError):
        return None


def _compare(publication: Publication, lang: str, slug: str) -> tuple[str, str | None]:
    source = publication.content_dir / publication.source_language / f"{slug}.md"
    followed = follows_path(publication, lang, slug)
    if not followed.exists():
        return NOT_ACCEPTED, (f"never accepted: check it against "
                              f"{shown_path(source, publication.root)}, then run accept")
    try:
        current = _read(publication, source, publication.source_language, False)
        recorded = _read(publication, followed, publication.source_language, False, True)
    except LeafletError as error:
        return OUTDATED, error.describe(publication.root)
    return (UP_TO_DATE if _texts(current) == _texts(recorded) else OUTDATED), None


@dataclass(frozen=True)
class WorkLeft:
    """What a translator has to do in one translation: the French blocks changed since it
    was accepted, those it has no block for yet, and their French words."""

    changed: int
    new: int
    words: int


def work_left(publication: Publication, lang: str, slug: str) -> WorkLeft | None:
    """The work left on `lang`'s translation of `slug`; None when a file cannot be read
    (`check` says why)."""
    source_path = publication.content_dir / publication.source_language / f"{slug}.md"
    translation_path = publication.content_dir / lang / f"{slug}.md"
    followed_path = follows_path(publication, lang, slug)
    try:
        french = blocks(_read(publication, source_path, publication.source_language, False))
        translated = blocks(_read(publication, translation_path, lang, True)) \
            if translation_path.exists() else []
        old = blocks(_read(publication, followed_path, publication.source_language, False,
                           True)) if followed_path.exists() else None
    except (LeafletError, OSError):
        return None
    covered = {id(source) for source, target in align(french, translated)
               if source is not None and target is not None}
    changed = {id(change.after) for change in block_changes(old, french)
               if change.after is not None} if old is not None else set()
    new = [block for block in french if id(block) not in covered]
    to_review = [block for block in french if id(block) in covered and id(block) in changed]
    return WorkLeft(len(to_review), len(new),
                    sum(word_count(block.text) for block in new + to_review))


def word_count(text: str) -> int:
    """The words of `text`: a French " ;" or " ?" is no word."""
    return sum(1 for token in text.split() if any(char.isalnum() for char in token))


def _read(publication: Publication, path: Path, lang: str, is_translation: bool,
          record: bool = False) -> Document:
    """The document at `path`, inside the project; of several problems in it, the first is
    raised."""
    try:
        return read_document(path, lang, is_translation, record, publication.root)
    except LeafletError as error:
        raise error.problems[0] from None


def _texts(document: Document) -> tuple[tuple[str, str], ...]:
    """What a translator translates: the blocks' shapes and texts, front matter dates aside."""
    return _texts_of(_Texts((document.title, document.summary, document.body), document))


@dataclass(frozen=True)
class _Texts:
    """A document, known by what its blocks' texts depend on."""

    key: tuple[str, str, str]
    document: Document = field(compare=False, hash=False)


@lru_cache(maxsize=512)
def _texts_of(texts: _Texts) -> tuple[tuple[str, str], ...]:
    # Kept per process: `watch` compares every translation with its French on each save.
    return tuple((block.shape, block.text) for block in blocks(texts.document))


@dataclass(frozen=True)
class Change:
    """One block of the French that changed since the version a translation follows."""

    kind: str  # "changed", "added" or "removed"
    before: Block | None  # in the French the translation follows
    after: Block | None  # in the current French
    translation_line: int  # the translation's matching block, or where an addition goes
    insert: bool = False  # an addition: goes after translation_line
    translation: str | None = None  # the translation's matching block as it is now


@dataclass(frozen=True)
class SourceChanges:
    """What `diff` shows for one translation."""

    translation: Path
    source: Path
    followed: Path
    followed_version: str | None  # None: no record of what the translation follows
    current_version: str | None
    changes: tuple[Change, ...]
    language: str  # the source language's name, for the report ("French")


def source_changes(publication: Publication, lang: str, slug: str) -> SourceChanges:
    """The changes of the source `slug` since the version `lang`'s translation follows.

    Without a record of that version, every French block counts as added.
    """
    translation_path, source_path = _paths(publication, lang, slug)
    followed_path = follows_path(publication, lang, slug)
    source_lang = publication.source_language
    translation = _read(publication, translation_path, lang, True)
    current = _read(publication, source_path, source_lang, False)
    recorded = _read(publication, followed_path, source_lang, False, True) \
        if followed_path.exists() else None
    old_blocks = blocks(recorded) if recorded else []
    new_blocks = blocks(current)
    target_blocks = blocks(translation)
    # Where each block of the old French stands in the translation.
    index_of = {id(block): index for index, block in enumerate(old_blocks)}
    counterpart = {index_of[id(old)]: block for old, block in align(old_blocks, target_blocks)
                   if old is not None and block is not None}

    def line_of(old_index: int) -> int:
        """The line of the translation's counterpart of old block `old_index` (or of the
        nearest one before it, when the translation strays from the structure)."""
        for index in range(old_index, -1, -1):
            if index in counterpart:
                return counterpart[index].line
        return translation.body_line

    def insertion_line(old_index: int) -> int:
        """The line after which a block added before old block `old_index` goes."""
        for index in range(old_index - 1, -1, -1):
            if index in counterpart:
                return counterpart[index].line
        return translation.body_line - 1  # the end of the front matter

    changes = [Change(change.kind, change.before, change.after,
                      insertion_line(change.old_index) if change.kind == "added"
                      else line_of(change.old_index), insert=change.kind == "added",
                      translation=counterpart[change.old_index].text
                      if change.kind != "added" and change.old_index in counterpart else None)
               for change in block_changes(old_blocks, new_blocks)]
    return SourceChanges(translation_path, source_path, followed_path,
                         recorded.version if recorded else None, current.version,
                         tuple(changes), publication.source_name)


def describe_changes(report: SourceChanges, root: Path) -> list[str]:
    """`report` as the lines `build.py diff` prints."""
    translation = shown_path(report.translation, root)
    source = shown_path(report.source, root)
    if report.followed_version is None:
        head = (f"{translation} has no record of the {report.language} it follows "
                f"({shown_path(report.followed, root)}): every block of {source} is shown.")
    else:
        head = (f"{translation} follows {source} version {report.followed_version} "
                f"(kept in {shown_path(report.followed, root)}); the {report.language} is now "
                f"version {report.current_version}.")
    lines = [head]
    if not report.changes:
        lines.append("No change since: the translation is up to date.")
        return lines
    lines.append(f"{len(report.changes)} change(s) since:")
    for number, change in enumerate(report.changes, start=1):
        block = change.after or change.before
        assert block is not None, "a change has a block before it, after it, or both"
        source_line = (f"{report.language} line {change.after.line}" if change.after
                       else f"was {report.language} line {block.line}")
        section = f' in "{block.section}"' if block.section else ""
        lines.append("")
        lines.append(f"{number}. {change.kind} {block.kind_name}{section} ({source_line})")
        if change.before:
            lines.append(f"   before: {change.before.text}")
        if change.after:
            lines.append(f"   after:  {change.after.text}")
        if change.before and change.after:
            lines.append(f"   words:  {_word_changes(change.before.text, change.after.text)}")
        if change.translation is not None:
            lines.append(f"   now:    {change.translation}")
        where = "insert after" if change.insert else (
            "remove" if change.kind == "removed" else "update")
        lines.append(f"   {translation}:{change.translation_line}: {where} the matching block")
    return lines


def _word_changes(before: str, after: str) -> str:
    """The words that changed: 'old' → 'new', + 'added', - 'removed'."""
    old, new = before.split(), after.split()
    parts = []
    for operation, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new).get_opcodes():
        if operation == "replace":
            parts.append(f"\"{' '.join(old[i1:i2])}\" → \"{' '.join(new[j1:j2])}\"")
        elif operation == "delete":
            parts.append(f"- \"{' '.join(old[i1:i2])}\"")
        elif operation == "insert":
            parts.append(f"+ \"{' '.join(new[j1:j2])}\"")
    if not parts:
        return "(spacing only)"
    if _letters(old) == _letters(new):
        return "(punctuation only) " + "; ".join(parts)
    return "; ".join(parts)


def _letters(words: list[str]) -> list[str]:
    """The words without their punctuation ("installe !" and "installe." are alike)."""
    letters = ("".join(char for char in word if char.isalnum()) for word in words)
    return [word for word in letters if word]


@dataclass(frozen=True)
class Acceptance:
    """What `accept` recorded for one translation."""

    translation: Path
    followed: Path  # the copy of the French it now follows
    version: str | None  # the French version it now follows
    review: str  # its review state now
    review_reset: bool  # it was "reviewed", but the French changed since: now "draft"


def review_problem(translation: Document, reviewer: str | None) -> str | None:
    """Why `translation` cannot be marked reviewed by `reviewer` (or the reviewer its front
    matter names): nobody named, or its own translator (ISO 17100 asks for a second
    person)."""
    name = (reviewer or translation.reviewer or "").strip()
    if not name:
        return ("--reviewed: who reviewed it? Give --reviewer NAME, or set `reviewer:` in "
                "its front matter")
    if translation.translator and name.casefold() == translation.translator.strip().casefold():
        return (f"--reviewed: {name} translated it; a second person reviews a translation "
                "(ISO 17100)")
    return None


def accept(publication: Publication, lang: str, slug: str,
           reviewed: bool = False, reviewer: str | None = None) -> Acceptance:
    """Record that `lang`'s translation of `slug` now follows the current French.

    Copies the French file to locales/LANG/follows/ and sets the translation's `follows:`
    to the French version. A translation marked reviewed whose French changed since it was
    last accepted goes back to `review: draft`: nobody has reviewed it against the new
    French. `reviewed` records the reviewer's word instead: `review: reviewed` (and
    `reviewer:`, when named here). The caller refuses a translation that `check` finds an
    error in, or that review_problem refuses, before calling this.
    """
    translation_path, source_path = _paths(publication, lang, slug)
    source = _read(publication, source_path, publication.source_language, False)
    translation = _read(publication, translation_path, lang, True)  # refuse one that does not read
    source_changed = _compare(publication, lang, slug)[0] != UP_TO_DATE
    review = "reviewed" if reviewed else "draft" if source_changed else translation.review
    assert review is not None, "a translation's front matter requires review"
    original = read_input(source_path, publication.root, ContentError)
    text = read_input_text(translation_path, publication.root, ContentError)
    updated = text
    if source.version is not None:
        updated = with_front_matter(updated, "follows", _quoted(source.version))
    if review != translation.review:
        updated = with_front_matter(updated, "review", review)
    if reviewed and reviewer and reviewer != translation.reviewer:
        updated = with_front_matter(updated, "reviewer", _quoted(reviewer))
    followed = follows_path(publication, lang, slug)
    for path in (translation_path, followed):
        checked_folder(path, publication.root, ContentError)
    # Both or neither: a translation never says it follows a text that was not recorded.
    changed = [(translation_path, updated.encode("utf-8"))] if updated != text else []
    write_all([*changed, (followed, original)])
    return Acceptance(translation_path, follows_path(publication, lang, slug), source.version,
                      review, review_reset=translation.review == "reviewed" and review == "draft")


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def with_front_matter(text: str, key: str, value: str) -> str:
    """A content file's `text` with `key: value` in its front matter: the line replaced
    (its comment kept), or added at the end of the front matter."""
    lines = text.splitlines(keepends=True)
    end = next(index for index, line in enumerate(lines[1:], start=1) if line.strip() == "---")
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    # A quoted value, or a plain one up to a comment; what follows (the comment) is kept.
    value_pattern = r"""("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^#\n]*?(?=[ \t]+#|\s*$))(.*)"""
    for index in range(1, end):
        if match := re.match(rf"{re.escape(key)}:[ \t]*{value_pattern}", lines[index],
                             re.DOTALL):
            lines[index] = f"{key}: {value}{match.group(2)}"
            return "".join(lines)
    lines.insert(end, f"{key}: {value}{newline}")
    return "".join(lines)


def unchanged_version_findings(publication: Publication,
                               sources: list[Document]) -> list[Finding]:
    """A warning, at its `version:` line, for each French document whose text changed since
    a translation accepted it while its version stayed the same: two different texts
    would print the same version, and the translations could not say which they follow."""
    findings = []
    for source in sources:
        changed_in = []
        for lang in publication.target_languages:
            followed = follows_path(publication, lang, source.slug)
            if not followed.exists():
                continue
            try:
                recorded = _read(publication, followed, publication.source_language, False,
                                 True)
            except LeafletError:
                continue
            if recorded.version == source.version and _texts(recorded) != _texts(source):
                changed_in.append(lang)
        if changed_in:
            line = front_matter_line(source.path.read_text(encoding="utf-8"), "version")
            findings.append(Finding(
                source.path, line, "version", f"the text changed since version "
                f"{source.version} was translated ({', '.join(changed_in)}), but `version:` "
                f"did not: give it a new value, so that every leaflet prints which "
                f"{publication.source_name} text it follows", "warning"))
    return findings


def _paths(publication: Publication, lang: str, slug: str) -> tuple[Path, Path]:
    if lang not in publication.target_languages:
        raise LeafletError(publication.path, None, f"'{lang}' is not one of the publication's "
                           f"translations ({', '.join(publication.target_languages)})")
    if slug not in publication.documents:
        raise LeafletError(publication.path, None, f"'{slug}' is not one of the documents "
                           f"({', '.join(publication.documents)})")
    translation = publication.content_dir / lang / f"{slug}.md"
    source = publication.content_dir / publication.source_language / f"{slug}.md"
    if not translation.exists():
        raise ContentError(translation, None, "this translation does not exist yet: copy the "
                           f"{publication.source_name} file there and translate it")
    return translation, source


def parse_accept_refs(publication: Publication, texts: list[str]) -> list[tuple[str, str]]:
    """The translations that `accept` names: `en/cancers`, or `en` for every document
    translated into en, in the publication's order, each once."""
    refs: list[tuple[str, str]] = []
    for text in texts:
        if "/" not in text.strip("/") and not text.endswith(".md"):
            lang = text.strip("/")
            if lang not in publication.target_languages:
                raise LeafletError(publication.path, None, f"'{lang}' is not one of the "
                                   "publication's translations "
                                   f"({', '.join(publication.target_languages)})")
            refs += [(lang, slug) for slug in publication.documents
                     if (publication.content_dir / lang / f"{slug}.md").exists()]
        else:
            refs.append(parse_document_ref(text))
    refs = list(dict.fromkeys(refs))
    for lang, slug in refs:  # every one named rightly before any is recorded
        _paths(publication, lang, slug)
    return refs


def parse_document_ref(text: str) -> tuple[str, str]:
    """`en/cancers`, `en/cancers.md` or `content/en/cancers.md` as ("en", "cancers")."""
    parts = Path(text).with_suffix("").parts if text.endswith(".md") else Path(text).parts
    if len(parts) >= 2:
        return parts[-2], parts[-1]
    raise LeafletError(None, None, f"'{text}': name a translation as LANG/DOCUMENT, "
                                   "e.g. en/cancers")
