"""What the pipeline knows of each language, in one table: its typography, how its words
take a plural and elide, how a sentence of it explains a term, its reading-ease formula,
and how its dates write the first of the month. Adding a language the publication is
translated into is one entry here (a language without one gets plain English-like rules).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale

NBSP = "\u00a0"  # no-break space
NNBSP = "\u202f"  # narrow no-break space


@dataclass(frozen=True)
class TypographyRules:
    """How one language writes quotes, apostrophes and the spaces around punctuation."""

    double_quotes: tuple[str, str] = ("\u201c", "\u201d")
    single_quotes: tuple[str, str] = ("\u2018", "\u2019")
    apostrophe: str = "\u2019"
    # Space inside double quotes, e.g. French « x ».
    quote_space: str = ""
    # Space set before a punctuation mark, e.g. French ' ?'.
    space_before: dict[str, str] = field(default_factory=dict)
    # Space between a number and its unit or %, and between groups of thousands.
    unit_space: str = NBSP
    thousands_space: str | None = None
    # The language's own punctuation for the keyboard's, after a word: Arabic "؟" for "?".
    punctuation: dict[str, str] = field(default_factory=dict)
    # Digits the pages use, whatever the text was typed with: "latn" (0-9) turns the Arabic
    # and Persian digits (U+0660-0669, U+06F0-06F9) into 0-9; "" leaves them.
    digits: str = ""


@dataclass(frozen=True)
class ReadingEase:
    """A reading-ease formula: base - per_word x words per sentence - per_syllable x
    syllables per word; syllables counted with pyphen's `dictionary`."""

    formula: str
    base: float
    per_word: float
    per_syllable: float
    dictionary: str


@dataclass(frozen=True)
class Explanations:
    """How a sentence explains a term: the term followed by what it is ("X est", "X, qui"),
    or announced by its name ("appelé X"); `pair` joins two terms explained together
    ("la sciatique ou la cruralgie")."""

    pair: str = r"or|and"
    articles: str = r"the\s+"  # between the pair's joining word and its second term
    after_verb: str = r"is|are|means"  # "X is"
    after_comma: str = r"that is|which|an?"  # "X, which"
    before: str = r"called|known as|this is"  # "called X"
    before_article: str = r"an?\s+|the\s+"  # "called a X"


@dataclass(frozen=True)
class LanguageRules:
    typography: TypographyRules = field(default_factory=TypographyRules)
    plural_endings: tuple[str, ...] = ("s",)  # what a word adds in the plural
    # Words elided and glued to the next one (French l'infiltration, d'embolisation), as a
    # pattern; "" where the language has none.
    elision: str = ""
    explanations: Explanations | None = field(default_factory=Explanations)
    reading_ease: ReadingEase | None = ReadingEase("Flesch", 206.835, 1.015, 84.6, "en_GB")
    first_of_month: str = ""  # how a long date writes the 1st when CLDR does not ("1er")
    # Words the hyphenation dictionary breaks wrongly, each with the only places it may
    # break marked "·" ("osteo·arthritis"); a word written without one never breaks.
    hyphenation: tuple[str, ...] = ()
    # What the language glues before a word of a term, as patterns: before its first word
    # (Arabic conjunctions and prepositions, with or without the article: "والتخدير",
    # "بالحقنة", "للحقنة") and before the others (the article an adjective takes with its
    # noun: "التخدير الموضعي").
    first_word_prefix: str = ""
    word_prefix: str = ""
    # The article a dictionary ignores when it orders words (Arabic "ال").
    article: str = ""
    # The language's tailoring of the Unicode collation (CLDR's): a letter ordered as
    # another, after it when all else is equal (Arabic ة with ت).
    sorts_with: dict[str, str] = field(default_factory=dict)


LANGUAGES: dict[str, LanguageRules] = {
    "fr": LanguageRules(
        # Imprimerie nationale usage.
        typography=TypographyRules(
            double_quotes=("«", "»"), single_quotes=("\u201c", "\u201d"), quote_space=NNBSP,
            space_before={";": NNBSP, "!": NNBSP, "?": NNBSP, ":": NBSP},
            thousands_space=NNBSP),
        plural_endings=("s", "x"),
        elision=r"(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)['\u2019]",
        explanations=Explanations(
            pair=r"ou|et", articles=r"la\s+|le\s+|l['’]", after_verb=r"est|sont|veut dire|désigne",
            after_comma=r"c['’]est-à-dire|qui|une?|des",
            before=r"appelée?s?|s['’]appelle(?:nt)?|on parle (?:alors )?d(?:['’]|e\s)|"
                   r"c['’]est (?:la |le |l['’]|une |un )",
            before_article=r"une?\s+|la\s+|le\s+|l['’]"),
        # Kandel and Moles's adaptation of Flesch's formula to French (1958).
        reading_ease=ReadingEase("Kandel-Moles", 207.0, 1.015, 73.6, "fr_FR"),
        first_of_month="1er",
        hyphenation=("cryo·ablation", "cryo·ablations")),
    "en": LanguageRules(
        plural_endings=("s", "es"),
        # The British dictionary WeasyPrint uses cuts these inside a part ("osteoarth-ritis",
        # "corticos-teroid"); French names quoted in English text break as in French.
        hyphenation=("osteo·arthritis", "cortico·steroid", "cortico·steroids",
                     "cryo·neuro·lysis", "neuro·lysis", "endo·metriosis", "endo·metrium",
                     "hospi·talier", "catho·lique", "radio·logie")),
    # Modern Standard Arabic as French hospitals' patients read it, Maghreb usage first:
    # Western digits (CLDR's default for ar), « » quotes, the Arabic comma, semicolon and
    # question mark; no hyphenation (no dictionary, and Arabic does not break words).
    "ar": LanguageRules(
        typography=TypographyRules(
            double_quotes=("«", "»"), single_quotes=("\u201d", "\u201c"),
            punctuation={",": "\u060c", ";": "\u061b", "?": "\u061f"}, digits="latn"),
        plural_endings=(),  # the catalog gives every form (dual, plurals) in full
        # How an Arabic sentence explains a term (nominal sentences, "أي", "يسمى") is not
        # written down yet: readability does not check for Arabic that a term is explained
        # before it is used (README, "Readability").
        explanations=None,
        reading_ease=None,  # no validated formula for Arabic: the pages give none
        first_word_prefix="(?:[\u0648\u0641]?[\u0628\u0643\u0644]?(?:\u0627\u0644|\u0644)?)",
        word_prefix="(?:\u0627\u0644)?", article="\u0627\u0644",
        # CLDR's Arabic collation: teh marbuta with teh, alef maksura with yeh.
        sorts_with={"\u0629": "\u062a", "\u0649": "\u064a"}),
    "es": LanguageRules(
        typography=TypographyRules(double_quotes=("«", "»"), single_quotes=("\u201c", "\u201d")),
        plural_endings=("s", "es")),
    "de": LanguageRules(
        typography=TypographyRules(double_quotes=("\u201e", "\u201c"),
                                   single_quotes=("\u201a", "\u2018")),
        plural_endings=("e", "en", "n", "s", "er")),
}


def form_pattern(form: str, rules: LanguageRules, endings: bool = True,
                 between: str = r"[\s\u00a0\u202f]+") -> str:
    """A pattern for the words of `form` as the language writes them in running text: each
    word with the language's plural endings (`endings`), the first with what the language
    glues before a word, the others with their article (Arabic "بالحقنة الموضعية" for
    "حقنة موضعية"), `between` the words."""
    plural = "|".join(re.escape(ending) for ending in rules.plural_endings)
    ending = rf"(?:{plural})?" if plural and endings else ""
    return between.join(
        (rules.first_word_prefix if index == 0 else rules.word_prefix) + re.escape(word) + ending
        for index, word in enumerate(form.split()))


def rules_for(lang: str) -> LanguageRules:
    """The rules of `lang` (its base language for a regional code such as pt-BR), plain
    English-like rules for a language the table does not know."""
    return LANGUAGES.get(lang, LANGUAGES.get(lang.replace("-", "_").split("_")[0],
                                             LanguageRules()))


def language_name(code: str) -> str:
    """`code`'s name in English, for the pipeline's messages ("French" for fr)."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(babel_identifier(code)).get_display_name("en") or code
    except (UnknownLocaleError, ValueError):
        return code


def babel_identifier(code: str) -> str:
    """The Babel (CLDR) identifier of a language's BCP 47 tag, the form the publication,
    its folders and its pages use: pt-BR is pt_BR, sr-Latn is sr_Latn."""
    return code.replace("-", "_")


def language_tag(locale: Locale) -> str:
    """The BCP 47 tag of a Babel locale: pt_BR is pt-BR."""
    from babel.core import get_locale_identifier

    return get_locale_identifier((locale.language, locale.territory, locale.script,
                                  locale.variant), sep="-")
