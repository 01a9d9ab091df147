"""What every kind of output has in common: the targets the driver plans, the output a
worker makes, and the small interface each kind's module offers.

A kind of output is one module of this package with:

- NAME: its name in the build's record ("leaflet", "book-pdf", "epub");
- FORMAT: what `--format` chooses it by ("pdf", "epub");
- VARIANTS: what `--profile` chooses among (a leaflet's profiles; none: always made);
- IN_DEFAULT_BUILD: made by a build given no --format;
- plan(project, lang, variants) -> list[Target]: the outputs it makes in `lang`;
- facts(project, target) -> list[str]: the values an output shows besides the files its
  making reads (a document's review dates and draft mark, the date a book carries): part
  of the output's key, computed without making it;
- make(making) -> Output: the output's bytes, a pure function of the project and target.

`outputs.KINDS` lists them; the driver never compares a kind's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..pdf import PdfStyles
    from ..project import Project
    from .common import Renderers


@dataclass(frozen=True)
class Target:
    """One output file to make, and what it is made of."""

    kind: str  # its kind's NAME
    lang: str
    slug: str  # the document's, or the book's
    output: Path  # under dist/LANG/
    variant: str = ""  # a leaflet's profile
    documents: tuple[str, ...] = ()  # the documents it shows
    budgeted: bool = False  # its A5 pages count against its document's `pages:` budget
    # Outputs whose bytes it reuses when this build has them current (a booklet imposes
    # its leaflet's screen PDF rather than laying the pages out again; the site copies the
    # PDFs and tells their sizes): made first.
    needs: tuple[Target, ...] = ()


@dataclass(frozen=True)
class Output:
    """A made target: its bytes, its number of pages for a PDF, and what making it read."""

    data: bytes
    pages: int | None = None
    seconds: float = 0.0  # the time it took to make
    reads: tuple[str, ...] = ()  # see keys.read_entries


@dataclass(frozen=True)
class Reused:
    """An output that another target reuses (see Target.needs): its bytes, and its number
    of pages for a PDF."""

    data: bytes
    pages: int | None = None


@dataclass(frozen=True)
class Making:
    """What a kind's `make` receives."""

    project: Project
    target: Target
    renderers: Renderers  # one per language, kept by the process between targets
    pdf_styles: PdfStyles  # the PDFs' parsed stylesheets, kept likewise
    # What `target.needs` made, in the same order: None for one not current.
    needed: tuple[Reused | None, ...] = ()


class OutputKind(Protocol):
    """The interface of a kind's module (see the module's docstring)."""

    __name__: str  # the module's: its imports tell which libraries make its outputs
    NAME: str
    FORMAT: str
    VARIANTS: tuple[str, ...]
    IN_DEFAULT_BUILD: bool

    def plan(self, project: Project, lang: str,
             variants: tuple[str, ...]) -> list[Target]: ...

    def facts(self, project: Project, target: Target) -> list[str]: ...

    def make(self, making: Making) -> Output: ...


def book_targets(project: Project, lang: str, kind: str, extension: str,
                 variant: str = "") -> list[Target]:
    """The book of `lang`, made by `kind` as dist/LANG/<book>.<extension>, showing every
    document in `lang` (none when there is none)."""
    slugs = tuple(project.slugs_in(lang))
    if not slugs:
        return []
    slug = project.publication.book.slug
    return [Target(kind, lang, slug, project.publication.dist_dir / lang / f"{slug}.{extension}",
                   variant, slugs)]
