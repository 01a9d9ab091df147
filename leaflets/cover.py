"""The e-book's cover image, drawn with Pillow in the book's language and bundled font."""

from __future__ import annotations

import io
import textwrap

from PIL import Image, ImageDraw, ImageFont

from .fonts import BundledFont
from .inputs import note_read

COVER_SIZE = (1600, 2560)
BAND = (11, 79, 108)  # the leaflets' accent colour, #0b4f6c
PAPER = (255, 255, 255)
INK = (26, 26, 26)
WARNING = (155, 28, 28)  # the leaflets' draft mark, #9b1c1c
MARGIN = 140


# The bundled families, in the order of styles/fonts.css's font-family lists.
FAMILIES = ("AtkinsonHyperlegibleLeaflet", "NotoSansArabicLeaflet")


def draw_cover(title: str, subtitle: str, publisher: str, fonts: list[BundledFont],
               draft_band: str | None = None, right_to_left: bool = False,
               families: tuple[str, ...] = FAMILIES, reduced: int = 1) -> bytes:
    """Return a PNG cover, COVER_SIZE pixels (divided by `reduced` for a thumbnail), with
    the title, subtitle and publisher, and `draft_band` across its top when the book holds
    translations not fit to print clean. Each text is drawn with the bundled family that
    has all its letters (Noto Sans Arabic for Arabic), shaped by HarfBuzz through Pillow's
    raqm layout, and set from the right for a language written right to left."""
    image = Image.new("RGB", COVER_SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    texts = Texts(fonts, right_to_left, families)
    width = COVER_SIZE[0] - 2 * MARGIN
    draw.rectangle([(0, 0), (COVER_SIZE[0], 1500)], fill=BAND)
    y = _draw_wrapped(draw, title, texts.font(title, "Bold", 150), width, MARGIN + 260,
                      PAPER, 1.15, texts)
    rule = (MARGIN, MARGIN + 400) if not right_to_left else \
        (COVER_SIZE[0] - MARGIN - 400, COVER_SIZE[0] - MARGIN)
    draw.line([(rule[0], y + 55), (rule[1], y + 55)], fill=PAPER, width=12)
    _draw_wrapped(draw, subtitle, texts.font(subtitle, "Regular", 90), width, 1620, INK, 1.3,
                  texts)
    _draw_wrapped(draw, publisher, texts.font(publisher, "Regular", 64), width, 2300, BAND,
                  1.3, texts)
    if draft_band:
        draw.rectangle([(0, 0), (COVER_SIZE[0], 230)], fill=PAPER)
        _draw_wrapped(draw, draft_band, texts.font(draft_band, "Bold", 64), width, 40,
                      WARNING, 1.2, texts)
    return png(image, reduced)


def png(image: Image.Image, reduced: int = 1) -> bytes:
    """`image` as PNG bytes, its sides divided by `reduced` (a thumbnail)."""
    if reduced > 1:
        image = image.reduce(reduced)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")  # optimize=True halves the speed for 3 % smaller
    return buffer.getvalue()


class Texts:
    """The cover's fonts, chosen for each text, and its direction."""

    def __init__(self, fonts: list[BundledFont], right_to_left: bool,
                 families: tuple[str, ...]) -> None:
        self.direction = "rtl" if right_to_left else "ltr"
        self.paths = {font.path.stem: font.path for font in fonts}
        regular = {font.family: font.characters for font in fonts
                   if font.path.stem.endswith("-Regular")}
        self.families = [(family, regular[family]) for family in families if family in regular]

    def font(self, text: str, style: str, size: int) -> ImageFont.FreeTypeFont:
        """The first family whose regular font has every letter of `text`."""
        needed = {ord(char) for char in text if not char.isspace()}
        family = next((family for family, characters in self.families
                       if needed <= characters), FAMILIES[0])
        path = self.paths[f"{family}-{style}"]
        note_read(path)
        return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.RAQM)


def _draw_wrapped(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont,
                  width: int, top: int, colour: tuple[int, int, int], leading: float,
                  texts: Texts) -> int:
    """Draw `text` wrapped to `width` from `top`, from the left or from the right; return
    the bottom of the last line, below its deepest letter (Arabic's reach further down)."""
    direction = texts.direction
    lines: list[str] = []
    # A word longer than a line (a catalog's mistake) is cut: a text is drawn, never an
    # image as wide as the word.
    words = [piece for word in text[:400].split() for piece in textwrap.wrap(word, 24)]
    for word in words:
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font, direction=direction) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    step = int(font.size * leading)
    for index, line in enumerate(lines):
        x = MARGIN if direction == "ltr" else \
            COVER_SIZE[0] - MARGIN - draw.textlength(line, font=font, direction=direction)
        draw.text((x, top + index * step), line, font=font, fill=colour, direction=direction)
    return top + (len(lines) - 1) * step + sum(font.getmetrics())
