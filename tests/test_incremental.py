"""Incremental builds: after each kind of change, exactly the outputs that depend on it are
made again. Timings are the benchmark's business (benchmarks/), not the tests'."""

import os
import subprocess
import sys

import pytest

from conftest import REPO, edit, make_project, outputs, run_cli

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
