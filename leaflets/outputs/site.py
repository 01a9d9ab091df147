"""The web edition, in dist/site/: what every leaflet's QR code leads to, and where the
PDFs and e-books are offered. Static files, copied as they are to `online_url`:

- index.html: the languages, each in its own name;
- LANG/index.html: the shelf, every leaflet with its summary, date and files;
- LANG/DOC.html: the leaflet as a web page, with its files and its other languages;
- LANG/DOC.pdf (and .large, .print, .booklet) and LANG/BOOK.epub: the same bytes as the
  other kinds' outputs, which they reuse when this build has them;
- site.css, fonts/ (the bundled fonts) and images/ (the documents' images);
- sitemap.xml: every page at its address, with its other languages (hreflang).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from .kind import Making, Output, Target

if TYPE_CHECKING:
    from ..project import Project

NAME = "site"
FORMAT = "site"
VARIANTS: tuple[str, ...] = ()
# Not yet made by a plain `build.py` (`make` asks for it): `--format site`, or every format.
IN_DEFAULT_BUILD = False
SITE = "site"  # under dist/
HOME, SHELF, PAGE, COPY, ASSET, SITEMAP = "home", "shelf", "page", "copy", "asset", "sitemap"
SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml"
STYLESHEET = "site.css"  # under styles/, and the site's root


def site_dir(project: Project) -> Path:
    return project.publication.dist_dir / SITE


def plan(project: Project, lang: str, variants: tuple[str, ...]) -> list[Target]:
    from . import book_pdf, epub_book, leaflet

    publication = project.publication
    root = site_dir(project)
    targets = []
    if lang == publication.source_language:  # the site's own files, once
        targets.append(Target(NAME, lang, "index", root / "index.html", HOME,
                              tuple(publication.languages)))
        targets.append(Target(NAME, lang, "sitemap", root / "sitemap.xml", SITEMAP,
                              tuple(publication.languages)))
        targets.append(Target(NAME, lang, STYLESHEET, root / STYLESHEET, ASSET))
        for font in sorted((publication.styles_dir / "fonts").glob("*.ttf")):
            targets.append(Target(NAME, lang, font.name,
                                  root / "fonts" / f"{font.stem}.woff2", ASSET))
        images = {image.path for (_, _), markup in sorted(project.markups.items())
                  for image in markup.images}
        for image in sorted(images):
            targets.append(Target(NAME, lang, image.name, root / "images" / image.name, ASSET))
    slugs = tuple(project.slugs_in(lang))
    if not slugs:
        return targets
    folder = root / lang
    targets.append(Target(NAME, lang, "index", folder / "index.html", SHELF, slugs))
    targets += [Target(NAME, lang, slug, folder / f"{slug}.html", PAGE, (slug,))
                for slug in slugs]
    offered = [*leaflet.plan(project, lang, leaflet.VARIANTS),
               *book_pdf.plan(project, lang, ("book",)), *epub_book.plan(project, lang, ())]
    targets += [Target(NAME, lang, other.slug, folder / other.output.name, COPY,
                       other.documents, needs=other) for other in offered]
    return targets


def facts(project: Project, target: Target) -> list[str]:
    from .common import record_facts

    if target.variant in (PAGE, SHELF):
        # The draft marks and histories it prints, and the languages each leaflet is in.
        return [*record_facts(project, target.lang, target.documents),
                *(",".join(project.languages_of(slug)) for slug in target.documents)]
    if target.variant in (HOME, SITEMAP):
        return [",".join(project.slugs_in(lang)) for lang in target.documents]
    return []


def make(making: Making) -> Output:
    target = making.target
    if target.variant == COPY:
        return _copy(making)
    if target.variant == ASSET:
        return Output(_asset(making))
    if target.variant == PAGE:
        return Output(_page(making).encode("utf-8"))
    if target.variant == SHELF:
        return Output(_shelf(making).encode("utf-8"))
    if target.variant == SITEMAP:
        return Output(_sitemap(making))
    return Output(_home(making).encode("utf-8"))


def _copy(making: Making) -> Output:
    """The bytes of another kind's output: those this build made, or made again here."""
    from . import KINDS

    needed = making.target.needs
    assert needed is not None, "a copy names what it copies"
    if making.needed is not None:
        return Output(making.needed)
    made = KINDS[needed.kind].make(Making(making.project, needed, making.renderers))
    return Output(made.data, made.pages)


def _asset(making: Making) -> bytes:
    from ..errors import RenderError
    from ..inputs import read_input

    publication = making.project.publication
    name = making.target.output.name
    if making.target.output.parent.name == "fonts":
        return _woff2(read_input(publication.styles_dir / "fonts" / making.target.slug,
                                 publication.root, RenderError))
    if making.target.output.parent.name == "images":
        source = next(image.path for markup in making.project.markups.values()
                      for image in markup.images if image.path.name == name)
        return read_input(source, publication.root, RenderError)
    # The site's stylesheet: the bundled fonts' faces, as WOFF2, then its own rules.
    faces = read_input(publication.styles_dir / "fonts.css", publication.root, RenderError)
    faces = re.sub(rb'\.ttf"\)\s*format\("truetype"\)', b'.woff2") format("woff2")', faces)
    return faces + b"\n" + read_input(publication.styles_dir / name, publication.root,
                                      RenderError)


def _woff2(ttf: bytes) -> bytes:
    """A bundled font as WOFF2 (Brotli-compressed), for browsers; the same bytes on every
    build (its header's date is left as it is)."""
    import io

    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(ttf), recalcTimestamp=False)
    font.flavor = "woff2"
    output = io.BytesIO()
    font.save(output)
    return output.getvalue()


def _page(making: Making) -> str:
    """The leaflet as a web page."""
    from markupsafe import Markup  # the body: cleaned by markup.py, the page's own HTML

    from .common import document_record, glossary_links

    project, target = making.project, making.target
    publication = project.publication
    renderer = making.renderers.get(project, target.lang)
    markup = project.markup(target.lang, target.slug)
    if target.slug != publication.glossary:
        markup = markup.with_glossary_links(glossary_links(project, target.lang, "html"))
    body = _web_html(markup.html)
    return renderer.page(
        "site_page.html", document=markup.document, body=Markup(body),
        record=document_record(project, target.lang, target.slug),
        stylesheet=f"../{STYLESHEET}", files=_files(target.slug),
        other_languages=[code for code in project.languages_of(target.slug)
                         if code != target.lang],
        url=renderer.online_url(target.slug), rtl_languages=publication.rtl_languages)


def _shelf(making: Making) -> str:
    """Every leaflet of a language, with its summary, date and files."""
    from .common import document_record

    project, target = making.project, making.target
    renderer = making.renderers.get(project, target.lang)
    leaflets = [(project.document(target.lang, slug),
                 document_record(project, target.lang, slug),
                 _files(slug)) for slug in target.documents]
    book = project.publication.book.slug
    return renderer.page("site_shelf.html", leaflets=leaflets, stylesheet=f"../{STYLESHEET}",
                         book_files=[(f"{book}.epub", "epub"), (f"{book}.pdf", "book")])


def _home(making: Making) -> str:
    """The languages of the site, each in its own name."""
    project, target = making.project, making.target
    renderer = making.renderers.get(project, target.lang)
    languages = [lang for lang in target.documents if project.slugs_in(lang)]
    return renderer.page("site_home.html", languages=languages, stylesheet=STYLESHEET,
                         rtl_languages=project.publication.rtl_languages)


def _sitemap(making: Making) -> bytes:
    """Every page of the site at its address, a leaflet's with its other languages, for
    search engines (sitemaps.org, with hreflang alternates)."""
    from lxml import etree

    project = making.project
    base = project.publication.online_url
    languages = [lang for lang in making.target.documents if project.slugs_in(lang)]
    root = etree.Element(f"{{{SITEMAP_NAMESPACE}}}urlset",
                         nsmap={None: SITEMAP_NAMESPACE, "xhtml": XHTML_NAMESPACE})

    def add(path: str, alternates: list[tuple[str, str]], modified: str | None = None) -> None:
        url = etree.SubElement(root, f"{{{SITEMAP_NAMESPACE}}}url")
        etree.SubElement(url, f"{{{SITEMAP_NAMESPACE}}}loc").text = base + path
        if modified:
            etree.SubElement(url, f"{{{SITEMAP_NAMESPACE}}}lastmod").text = modified
        for code, other in alternates:
            etree.SubElement(url, f"{{{XHTML_NAMESPACE}}}link",
                             {"rel": "alternate", "hreflang": code, "href": base + other})

    add("index.html", [])
    for lang in languages:
        add(f"{lang}/index.html", [(code, f"{code}/index.html") for code in languages])
        for slug in project.slugs_in(lang):
            add(f"{lang}/{slug}.html", [(code, f"{code}/{slug}.html")
                                        for code in project.languages_of(slug)],
                project.document(lang, slug).updated.isoformat())
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                 pretty_print=True)
    return data


def _files(slug: str) -> list[tuple[str, str]]:
    """The files a leaflet is offered as: (file name, what it is)."""
    return [(f"{slug}.pdf", "screen"), (f"{slug}.large.pdf", "large"),
            (f"{slug}.booklet.pdf", "booklet"), (f"{slug}.print.pdf", "print")]


def _web_html(fragment: str) -> str:
    """The body's XHTML as HTML for the web: no e-book attributes."""
    fragment = re.sub(r'\s+xmlns:epub="[^"]*"', "", fragment)
    return re.sub(r'\s+epub:type="[^"]*"', "", fragment)

