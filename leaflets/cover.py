"""The e-book's cover image, drawn with Pillow in the book's language and bundled font."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .inputs import note_read

COVER_SIZE = (1600, 2560)
BAND = (11, 79, 108)  # the leaflets' accent colour, #0b4f6c
PAPER = (255, 255, 255)
INK = (26, 26, 26)
WARNING = (155, 28, 28)  # the leaflets' draft mark, #9b1c1c
MARGIN = 140


def draw_cover(title: str, subtitle: str, publisher: str, fonts_dir: Path,
               draft_band: str | None = None) -> bytes:
    """Return a PNG cover, COVER_SIZE pixels, with the title, subtitle and publisher, and
    `draft_band` across its top when the book holds translations not fit to print clean."""
    image = Image.new("RGB", COVER_SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    bold = fonts_dir / "AtkinsonHyperlegibleLeaflet-Bold.ttf"
    regular = fonts_dir / "AtkinsonHyperlegibleLeaflet-Regular.ttf"
    note_read(bold, regular)
    width = COVER_SIZE[0] - 2 * MARGIN
    draw.rectangle([(0, 0), (COVER_SIZE[0], 1500)], fill=BAND)
    y = _draw_wrapped(draw, title, ImageFont.truetype(str(bold), 150), width, MARGIN + 260,
                      PAPER, 1.15)
    draw.line([(MARGIN, y + 70), (MARGIN + 400, y + 70)], fill=PAPER, width=12)
    _draw_wrapped(draw, subtitle, ImageFont.truetype(str(regular), 90), width, 1620, INK, 1.3)
    _draw_wrapped(draw, publisher, ImageFont.truetype(str(regular), 64), width, 2300, BAND, 1.3)
    if draft_band:
        draw.rectangle([(0, 0), (COVER_SIZE[0], 230)], fill=PAPER)
        _draw_wrapped(draw, draft_band, ImageFont.truetype(str(bold), 64), width, 40, WARNING,
                      1.2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")  # optimize=True halves the speed for 3 % smaller
    return buffer.getvalue()


def _draw_wrapped(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont,
                  width: int, top: int, colour: tuple[int, int, int], leading: float) -> int:
    """Draw `text` wrapped to `width` from `top`; return the baseline of the last line."""
    lines: list[str] = []
    # A word longer than a line (a catalog's mistake) is cut: a text is drawn, never an
    # image as wide as the word.
    words = [piece for word in text[:400].split() for piece in textwrap.wrap(word, 24)]
    for word in words:
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    step = int(font.size * leading)
    for index, line in enumerate(lines):
        draw.text((MARGIN, top + index * step), line, font=font, fill=colour)
    return top + len(lines) * step
