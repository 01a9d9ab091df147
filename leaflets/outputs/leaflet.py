"""A leaflet as a PDF, in each of its profiles (how one leaflet is laid out for each use):

- screen: A5, to download and read on screen (dist/LANG/<doc>.pdf);
- print: PDF/X-4 for a print shop, A5 trim with 3 mm bleed, crop marks and a slug line
  (<doc>.print.pdf);
- booklet: the screen pages imposed two-up on A4 landscape in saddle-stitch order, to print
  double-sided on an office printer and fold (<doc>.booklet.pdf);
- large: A4, 16 pt text and more, for readers with low vision (<doc>.large.pdf).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .kind import Making, Output, Target

if TYPE_CHECKING:
    from ..pdf import RenderedPdf
    from ..project import Project

NAME = "leaflet"
FORMAT = "pdf"
IN_DEFAULT_BUILD = True


@dataclass(frozen=True)
class Profile:
    name: str
    suffix: str  # before ".pdf" in the output's name
    stylesheets: tuple[str, ...]  # under styles/, after leaflet.css
    imposed: bool = False  # the A5 pages put two-up on A4 sheets
    # For a print shop: PDF/X-4 in the press's colours, crop marks drawn outside the bleed
    # that the profile's stylesheet sets, and a slug line.
    for_press: bool = False
    # The leaflet's `pages:` budget counts A5 pages; the A4 large print has its own count.
    budgeted: bool = True


PROFILES = {
    "screen": Profile("screen", "", ()),
    "print": Profile("print", ".print", ("print.css",), for_press=True),
    "booklet": Profile("booklet", ".booklet", (), imposed=True),
    "large": Profile("large", ".large", ("large.css",), budgeted=False),
}
VARIANTS = tuple(PROFILES)


def plan(project: Project, lang: str, variants: tuple[str, ...]) -> list[Target]:
    folder = project.publication.dist_dir / lang
    documents = project.contents.documents(lang)
    targets = []
    for profile in (PROFILES[name] for name in VARIANTS if name in variants):
        for document in documents:
            slug = document.slug
            screen = Target(NAME, lang, slug, folder / f"{slug}.pdf", "screen", (slug,), True)
            targets.append(screen if profile.name == "screen" else Target(
                NAME, lang, slug, folder / f"{slug}{profile.suffix}.pdf", profile.name,
                (slug,), profile.budgeted, (screen,) if profile.imposed else ()))
    return targets


def facts(project: Project, target: Target) -> list[str]:
    from .common import record_facts

    # Besides its history, a leaflet prints the languages it is also available in.
    return [*record_facts(project, target.lang, target.documents),
            ",".join(project.languages_of(target.slug))]


def make(making: Making) -> Output:
    """One leaflet PDF. A booklet imposes the leaflet's screen PDF when it is already made
    (`making.needed`), rather than laying the pages out again."""
    from ..imposition import impose_booklet, prepare_for_press

    profile = PROFILES[making.target.variant]
    if profile.imposed:
        reused = making.needed[0] if making.needed else None
        screen = reused.data if reused else _lay_out(making, PROFILES["screen"]).data
        renderer = making.renderers.get(making.project, making.target.lang)
        title = renderer.plain(making.project.document(making.target.lang,
                                                       making.target.slug).title)
        rtl = making.project.publication.direction(making.target.lang) == "rtl"
        data, pages = impose_booklet(screen, making.target.lang, title,
                                     _printing_note(making).data, right_to_left=rtl)
        return Output(data, pages)
    rendered = _lay_out(making, profile)
    if profile.for_press:
        return Output(prepare_for_press(rendered.data), rendered.pages)
    return Output(rendered.data, rendered.pages)


def _lay_out(making: Making, profile: Profile) -> RenderedPdf:
    from ..pdf import pdf_job, write_pdf
    from .common import document_record

    project, target = making.project, making.target
    markup = project.markup(target.lang, target.slug)
    html = making.renderers.get(project, target.lang).leaflet(
        markup, record=document_record(project, target.lang, target.slug),
        languages=project.languages_of(target.slug), for_press=profile.for_press)
    return write_pdf(pdf_job(project.publication, html, target.lang, markup.document.path,
                             target.output, ("leaflet.css", *profile.stylesheets),
                             for_press=profile.for_press), making.pdf_styles)


def _printing_note(making: Making) -> RenderedPdf:
    """A sheet with nothing but the booklet's printing note, in the leaflet's language."""
    from ..pdf import pdf_job, write_pdf

    project, target = making.project, making.target
    publication = project.publication
    source = project.document(target.lang, target.slug).path
    html = making.renderers.get(project, target.lang).booklet_note()
    return write_pdf(pdf_job(publication, html, target.lang, source, target.output,
                             ("booklet.css",)), making.pdf_styles)
