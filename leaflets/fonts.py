"""The bundled fonts (styles/fonts/*.ttf) and the characters they can draw.

The pages may use only these fonts (styles/fonts.css lists them, Atkinson Hyperlegible first
and Noto Sans Arabic for the Arabic script). A character none of them has would be printed
with whatever font the machine has, or as an empty box: it is an error in the content or
catalog that holds it, named with its file and line, before anything is laid out.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import Finding
from .inputs import listed, read_input

MAX_FONT_BYTES = 16 * 1024 * 1024  # a font with the whole of a script's glyphs


@dataclass(frozen=True)
class BundledFont:
    path: Path
    characters: frozenset[int]

    @property
    def family(self) -> str:
        """The family, as the file names it ("AtkinsonHyperlegibleLeaflet-Bold.ttf")."""
        return self.path.name.split("-")[0]


def bundled_fonts(fonts_dir: Path, root: Path) -> list[BundledFont]:
    """Every font of `fonts_dir`, with the characters it maps."""
    return [BundledFont(path, _characters(read_input(path, root, limit=MAX_FONT_BYTES)))
            for path in listed(fonts_dir, "*.ttf")]


@lru_cache(maxsize=8)
def _characters(font: bytes) -> frozenset[int]:
    """The characters the font `font` (a file's bytes) maps. Kept with the bytes (a few
    hundred KB here, 16 MB at most, 8 fonts): each check and each e-book reads the same
    few fonts."""
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(io.BytesIO(font), lazy=True).getBestCmap() or {})


def drawn(char: str) -> bool:
    """Whether `char` needs a glyph: line breaks, controls and format characters (joiners,
    direction marks) do not."""
    return not (char in "\n\r\t" or unicodedata.category(char) in ("Cc", "Cf"))


def coverage_findings(path: Path, text: str, fonts: list[BundledFont],
                      first_line: int = 1) -> list[Finding]:
    """One error per line of `text` (from `path`, its first line numbered `first_line`)
    holding characters no bundled font has."""
    if not fonts:
        return []  # no styles/fonts/ at all: the stylesheets' fonts fail to load, said once
    covered = frozenset().union(*(font.characters for font in fonts))
    if all(ord(char) in covered or not drawn(char) for char in set(text)):
        return []  # most texts: each of their few distinct characters looked at once
    findings = []
    for number, line in enumerate(text.splitlines(), start=first_line):
        missing = dict.fromkeys(char for char in line if drawn(char) and ord(char) not in covered)
        if missing:
            shown = ", ".join(f'"{char}" (U+{ord(char):04X})' for char in missing)
            findings.append(Finding(
                path, number, "font",
                f"no bundled font has {shown}: it would print with a system font or as an "
                "empty box; add a font that has it to styles/fonts/ (and styles/fonts.css), "
                "or write it otherwise"))
    return findings
