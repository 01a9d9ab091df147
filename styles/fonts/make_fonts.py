"""Make the bundled fonts from the Atkinson Hyperlegible WOFF files of Fontsource.

A maintainer's tool, run once by hand; its output (the .ttf files beside it) is committed.

    npm pack @fontsource/atkinson-hyperlegible@5.3.0
    tar xzf fontsource-atkinson-hyperlegible-5.3.0.tgz
    .venv/bin/python styles/fonts/make_fonts.py package/files

and the Arabic ones from Debian's Noto Sans Arabic 2.005 (fonts-noto-core, SIL OFL 1.1):

    sudo apt-get install -y fonts-noto-core
    .venv/bin/python styles/fonts/make_fonts.py --arabic /usr/share/fonts/truetype/noto

Atkinson Hyperlegible (SIL OFL 1.1, Braille Institute of America) has no U+202F NARROW
NO-BREAK SPACE, U+2009 THIN SPACE or U+2011 NON-BREAKING HYPHEN, which French typography
needs; without them the PDF would silently fall back to a system font for those characters.
This script adds them (empty glyphs of fixed width, and a copy of the hyphen) and renames the
family, as the OFL asks of a modified version, so that the PDF's font list shows it is ours.
"""

import sys
from pathlib import Path

from fontTools.ttLib import TTFont

FAMILY = "Atkinson Hyperlegible Leaflet"
STYLES = {
    "400-normal": "Regular",
    "700-normal": "Bold",
    "400-italic": "Italic",
    "700-italic": "BoldItalic",
}
# Widths in font units (1000 per em); the space is 280. A narrow space of half a space
# separates "?" from its word visibly at large print sizes without opening a gap.
ADDED_SPACES = {0x202F: ("uni202F", 140), 0x2009: ("uni2009", 200)}


def add_empty_glyph(font: TTFont, codepoint: int, name: str, width: int) -> None:
    """Add a blank glyph of `width` units mapped to `codepoint` in every Unicode cmap."""
    glyf = font["glyf"]
    glyf.glyphs[name] = glyf.glyphs[".notdef"].__class__()  # an empty outline
    glyf.glyphs[name].numberOfContours = 0
    add_to_tables(font, codepoint, name, (width, 0))


def add_copied_glyph(font: TTFont, codepoint: int, name: str, source: str) -> None:
    """Add `name` as a copy of glyph `source`, mapped to `codepoint`."""
    glyf = font["glyf"]
    glyf.glyphs[name] = glyf[source]
    add_to_tables(font, codepoint, name, font["hmtx"][source])


def add_to_tables(font: TTFont, codepoint: int, name: str, metrics: tuple[int, int]) -> None:
    font["hmtx"][name] = metrics
    order = [*font.getGlyphOrder(), name]
    font.setGlyphOrder(order)
    font["glyf"].glyphOrder = order
    font["maxp"].numGlyphs = len(order)
    for table in font["cmap"].tables:
        if table.isUnicode():
            table.cmap[codepoint] = name


def rename(font: TTFont, style: str, family: str = FAMILY, version: str = "1.006") -> None:
    """Give the modified font its own family name (name IDs 1, 2, 3, 4, 6; 16 and 17 go)."""
    postscript = family.replace(" ", "") + "-" + style
    subfamily = {"BoldItalic": "Bold Italic"}.get(style, style)
    names = {
        1: family,
        2: subfamily,
        3: f"{version};leaflet;{postscript}",
        4: f"{family} {subfamily}",
        6: postscript,
    }
    for record in list(font["name"].names):
        if record.nameID in (16, 17):
            font["name"].removeNames(nameID=record.nameID)
    for name_id, value in names.items():
        font["name"].setName(value, name_id, 3, 1, 0x409)
        font["name"].setName(value, name_id, 1, 0, 0)


ARABIC_FAMILY = "Noto Sans Arabic Leaflet"
# The Arabic script's blocks, the marks Arabic text needs (joiners, direction marks), and
# the spaces, digits and punctuation the font has for them: Pango draws those with the
# font of the Arabic words around them, and without them they would print as empty boxes.
# Latin words come from Atkinson Hyperlegible, first in every font-family list.
ARABIC_RANGES = [(0x0020, 0x00FF), (0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF),
                 (0xFB50, 0xFDFF), (0xFE70, 0xFEFF), (0x2000, 0x206F)]


def make_arabic(noto_dir: str) -> None:
    """Noto Sans Arabic, subset to the Arabic script with all its shaping features, under
    its own family name."""
    from fontTools import subset

    out_dir = Path(__file__).parent
    for style in ("Regular", "Bold"):
        font = TTFont(Path(noto_dir) / f"NotoSansArabic-{style}.ttf")
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[code for start, end in ARABIC_RANGES
                                     for code in range(start, end + 1)])
        subsetter.subset(font)
        rename(font, style, ARABIC_FAMILY, "2.005")
        target = out_dir / f"{ARABIC_FAMILY.replace(' ', '')}-{style}.ttf"
        font.save(target)
        print(target)


def main(source_dir: str) -> None:
    out_dir = Path(__file__).parent
    for suffix, style in STYLES.items():
        font = TTFont(Path(source_dir) / f"atkinson-hyperlegible-latin-{suffix}.woff")
        font.flavor = None
        for codepoint, (name, width) in ADDED_SPACES.items():
            add_empty_glyph(font, codepoint, name, width)
        add_copied_glyph(font, 0x2011, "uni2011", "hyphen")
        rename(font, style)
        target = out_dir / f"{FAMILY.replace(' ', '')}-{style}.ttf"
        font.save(target)
        print(target)


if __name__ == "__main__":
    if sys.argv[1] == "--arabic":
        make_arabic(sys.argv[2])
    else:
        main(sys.argv[1])
