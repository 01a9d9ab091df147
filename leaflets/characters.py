"""Characters that change what a reader sees without being seen, and characters no page can
hold: content and catalogs are untrusted, so the checks read text as it will be printed.

- Bidirectional controls (U+202A-U+202E, U+2066-U+2069) reorder the printed text: "-70 °C"
  behind U+202E prints "C° 07-". They are errors: a language's direction comes from
  `languages.rtl`, never from the text.
- Zero-width and other invisible format characters (U+200B, U+2060-U+2064, U+FEFF, the soft
  hyphen U+00AD) hide a word from a search or a check. They are warnings. The joiners U+200C
  and U+200D and the marks U+200E, U+200F and U+061C are left alone: Arabic and other scripts
  need them.
- Characters XML cannot hold (C0 controls but tab and line breaks, surrogates, U+FFFE,
  U+FFFF) would make a page malformed: the content is refused.
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

from .errors import Finding

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
SCRIPT_FORMAT = frozenset("\u200c\u200d\u200e\u200f\u061c")  # joiners and direction marks
# What matching reads instead: format characters gone, the non-breaking hyphen a hyphen.
MATCHING_FORM = {ord("\u2011"): "-"}
UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def invisible(text: str) -> list[tuple[str, str]]:
    """(character, "error" or "warning") for each invisible character of `text` that is not
    part of a script's own writing, in order, each once."""
    found: dict[str, str] = {}
    for char in text:
        if char in BIDI_CONTROLS:
            found.setdefault(char, "error")
        elif unicodedata.category(char) == "Cf" and char not in SCRIPT_FORMAT:
            found.setdefault(char, "warning")
    return list(found.items())


def describe(char: str) -> str:
    """`char` as a user can look it up: "U+202E RIGHT-TO-LEFT OVERRIDE"."""
    return f"U+{ord(char):04X} {unicodedata.name(char, 'format character')}"


def matching_form(text: str) -> str:
    """`text` as the checks compare it: what a reader sees, without the invisible
    characters that could hide a word from them."""
    return "".join(char for char in text.translate(MATCHING_FORM)
                   if unicodedata.category(char) != "Cf")


def first_unprintable(text: str) -> str | None:
    """The first character of `text` that no XML page can hold, if any, written as it is
    or as an HTML character reference ("&#xFFFE;")."""
    match = UNPRINTABLE.search(text)
    if match:
        return match.group(0)
    for reference in CHARACTER_REFERENCE.finditer(text):
        number = reference.group(1)
        code = int(number[1:], 16) if number[:1] in "xX" else int(number)
        char = chr(code) if code <= 0x10FFFF else "\ufffe"
        if code == 0 or UNPRINTABLE.fullmatch(char):
            return char
    return None


CHARACTER_REFERENCE = re.compile(r"&#(x[0-9a-fA-F]{1,8}|X[0-9a-fA-F]{1,8}|[0-9]{1,10});")


def invisible_findings(path: Path, text: str) -> list[Finding]:
    """One finding per line of `text` (a content file) holding invisible characters, typed
    as they are, as HTML references ("&#x202E;") or as YAML escapes ("\\u202E")."""
    findings = []
    for number, line in enumerate(text.splitlines(), start=1):
        decoded = html.unescape(line)
        if "\\u" in line or "\\x" in line:  # a YAML escape, read as YAML reads it
            decoded += _yaml_unescaped(line)
        for char, severity in invisible(decoded):
            what = ("it reorders the printed text: set the language's direction in "
                    "publication.yml (languages.rtl) instead" if severity == "error" else
                    "invisible on the page, it can hide a word from a search or a check")
            findings.append(Finding(path, number, "invisible", f"{describe(char)}: {what}",
                                    severity))
    return findings


def _yaml_unescaped(line: str) -> str:
    """The characters YAML's escapes in `line` stand for (\\uXXXX, \\xXX, \\UXXXXXXXX)."""
    found = []
    for escape in re.finditer(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))",
                              line):
        code = int(next(group for group in escape.groups() if group), 16)
        if code <= 0x10FFFF:
            found.append(chr(code))
    return "".join(found)
