"""The leaflets' PDFs, read as a reader's software reads them."""

import re
import shutil
import subprocess
import sys
import tempfile

import pytest
from conftest import REPO, make_project
from pypdf import PdfReader
from reading import (
    bundled_characters,
    bundled_family_names,
    pdf_figure_alts,
    pdf_fonts,
    pdf_pages_text,
    pdf_text,
)

from leaflets.outputs.common import Renderers, document_record
from leaflets.pdf import PdfStyles, load_weasyprint, pdf_job, write_pdf
from leaflets.project import load_project

ENGLISH_LABELS = ["Page 1 of 3", "Page 3 of 3", "Translation updated on 24 November 2026.",
                  "The original in French was reviewed on 24 November 2026; next review due by "
                  "20 November 2099.",
                  "This leaflet does not replace the advice of your doctor",
                  "Also available in: Français", "Relieving pain with the help of imaging",
                  "Interventional Radiology Department", "Phone: 00\u00a000\u00a000",
                  "Tell the team before the procedure about:", "A fever.",
                  "Your comments on this leaflet: informations-patients@example.org"]
FRENCH_LABELS = ["Page 1 sur 3", "Page 3 sur 3", "Mis à jour le 24 novembre 2026",
                 "Texte relu le 24 novembre 2026\u202f; prochaine relecture prévue d’ici le "
                 "20 novembre 2099.",
                 "Ce document ne remplace pas l’avis de votre médecin",
                 "Également disponible en\u00a0: English",
                 "Soulager la douleur grâce à l’imagerie",
                 "Service de radiologie interventionnelle", "Téléphone\u00a0: 00\u00a000\u00a000",
                 "À signaler à l’équipe avant le soin\u00a0:",
                 "Une fièvre.", "Vos remarques sur ce document\u00a0: "
                 "informations-patients@example.org", "Version 1.2"]


def flat(text: str) -> str:
    """Lines joined, as a reader reads across a line break."""
    return re.sub(r"\s*\n\s*", " ", text)


@pytest.mark.parametrize("lang, present, absent", [
    ("en", ENGLISH_LABELS, [*FRENCH_LABELS[:-1], "Traduction", "Mis à jour", "Sommaire"]),
    ("fr", FRENCH_LABELS, [*ENGLISH_LABELS, "Translated", "Updated on"]),
])
def test_labels_are_in_the_leaflets_language_only(minimal_dist, lang, present, absent):
    text = flat(pdf_text(minimal_dist / lang / "premiere.pdf"))
    for label in present:
        assert label in text, label
    for label in absent:
        assert label not in text, label


def test_the_page_footer_counts_pages_in_the_pages_language(minimal_dist):
    pages = pdf_pages_text(minimal_dist / "en" / "premiere.pdf")
    assert [page.rstrip().splitlines()[-1] for page in pages] == [
        "Page 1 of 3", "Page 2 of 3", "Page 3 of 3"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pdf_is_tagged_with_language_and_title(minimal_dist, lang):
    reader = PdfReader(minimal_dist / lang / "premiere.pdf")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == lang
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert 'pdfuaid:part="1"' in xmp
    title = {"fr": "Première fiche d’essai", "en": "First test leaflet"}[lang]
    assert reader.metadata.title == title


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_font_is_a_bundled_one_embedded_and_subset(minimal_dist, lang):
    families = bundled_family_names()
    for document in ("premiere", "seconde"):
        fonts = pdf_fonts(minimal_dist / lang / f"{document}.pdf")
        assert fonts
        for font in fonts:
            assert font["embedded"] and font["subset"], font
            assert any(font["name"].replace("-", "").startswith(family)
                       for family in families), f"{font['name']} is not a bundled font"


@pytest.mark.parametrize("profile", ["", ".print", ".large"])
def test_french_typography_reaches_the_pdf(minimal_dist, profile):
    text = pdf_text(minimal_dist / "fr" / f"premiere{profile}.pdf")
    assert "Pourquoi cette fiche\u202f?" in text
    assert "«\u202fsorte" in text and "d’anesthésie\u202f»" in flat(text)
    assert "\u221270\u00a0°C" in text and "30\u00a0%" in text
    assert "légère\u202f!" in text


def test_every_character_of_the_text_is_drawn_by_the_bundled_fonts(minimal_dist):
    covered = bundled_characters() | {"\n", " "}
    for path in minimal_dist.rglob("*.pdf"):
        missing = set(pdf_text(path)) - covered
        assert not missing, f"{path.name}: {sorted(missing)}"


def test_images_keep_their_alt_text_in_the_tagged_pdf(minimal_dist):
    assert pdf_figure_alts(minimal_dist / "en" / "premiere.pdf") == [
        "Diagram of a knee seen from the front",
        "QR code to the online version: https://leaflets.example.org/fixture/en/premiere.html"]


# A process lays out many PDFs with the same stylesheets: it parses them and loads their
# fonts once (leaflets.pdf.PdfStyles). What it keeps must never outlive what it was made from.

def _leaflet_job(project_dir, slug="premiere"):
    project = load_project(project_dir)
    document = project.contents.get("fr", slug)
    html = Renderers().get(project, "fr").leaflet(
        project.markup("fr", slug), document_record(project, "fr", slug),
        project.languages_of(slug))
    return pdf_job(project.publication, html, "fr", document.path, document.path,
                   ("leaflet.css",))


def test_kept_stylesheets_give_the_pdf_a_fresh_parse_gives(tmp_path):
    project = make_project("minimal", tmp_path / "project")
    kept = PdfStyles()
    first, second = _leaflet_job(project, "premiere"), _leaflet_job(project, "seconde")
    write_pdf(first, kept)
    assert write_pdf(second, kept).data == write_pdf(second).data


def test_kept_stylesheets_are_parsed_again_when_one_changes(tmp_path):
    project = make_project("minimal", tmp_path / "project")
    kept = PdfStyles()
    job = _leaflet_job(project)
    before = write_pdf(job, kept).data
    sheet = project / "styles" / "leaflet.css"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "\nh2 { color: #7a0000; }\n",
                     encoding="utf-8")
    after = write_pdf(job, kept).data
    assert after != before
    assert after == write_pdf(job).data


def test_kept_fonts_are_loaded_again_when_their_temporary_folder_is_gone(tmp_path):
    # A process kept between builds (`watch`) outlives each build's temporary folders, where
    # WeasyPrint copied the fonts.
    project = make_project("minimal", tmp_path / "project")
    work = tmp_path / "work"
    work.mkdir()
    kept = PdfStyles()
    job = _leaflet_job(project)
    previous, tempfile.tempdir = tempfile.tempdir, str(work)
    try:
        before = write_pdf(job, kept).data
        shutil.rmtree(work)
        work.mkdir()
        after = write_pdf(job, kept).data
    finally:
        tempfile.tempdir = previous
    assert after == before
    assert any(work.iterdir())  # the fonts, copied again


def test_font_subsetting_asks_cffi_for_no_array_of_a_new_size(tmp_path, monkeypatch):
    # WeasyPrint asks for `hb_codepoint_t[N]` arrays, N the glyphs of a font the PDF uses,
    # and cffi parses each new N's declaration again (3 ms each).
    job = _leaflet_job(make_project("minimal", tmp_path / "project"))
    load_weasyprint()
    import weasyprint.pdf.fonts as fonts

    cffi = fonts.ffi.ffi
    asked: list[str] = []
    new = cffi.new
    monkeypatch.setattr(cffi, "new", lambda cdecl, init=None: asked.append(cdecl) or
                        new(cdecl, init))
    unsized = write_pdf(job).data
    assert "hb_codepoint_t[]" in asked  # the fonts were subset
    assert not [cdecl for cdecl in asked if re.fullmatch(r"hb_codepoint_t\[\d+\]", cdecl)]
    monkeypatch.setattr(fonts, "ffi", cffi)  # WeasyPrint as it is: the same PDF
    monkeypatch.setattr("leaflets.pdf._unsized_subset_arrays", lambda: None)
    assert write_pdf(job).data == unsized
    assert any(re.fullmatch(r"hb_codepoint_t\[\d+\]", cdecl) for cdecl in asked)


LOAD_WEASYPRINT = """
import sys
started = []
sys.addaudithook(lambda event, args: started.append(args[0])
                 if event == "subprocess.Popen" else None)
{before}
from leaflets.pdf import load_weasyprint
load_weasyprint()
import weasyprint.text.ffi as ffi
print(len(started), ffi.harfbuzz_subset is not None)
"""
# The first import, as it would go where the loader knows none of the libraries' names.
FAILS_ONCE = """
import importlib.abc
class FailsOnce(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "weasyprint.text.ffi":
            sys.meta_path.remove(self)
            print("WeasyPrint could not import some external libraries")
            raise OSError("cannot load library 'libpango-1.0.so.0'")
sys.meta_path.insert(0, FailsOnce())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the search left out is Linux's")
def test_weasyprint_loads_its_libraries_without_starting_a_process():
    # ctypes.util.find_library runs ldconfig, gcc and ld for each name the loader does not
    # know: about 50 processes at every import of WeasyPrint.
    run = subprocess.run([sys.executable, "-c", LOAD_WEASYPRINT.format(before="")],
                         capture_output=True, text=True, cwd=REPO, check=True)
    assert run.stdout.split() == ["0", "True"]  # the optional subsetter found too


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the search left out is Linux's")
def test_weasyprint_loads_with_the_library_search_when_it_fails_without():
    run = subprocess.run([sys.executable, "-c", LOAD_WEASYPRINT.format(before=FAILS_ONCE)],
                         capture_output=True, text=True, cwd=REPO, check=True)
    started, subsetter = run.stdout.split()  # and nothing else said: the retry went well
    assert int(started) > 0 and subsetter == "True"


FORKSERVER = """
import os, sys, time
from pathlib import Path
sys.path.insert(0, {repo!r})
from leaflets.workers import Workers
Workers(2, Path("scratch")).prepare()
def server():
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat[1]) == os.getpid() and b"multiprocessing.forkserver" in command:
            return entry
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    found = server()
    if found is not None and "libpango" in (found / "maps").read_text():
        break
    time.sleep(0.1)
print("weasyprint" if "libpango" in (found / "maps").read_text() else "nothing")
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads Linux's /proc")
def test_the_forkserver_loads_weasyprint_for_the_workers_wherever_the_build_runs(tmp_path):
    # Python starts the server with the current folder first on its search path, and not
    # the build's: here it would find another copy of the pipeline, which fails.
    (tmp_path / "leaflets").mkdir()
    (tmp_path / "leaflets" / "__init__.py").write_text('raise ImportError("another copy")\n')
    run = subprocess.run([sys.executable, "-c", FORKSERVER.format(repo=str(REPO))],
                         capture_output=True, text=True, cwd=tmp_path, check=True,
                         timeout=120)
    assert run.stdout.split() == ["weasyprint"]
