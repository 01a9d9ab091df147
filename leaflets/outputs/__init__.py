"""The kinds of output, one module each with the same small interface (see kind.py), and
the table that lists them. Adding a kind is one new module and one line below.

Importing this package is cheap: each kind imports what makes its bytes (WeasyPrint,
ebooklib...) inside `make`, so that a build with nothing to do loads none of it.
"""

from __future__ import annotations

from . import book_pdf, epub_book, leaflet, site
from .kind import Making, Output, OutputKind, Reused, Target

KINDS: dict[str, OutputKind] = {kind.NAME: kind for kind in (
    leaflet,
    book_pdf,
    epub_book,
    site,
)}

# What the command line offers: --format among the kinds' formats, --profile among their
# variants.
FORMATS = tuple(dict.fromkeys(kind.FORMAT for kind in KINDS.values()))
# What a build makes when no --format is given (`make` asks for every format).
DEFAULT_FORMATS = tuple(dict.fromkeys(kind.FORMAT for kind in KINDS.values()
                                      if kind.IN_DEFAULT_BUILD))
VARIANTS = tuple(dict.fromkeys(variant for kind in KINDS.values() for variant in kind.VARIANTS))

__all__ = ["DEFAULT_FORMATS", "FORMATS", "KINDS", "VARIANTS", "Making", "Output", "OutputKind",
           "Reused", "Target"]
