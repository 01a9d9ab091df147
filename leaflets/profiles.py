"""The PDF profiles: how one leaflet is laid out for each use.

- screen: A5, to download and read on screen (dist/LANG/<doc>.pdf);
- print: A5 trim with 3 mm bleed and crop marks, for a print shop (<doc>.print.pdf);
- booklet: the screen pages imposed two-up on A4 landscape in saddle-stitch order, to print
  double-sided on an office printer and fold (<doc>.booklet.pdf);
- large: A4, 16 pt text and more, for readers with low vision (<doc>.large.pdf);
and "book" on the command line: the whole book as one PDF (<book>.pdf).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    suffix: str  # before ".pdf" in the output's name
    stylesheets: tuple[str, ...]  # under styles/, after leaflet.css
    imposed: bool = False  # the A5 pages put two-up on A4 sheets
    crop_marks: bool = False  # drawn outside the bleed that the profile's stylesheet sets
    # The leaflet's `pages:` budget counts A5 pages; the A4 large print has its own count.
    budgeted: bool = True


PROFILES = {
    "screen": Profile("screen", "", ()),
    "print": Profile("print", ".print", ("print.css",), crop_marks=True),
    "booklet": Profile("booklet", ".booklet", (), imposed=True),
    "large": Profile("large", ".large", ("large.css",), budgeted=False),
}

BOOK = "book"  # not a leaflet profile: the whole book's PDF, chosen like one
PROFILE_CHOICES = (*PROFILES, BOOK)
