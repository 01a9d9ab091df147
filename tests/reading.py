"""Read the outputs as a reader's software does: PDF through pypdf, EPUB as a ZIP of XML."""

from __future__ import annotations

import math
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from fontTools.ttLib import TTFont
from pypdf import PdfReader

REPO = Path(__file__).resolve().parent.parent
BUNDLED_FONTS = REPO / "styles" / "fonts"
NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "xhtml": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "container": "urn:oasis:names:tc:opendocument:xmlns:container"}


def pdf_pages_text(path: Path) -> list[str]:
    """The text of each page, as pypdf extracts it (U+202F and U+00A0 kept; a compound's
    non-breaking hyphens, which look like hyphens, read as hyphens)."""
    return [page.extract_text().replace("\u2011", "-") for page in PdfReader(path).pages]


@dataclass(frozen=True)
class TextRun:
    """A piece of text drawn on a page: where (points from the page's bottom left), how big."""

    text: str
    x: float
    y: float
    size: float  # points


def pdf_text_runs(path: Path, whole_sheet: bool = False) -> list[list[TextRun]]:
    """The text runs of each page, with their position and font size in points: those on
    the trimmed page that a reader holds, or with `whole_sheet` every one (a print shop's
    slug line outside the trim, text run off the page)."""
    pages = []
    for page in PdfReader(path).pages:
        runs: list[TextRun] = []
        trim = page.trimbox

        def visit(text, cm, tm, font, font_size, runs=runs):
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = math.hypot(tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
            runs.append(TextRun(text.replace("\u2011", "-"), x, y, font_size * scale))

        page.extract_text(visitor_text=visit)
        pages.append(runs if whole_sheet else [
            run for run in runs if float(trim.left) <= run.x <= float(trim.right)
            and float(trim.bottom) <= run.y <= float(trim.top)])
    return pages


def pdf_figure_alts(path: Path) -> list[str]:
    """The alternative texts of the tagged PDF's figures, in structure order."""
    figures = []

    def walk(node):
        node = node.get_object()
        if node.get("/S") == "/Figure":
            figures.append(str(node.get("/Alt")))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object") and hasattr(kid.get_object(), "get"):
                walk(kid)

    walk(PdfReader(path).trailer["/Root"]["/StructTreeRoot"])
    return figures


def pdf_text(path: Path) -> str:
    return "\n".join(pdf_pages_text(path))


def pdf_fonts(path: Path) -> list[dict]:
    """Every font the pages use: its name without subset prefix and whether it is embedded."""
    fonts: dict[str, dict] = {}
    for page in PdfReader(path).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            name = str(font["/BaseFont"]).lstrip("/")
            descendant = font.get("/DescendantFonts")
            described = descendant[0].get_object() if descendant else font
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            subset = re.fullmatch(r"[A-Z]{6}\+.+", name) is not None
            fonts[name] = {"name": name.split("+", 1)[-1], "embedded": embedded,
                           "subset": subset}
    return list(fonts.values())


def bundled_family_names() -> set[str]:
    """The family names of styles/fonts/*.ttf, spaces and dashes removed."""
    names = set()
    for path in BUNDLED_FONTS.glob("*.ttf"):
        names.add(re.sub(r"[\s-]", "", TTFont(path)["name"].getDebugName(1)))
    return names


def bundled_characters() -> set[str]:
    """Every character that one of the bundled families draws in all its styles (regular,
    bold, italic...): Atkinson Hyperlegible's, and Noto Sans Arabic's for that script."""
    families: dict[str, set[int]] = {}
    for path in BUNDLED_FONTS.glob("*.ttf"):
        cmap = set(TTFont(path).getBestCmap())
        family = path.name.split("-")[0]
        families[family] = families[family] & cmap if family in families else cmap
    return {chr(code) for covered in families.values() for code in covered}


class Epub:
    """An EPUB opened as its container: the package document and its files."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path)
        container = ElementTree.fromstring(self.zip.read("META-INF/container.xml"))
        self.opf_path = container.find(".//container:rootfile", NS).get("full-path")
        self.opf = ElementTree.fromstring(self.zip.read(self.opf_path))
        self.base = self.opf_path.rsplit("/", 1)[0] + "/" if "/" in self.opf_path else ""

    def metadata(self, name: str) -> list[str]:
        """The texts of dc:`name` elements."""
        return [element.text or "" for element in self.opf.findall(f"opf:metadata/dc:{name}", NS)]

    def meta_property(self, prop: str) -> list[str]:
        return [element.text or "" for element in self.opf.findall("opf:metadata/opf:meta", NS)
                if element.get("property") == prop]

    def manifest(self) -> dict[str, ElementTree.Element]:
        return {item.get("id"): item for item in self.opf.findall("opf:manifest/opf:item", NS)}

    def spine_hrefs(self) -> list[str]:
        manifest = self.manifest()
        return [manifest[ref.get("idref")].get("href")
                for ref in self.opf.findall("opf:spine/opf:itemref", NS)]

    def read(self, href: str) -> bytes:
        return self.zip.read(self.base + href)

    def xhtml(self, href: str) -> ElementTree.Element:
        return ElementTree.fromstring(self.read(href))

    def text(self, href: str) -> str:
        return "".join(self.xhtml(href).itertext())


def pdf_lines(path: Path) -> list[list[str]]:
    """The lines of each page as pypdf reads them, top to bottom (the spaces between
    pieces of text drawn apart restored)."""
    return [[line.strip() for line in text.splitlines() if line.strip()]
            for text in pdf_pages_text(path)]
