"""Per-language typography as a Python-Markdown extension.

Authors type plain keyboard text ("Que faire ?", "l'infiltration", "-70 °C"); the pipeline
sets the spaces, quotes, apostrophes and minus signs each language's usage asks for. The rules
of every language live in the table of languages (languages.py), and nowhere else.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from .languages import TypographyRules, rules_for

MINUS = "\u2212"
UNITS = r"°C|°F|°|%|‰|mm|cm|km|m|mg|kg|g|ml|mL|l|L|h|min|s"
SKIPPED_TAGS = {"code", "pre", "kbd", "samp", "script", "style"}
WESTERN_DIGITS = {**{0x0660 + n: str(n) for n in range(10)},
                  **{0x06F0 + n: str(n) for n in range(10)}}


def typography_for(lang: str) -> TypographyRules:
    """The typography of `lang`, from the table of languages."""
    return rules_for(lang).typography


OPENING_CONTEXT = " \t\n\u00a0\u202f([{\u2014\u2013-/«\u201c\u2018\u201e"


def apply(text: str, rules: TypographyRules, previous: str = "") -> str:
    """Return `text` set in the typography of `rules`.

    `previous` is the character just before `text` in its block (the end of the preceding
    inline element), so that a quote or punctuation mark at the start of `text` is read right.
    """
    context = previous[-1:] or "\n"
    text = context + text
    text = text.replace("...", "\u2026")
    text = re.sub(r"(?<=\s)--?(?=\s)", "\u2013", text)
    text = re.sub(r"(?<=[\s(\[\u00a0\u202f])-(?=\d)", MINUS, text)
    text = _quotes(text, rules)
    text = re.sub(r"(?<=\w)'(?=\w)", rules.apostrophe, text)
    if rules.quote_space:
        text = re.sub(r"«[ \u00a0\u202f]*", "«" + rules.quote_space, text)
        text = re.sub(r"[ \u00a0\u202f]*»", rules.quote_space + "»", text)
    for typed, own in rules.punctuation.items():
        # After a word and before a space or the end: "1,5" and "?q=" stay as they are.
        text = re.sub(rf"(?<=\w){re.escape(typed)}(?=\s|$)", own, text)
    if rules.digits == "latn":
        text = text.translate(WESTERN_DIGITS)
    text = _space_before_punctuation(text, rules)
    text = re.sub(rf"(\d)[ \u00a0\u202f]+({UNITS})(?![\w])", rf"\1{rules.unit_space}\2", text)
    if rules.thousands_space:
        text = re.sub(r"(?<=\d) (?=\d{3}(?!\d))", rules.thousands_space, text)
    return text[1:]


def _quotes(text: str, rules: TypographyRules) -> str:
    """Turn straight quotes into the language's opening and closing quotes."""
    out: list[str] = []
    for index, char in enumerate(text):
        if char not in "\"'" or index == 0:
            out.append(char)
            continue
        before = out[-1] if out else "\n"
        opening = before in OPENING_CONTEXT
        if char == "'":
            if before.isalnum():  # an apostrophe (l'infiltration, don't)
                out.append(rules.apostrophe)
            else:
                out.append(rules.single_quotes[0] if opening else rules.single_quotes[1])
            continue
        if opening:
            out.append(rules.double_quotes[0])
        else:
            out.append(rules.double_quotes[1])
    return "".join(out)


def _space_before_punctuation(text: str, rules: TypographyRules) -> str:
    for mark, space in rules.space_before.items():
        # Only before a mark that ends a phrase, so "14:30" and "https://" stay as they are.
        text = re.sub(rf"(?<=[^\s\u00a0\u202f(\[«;!?:]|»)[ \u00a0\u202f]*({re.escape(mark)}[!?;]*)"
                      r"(?=\s|$|[)\]»\u202f\u00a0\u201d.,])",
                      space + r"\1", text)
    return text


class TypographyTreeprocessor(Treeprocessor):
    """Applies `apply` to every text of the document, in reading order, code excepted."""

    def __init__(self, md: Markdown, rules: TypographyRules) -> None:
        super().__init__(md)
        self.rules = rules

    def run(self, root: ElementTree.Element) -> None:
        self._walk(root, "")

    def _walk(self, element: ElementTree.Element, previous: str) -> str:
        if element.tag in SKIPPED_TAGS:
            return "x"  # code reads as a word for the punctuation that follows it
        if element.text:
            element.text = apply(element.text, self.rules, previous)
            previous = element.text
        for attribute in ("alt", "title"):
            if value := element.get(attribute):
                element.set(attribute, apply(value, self.rules))
        for child in element:
            previous = self._walk(child, previous)
            if child.tail:
                child.tail = apply(child.tail, self.rules, previous)
                previous = child.tail
        return previous


class TypographyExtension(Extension):
    """`TypographyExtension(lang="fr")`: set text in that language's typography."""

    def __init__(self, **kwargs: object) -> None:
        self.config = {"lang": ["en", "language code whose rules apply"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's API)
        rules = typography_for(self.getConfig("lang"))
        # After 'inline' (20) has made the text nodes and after 'toc' (5) has made the
        # anchors from the plain text.
        md.treeprocessors.register(TypographyTreeprocessor(md, rules), "typography", 4)


def keep_last_two_words(text: str) -> str:
    """`text` with its last two words held together (a no-break space), so that a title's
    last line never holds one word alone ("tendons", "l'imagerie")."""
    before, space, last = text.rpartition(" ")
    return f"{before}\u00a0{last}" if space and before.strip() else text
