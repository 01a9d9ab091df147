"""Incremental builds: after each kind of change, exactly the outputs that depend on it are
made again. Timings are the benchmark's business (benchmarks/), not the tests'."""

import os
import subprocess
import sys

import pytest
from conftest import REPO, edit, flat, make_project, outputs, run_cli
from reading import Epub, pdf_pages_text

from leaflets import keys

EVERYTHING = 20  # the minimal fixture: 2 languages x (2 leaflets x 4 profiles + book PDF + EPUB)


def rebuilt(run):
    """The outputs a build made, from its progress lines."""
    assert run.status == 0, run.stderr
    return sorted(line.split("] ")[1].split(" (")[0].removeprefix("dist/")
                  for line in run.stderr.splitlines() if line.startswith("["))


def leaflet(lang, slug):
    return [f"{lang}/{slug}{profile}.pdf" for profile in ("", ".booklet", ".large", ".print")]


def books(lang):
    return [f"{lang}/fixture-book.epub", f"{lang}/fixture-book.pdf"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = make_project("minimal", tmp_path_factory.mktemp("incremental") / "project")
    first = run_cli(project)
    assert len(rebuilt(first)) == EVERYTHING
    return project


@pytest.fixture
def project(built, tmp_path):
    """A copy of the built project, so that each test's change starts from a clean state."""
    import shutil

    copy = tmp_path / "project"
    shutil.copytree(built, copy)
    return copy


def test_a_second_build_has_nothing_to_do(project):
    run = run_cli(project)
    assert run.stdout.strip() == f"0 built, {EVERYTHING} up to date, 0 failed"
    assert rebuilt(run) == []


def test_a_build_with_nothing_to_do_imports_neither_weasyprint_nor_the_project(project):
    script = ("import sys; from leaflets.cli import main; status = main(['--project', "
              f"{str(project)!r}, '--quiet']); "
              "print(status, sorted(m for m in ('weasyprint', 'ebooklib', 'markdown', 'pypdf')"
              " if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.stdout.splitlines()[-1] == "0 []", result.stderr


def test_changing_a_french_paragraph_remakes_that_documents_french_outputs_and_books(project):
    edit(project / "content" / "fr" / "premiere.md", "on parle d'une", "on dit une")
    edit(project / "content" / "fr" / "premiere.md", 'version: "1.2"', 'version: "1.3"')
    run = run_cli(project)
    # The English translation is a reviewed one, now out of date: its PDFs and the English
    # books change (they carry the "out of date" mark) and the build says so.
    assert rebuilt(run) == sorted(leaflet("fr", "premiere") + books("fr") +
                                  leaflet("en", "premiere") + books("en"))
    assert any(line.startswith("en: 2 translation(s) in draft or out of date print with a "
                               "draft mark on every page: premiere, seconde")
               for line in run.stderr.splitlines())


def test_changing_a_french_paragraph_of_a_draft_translation_leaves_the_english_alone(project):
    edit(project / "content" / "fr" / "seconde.md", "il vous", "il vous bien")
    edit(project / "content" / "fr" / "seconde.md", 'version: "1.0"', 'version: "1.1"')
    run = run_cli(project)
    assert rebuilt(run) == sorted(leaflet("fr", "seconde") + books("fr"))
    status = run_cli(project, "status").stdout
    assert "seconde   1.1  outdated, draft" in status


def test_changing_an_english_paragraph_remakes_only_that_documents_english_outputs(project):
    edit(project / "content" / "en" / "seconde.md", "they know you", "they know you well")
    assert rebuilt(run_cli(project)) == sorted(leaflet("en", "seconde") + books("en"))


def test_an_output_made_by_a_narrower_build_is_made_again_once_its_source_is_put_back(project):
    # A build of English alone, from an edited text, then the text put back: the full build
    # must not take the English leaflet made from the edit for current.
    english = project / "content" / "en" / "seconde.md"
    original = english.read_text(encoding="utf-8")
    edit(english, "they know you", "they know you well")
    assert rebuilt(run_cli(project, "--lang", "en", "--profile", "screen",
                           "--format", "pdf")) == ["en/seconde.pdf"]
    english.write_text(original, encoding="utf-8")
    assert rebuilt(run_cli(project)) == ["en/seconde.pdf"]
    assert "know you well" not in flat(" ".join(pdf_pages_text(project / "dist" / "en" /
                                                                "seconde.pdf")))


@pytest.mark.parametrize("sheet, expected", [
    ("leaflet.css", [name for lang in ("en", "fr") for name in
                     leaflet(lang, "premiere") + leaflet(lang, "seconde") +
                     [f"{lang}/fixture-book.pdf"]]),
    ("large.css", [f"{lang}/{slug}.large.pdf" for lang in ("en", "fr")
                   for slug in ("premiere", "seconde")]),
    ("epub.css", [f"{lang}/fixture-book.epub" for lang in ("en", "fr")]),
])
def test_changing_a_stylesheet_remakes_the_outputs_that_use_it(project, sheet, expected):
    with open(project / "styles" / sheet, "a", encoding="utf-8") as stylesheet:
        stylesheet.write("\n/* changed */\n")
    assert rebuilt(run_cli(project)) == sorted(expected)


def test_changing_a_catalog_remakes_that_languages_outputs(project):
    edit(project / "locales" / "en" / "LC_MESSAGES" / "messages.po",
         'msgstr "Page %(page)s of %(pages)s"', 'msgstr "Page %(page)s of %(pages)s."')
    assert rebuilt(run_cli(project)) == sorted(leaflet("en", "premiere") +
                                               leaflet("en", "seconde") + books("en"))


def test_a_missing_or_damaged_output_is_made_again_and_force_remakes_all(project):
    (project / "dist" / "fr" / "premiere.print.pdf").unlink()
    (project / "dist" / "en" / "fixture-book.epub").write_bytes(b"truncated")
    assert rebuilt(run_cli(project)) == ["en/fixture-book.epub", "fr/premiere.print.pdf"]
    assert len(rebuilt(run_cli(project, "--force"))) == EVERYTHING
    assert len(outputs(project)) == EVERYTHING


def test_the_booklet_is_made_from_its_fresh_screen_pdf(project):
    edit(project / "content" / "en" / "premiere.md", "We settle you in.", "We help you lie down.")
    run = run_cli(project, "--jobs", "1")
    assert "en/premiere.booklet.pdf" in rebuilt(run)
    from reading import pdf_text

    assert "We help you lie down." in pdf_text(project / "dist" / "en" / "premiere.booklet.pdf")


# What an output depends on is what making it read (templates, stylesheets, fonts, images,
# catalogs), recorded as it is read: a new include or import is followed from then on.

EVERY_LEAFLET = [name for lang in ("en", "fr") for slug in ("premiere", "seconde")
                 for name in leaflet(lang, slug)]


def test_changing_a_template_remakes_the_outputs_made_from_it(project):
    with open(project / "templates" / "leaflet.html", "a", encoding="utf-8") as template:
        template.write("{# changed #}\n")
    assert rebuilt(run_cli(project)) == sorted(EVERY_LEAFLET)


def test_a_template_included_later_is_followed(project):
    (project / "templates" / "_extra.html").write_text("{# nothing yet #}\n", encoding="utf-8")
    edit(project / "templates" / "leaflet.html", "{% import", '{% include "_extra.html" %}\n'
         "{% import")
    assert rebuilt(run_cli(project)) == sorted(EVERY_LEAFLET)
    (project / "templates" / "_extra.html").write_text("{# changed #}\n", encoding="utf-8")
    assert rebuilt(run_cli(project)) == sorted(EVERY_LEAFLET)


def test_a_stylesheet_imported_later_is_followed(project):
    (project / "styles" / "extra.css").write_text("h2 { letter-spacing: 0; }\n",
                                                  encoding="utf-8")
    large = project / "styles" / "large.css"
    large.write_text('@import "extra.css";\n' + large.read_text(encoding="utf-8"),
                     encoding="utf-8")
    every_large = [f"{lang}/{slug}.large.pdf" for lang in ("en", "fr")
                   for slug in ("premiere", "seconde")]
    assert rebuilt(run_cli(project)) == sorted(every_large)
    (project / "styles" / "extra.css").write_text("h2 { letter-spacing: 0.01em; }\n",
                                                  encoding="utf-8")
    assert rebuilt(run_cli(project)) == sorted(every_large)


def test_changing_an_image_remakes_the_outputs_that_show_it(project):
    image = project / "content" / "images" / "genou.png"
    from PIL import Image

    with Image.open(image) as picture:
        picture.rotate(180).save(image)
    # Both premiere leaflets show it, and the books that hold them.
    assert rebuilt(run_cli(project)) == sorted(leaflet("fr", "premiere") + books("fr") +
                                               leaflet("en", "premiere") + books("en"))


def test_a_font_added_to_the_folder_remakes_the_ebooks_which_embed_them_all(project):
    fonts = project / "styles" / "fonts"
    (fonts / "Spare-Regular.ttf").write_bytes(
        (fonts / "AtkinsonHyperlegibleLeaflet-Regular.ttf").read_bytes())
    assert rebuilt(run_cli(project)) == sorted(books("en")[:1] + books("fr")[:1])


def test_changing_a_font_remakes_every_output_that_embeds_it(project):
    fonts = project / "styles" / "fonts"
    (fonts / "AtkinsonHyperlegibleLeaflet-Italic.ttf").write_bytes(
        (fonts / "AtkinsonHyperlegibleLeaflet-Regular.ttf").read_bytes())
    assert len(rebuilt(run_cli(project))) == EVERYTHING


def test_changing_the_publication_file_remakes_everything(project):
    with open(project / "publication.yml", "a", encoding="utf-8") as publication:
        publication.write("# changed\n")
    assert len(rebuilt(run_cli(project))) == EVERYTHING


def test_source_date_epoch_remakes_the_books_only(project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    assert rebuilt(run_cli(project)) == sorted(books("en") + books("fr"))
    assert rebuilt(run_cli(project)) == []
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert rebuilt(run_cli(project)) == sorted(books("en") + books("fr"))


def test_the_workers_make_each_build_with_its_own_environment(project, monkeypatch):
    # The workers fork from a server that the first build of a process starts and later
    # builds reuse: the environment the outputs depend on must come with each build.
    for epoch, date in (("1767225600", "2026-01-01T00:00:00Z"),
                        ("1790000000", "2026-09-21T14:13:20Z")):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        assert run_cli(project, "--force", "--jobs", "2").status == 0
        book = Epub(project / "dist" / "fr" / "fixture-book.epub")
        assert book.meta_property("dcterms:modified") == [date]


def test_a_new_version_of_a_library_remakes_the_outputs_made_with_it(project, monkeypatch):
    from importlib import metadata

    real_version, real_distribution = metadata.version, metadata.distribution

    class Upgraded:
        def __init__(self, distribution):
            self.requires = distribution.requires
            self.version = "99.0"

    def version(name):
        return "99.0" if name.lower() == "ebooklib" else real_version(name)

    def distribution(name):
        found = real_distribution(name)
        return Upgraded(found) if name.lower() == "ebooklib" else found

    monkeypatch.setattr(metadata, "version", version)
    monkeypatch.setattr(metadata, "distribution", distribution)
    # As an install does, it changes the folders where distributions are installed: what
    # the build read of them is read again.
    installation = keys._installation_stamp()
    monkeypatch.setattr(keys, "_installation_stamp", lambda: (*installation, 1))
    run = run_cli(project)
    assert rebuilt(run) == sorted(books("en")[:1] + books("fr")[:1])  # the EPUBs
    assert run_cli(project).stdout.strip() == f"0 built, {EVERYTHING} up to date, 0 failed"


def test_changing_a_terminology_catalog_remakes_that_languages_ebook(tmp_path):
    project = make_project("terms", tmp_path / "project")
    assert run_cli(project).status == 0
    edit(project / "locales" / "en" / "LC_MESSAGES" / "terminology.po",
         "# forbidden:", "# forbidden: cryo-ablation;")
    run = run_cli(project)
    assert list(rebuilt(run)) == ["en/terms-book.epub"]


def test_a_worker_bug_shows_its_traceback_under_debug(project, monkeypatch):
    from leaflets.outputs import epub_book

    def broken(making):
        return 1 / 0

    monkeypatch.setattr(epub_book, "make", broken)
    quiet = run_cli(project, "--format", "epub", "--force", "--jobs", "2")
    assert quiet.status == 1 and "Traceback" not in quiet.stderr
    assert "internal error in the pipeline (ZeroDivisionError: division by zero)" in quiet.stderr
    assert "--debug" in quiet.stderr
    debug = run_cli(project, "--format", "epub", "--force", "--jobs", "2", "--debug")
    assert debug.status == 1
    assert "internal error making" in debug.stderr and "Traceback" in debug.stderr
    assert "ZeroDivisionError" in debug.stderr and "in broken" in debug.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])  # one process parses large.css once for both
def test_weasyprint_warnings_name_the_output_they_concern(project, jobs):
    with open(project / "styles" / "large.css", "a", encoding="utf-8") as sheet:
        sheet.write("\nh1 { colour: red; }\n")
    run = run_cli(project, "--lang", "en", "--jobs", jobs)
    assert run.status == 0, run.stderr
    warned = [line for line in run.stderr.splitlines() if ": WeasyPrint: " in line]
    assert {line.split(":")[0] for line in warned} == {"dist/en/premiere.large.pdf",
                                                       "dist/en/seconde.large.pdf"}
    assert all("colour" in line for line in warned)


def test_characters_no_font_has_are_an_error_and_their_document_is_not_printed(project):
    # No silent fallback to a system font, no empty boxes: the build names the line, makes
    # the other documents' outputs and refuses that document's.
    seconde = project / "content" / "fr" / "seconde.md"
    seconde.write_text(seconde.read_text(encoding="utf-8") + "\nRunes ᚠᚢᚦᚨᚱᚲ ᚠᚢ.\n",
                       encoding="utf-8")
    line = len(seconde.read_text(encoding="utf-8").splitlines())
    run = run_cli(project, "--lang", "fr", "--format", "pdf")
    assert run.status == 1
    assert (f'content/fr/seconde.md:{line}: error: no bundled font has "ᚠ" (U+16A0), "ᚢ" '
            '(U+16A2)') in run.stderr
    assert "failed dist/fr/seconde.pdf: content/fr/seconde.md" in run.stderr
    assert not (project / "dist" / "fr" / "seconde.pdf").exists()
    assert (project / "dist" / "fr" / "premiere.pdf").exists()
    assert "notdef" not in run.stderr
