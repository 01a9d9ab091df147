"""`build.py readability`: how easy each leaflet is to read, measured on what a reader reads.

For each document and language: words, sentences, words per sentence, the sentences over
LONG_SENTENCE words (with their line), a reading-ease score, and the key terms used before a
sentence explains them. The scores are Flesch's reading ease (1948) for English and its
adaptation to French by Kandel and Moles (1958), the formulas textstat implements; syllables
are counted with pyphen's hyphenation dictionaries, as textstat does for French. (textstat
itself is not used: for English it downloads a pronouncing dictionary at run time, which an
offline machine cannot.) Both scores share Flesch's scale: 70 and over is "fairly easy",
80 and over "easy". Quotations are left out of the measures: the article's title, cited in
French, is no sentence of an English leaflet.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import pyphen

from .blocks import Block, blocks, unquoted
from .content import Document
from .errors import Finding, excerpt
from .files import shown_path
from .languages import Explanations, LanguageRules, form_pattern, rules_for

LONG_SENTENCE = 20  # listed by `readability`
TOO_LONG_SENTENCE = 25  # a warning in `check`
BANDS = ((90, "very easy"), (80, "easy"), (70, "fairly easy"), (60, "standard"),
         (50, "fairly difficult"), (30, "difficult"), (float("-inf"), "very difficult"))
# What a reader reads in a block: Markdown's marks, link targets and footnote calls aside.
MARKDOWN_MARKS = re.compile(r"!\[[^\]]*\]\([^)]*\)|\[\^[^\]]*\]|\*\*|\*|`|_(?=\w)|(?<=\w)_")
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
SENTENCE_END = re.compile(r"(?<=[.!?…])[\s\u00a0\u202f]+(?=\S)")
READ_KINDS = ("summary", "paragraph", "item", "cell")  # titles and headings are signposts


@dataclass(frozen=True)
class LongSentence:
    line: int
    words: int
    text: str


@dataclass(frozen=True)
class TermUse:
    """A key term used in a leaflet before a sentence there explains it (or never)."""

    term: str
    line: int  # of its first use


@dataclass(frozen=True)
class Readability:
    lang: str
    slug: str
    path: Path
    words: int
    sentences: int
    syllables: int
    formula: str  # "none" for a language with no validated formula (Arabic)
    score: float | None
    long_sentences: tuple[LongSentence, ...]
    unexplained: tuple[TermUse, ...]

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def band(self) -> str:
        if self.score is None:
            return "no formula for this language"
        score = self.score
        return next(name for floor, name in BANDS if score >= floor)


def measure(document: Document, terms: Sequence[tuple[str, str | None]] = (),
            explained_elsewhere: bool = False) -> Readability:
    """The readability of `document`; `terms` are the key terms in its language (singular,
    plural), checked for use before explanation unless `explained_elsewhere` (the glossary,
    which explains them all)."""
    rules = rules_for(document.lang)
    ease = rules.reading_ease
    read = _read_blocks(document)
    sentences = _sentences(read)
    words = [word for _, sentence in sentences for word in WORD.findall(sentence)]
    syllables = 0
    if ease is not None:
        hyphenator = pyphen.Pyphen(lang=ease.dictionary, left=1, right=1)
        syllables = sum(len(hyphenator.positions(word)) + 1 for word in words)
    long = _long_sentences(sentences, LONG_SENTENCE)
    score: float | None = None
    if words and ease is not None:
        score = ease.base - ease.per_word * len(words) / len(sentences) - \
            ease.per_syllable * syllables / len(words)
    # A title or heading may name a term ("What is cryoablation?"); the text explains it.
    running = [block for block in read if block.kind != "summary"]
    unexplained = () if explained_elsewhere or rules.explanations is None else \
        tuple(_unexplained(running, terms, rules, rules.explanations))
    return Readability(document.lang, document.slug, document.path, len(words), len(sentences),
                       syllables, ease.formula if ease else "none",
                       round(score, 1) if score is not None else None, long, unexplained)


def _read_blocks(document: Document) -> list[Block]:
    """The blocks of `document` that are read as prose (not its titles and headings)."""
    return [block for block in blocks(document) if block.kind in READ_KINDS]


def _sentences(read: list[Block]) -> list[tuple[int, str]]:
    """The sentences of the blocks `read`, each with its block's line."""
    return [(block.line, sentence) for block in read
            for sentence in SENTENCE_END.split(reading(block.text)) if WORD.search(sentence)]


def _long_sentences(sentences: list[tuple[int, str]], limit: int) -> tuple[LongSentence, ...]:
    return tuple(LongSentence(line, count, excerpt(sentence, 70)) for line, sentence in sentences
                 if (count := len(WORD.findall(sentence))) > limit)


def reading(text: str) -> str:
    """A block's prose as a reader reads it: links as their text, Markdown's marks gone, and
    quotations left out (a cited title, in its own language, is no sentence of the leaflet)."""
    return MARKDOWN_MARKS.sub("", LINK.sub(r"\1", unquoted(text))).strip()


def long_sentence_findings(document: Document) -> list[Finding]:
    """A warning for each sentence of `document` over TOO_LONG_SENTENCE words."""
    return [Finding(document.path, sentence.line, "readability",
                    f"a sentence of {sentence.words} words (at most {TOO_LONG_SENTENCE}): "
                    f"\"{sentence.text}\"", "warning")
            for sentence in _long_sentences(_sentences(_read_blocks(document)),
                                            TOO_LONG_SENTENCE)]


def _explanation_patterns(way: Explanations) -> tuple[str, str]:
    """A sentence explains a term when the term (or a pair: "la sciatique ou la cruralgie")
    is followed by what it is ("X est", "X :", "X (...)", "X, c'est-à-dire", "X, qui", "X,
    une ...") or announced by its name ("appelé X", "on parle de X", "this is X"): the
    patterns after and before the term, in the words of the language (see languages.py)."""
    paired = rf"(?:\s+(?:{way.pair})\s+(?:{way.articles})?[^\W\d_]+(?:\s+[^\W\d_]+){{0,2}})?"
    comma = "[,\u060c]"  # the Arabic comma too
    after = paired + rf"(?:\s*\(|\s*:\s|{comma}?\s+(?:{way.after_verb})\b" \
        rf"|{comma}\s+(?:{way.after_comma})\b)"
    before = rf"(?:{way.before})\s*(?:{way.before_article})?"
    return after, before


def _unexplained(found: list[Block], terms: Sequence[tuple[str, str | None]],
                 rules: LanguageRules, way: Explanations) -> list[TermUse]:
    explained_after, explained_before = _explanation_patterns(way)
    uses = []
    for singular, plural in terms:
        forms = "|".join(form_pattern(form, rules, endings=False)
                         for form in (plural, singular) if form)
        use = re.compile(rf"(?<![\w-])(?:{forms})(?![\w-])", re.IGNORECASE)
        explanation = re.compile(rf"(?<![\w-])(?:{forms}){explained_after}|"
                                 rf"{explained_before}(?:{forms})(?![\w-])", re.IGNORECASE)
        # A quoted title (the article's) names words without using them.
        first = next((block for block in found if use.search(unquoted(block.text))), None)
        if first is None:
            continue
        explaining = next((block for block in found if explanation.search(block.text)), None)
        if explaining is None or found.index(explaining) > found.index(first):
            uses.append(TermUse(singular, first.line))
    return sorted(uses, key=lambda use: use.line)


def as_table(results: list[Readability], root: Path) -> list[str]:
    """The lines `build.py readability` prints."""
    lines = [f"{'document':<26}{'lang':<6}{'words':>6}{'sentences':>10}{'words/s.':>9}"
             f"{'score':>7}  formula, reading"]
    for result in results:
        lines.append(f"{result.slug:<26}{result.lang:<6}{result.words:>6}{result.sentences:>10}"
                     f"{result.words_per_sentence:>9.1f}"
                     f"{'-' if result.score is None else f'{result.score:.1f}':>7}  "
                     f"{result.formula}, {result.band}")
    for result in results:
        shown = shown_path(result.path, root)
        for sentence in result.long_sentences:
            lines.append(f"{shown}:{sentence.line}: {sentence.words} words: \"{sentence.text}\"")
        for use in result.unexplained:
            lines.append(f"{shown}:{use.line}: '{use.term}' is used before it is explained")
    return lines


def as_json(results: list[Readability], root: Path) -> str:
    return json.dumps([{**{key: value for key, value in asdict(result).items()
                           if key not in ("path", "long_sentences", "unexplained")},
                        "file": shown_path(result.path, root),
                        "words_per_sentence": round(result.words_per_sentence, 1),
                        "reading": result.band,
                        "long_sentences": [asdict(item) for item in result.long_sentences],
                        "unexplained_terms": [asdict(item) for item in result.unexplained]}
                       for result in results], ensure_ascii=False, indent=2)
