"""The whole pipeline on the 'minimal' fixture: what the user sees on the command line."""

from pathlib import Path

from conftest import make_project, outputs, run_cli


def test_build_writes_every_output_of_every_language(minimal_build):
    project, run = minimal_build
    assert run.status == 0, run.stderr
    made = sorted(path.relative_to(project / "dist").as_posix()
                  for path in (project / "dist").rglob("*")
                  if path.is_file() and not path.name.startswith("."))
    leaflets = [f"{lang}/{doc}{profile}.pdf" for lang in ("en", "fr")
                for doc in ("premiere", "seconde")
                for profile in ("", ".booklet", ".large", ".print")]
    books = [f"{lang}/fixture-book.{ext}" for lang in ("en", "fr") for ext in ("epub", "pdf")]
    assert made == sorted(leaflets + books)


def test_progress_goes_to_stderr_and_the_summary_to_stdout(minimal_build):
    _, run = minimal_build
    assert run.stdout.strip() == "20 built, 0 up to date, 0 failed"
    progress = run.stderr.splitlines()
    assert progress[0] == ("en: 1 translation(s) in draft or out of date print with a draft "
                           "mark on every page: seconde (see `build.py status`)")
    progress = progress[1:]
    assert len(progress) == 20
    # Numbered as they complete (in parallel); each PDF with its page count, per profile:
    # the editors' check of the page budget.
    assert [line.split("]")[0] for line in progress] == [f"[{n}/20" for n in range(1, 21)]
    outputs = {line.split("] ")[1].split(" (")[0]: line.split(" (")[1] for line in progress}
    assert outputs["dist/fr/premiere.pdf"].startswith("2 pages, ")
    assert outputs["dist/fr/premiere.print.pdf"].startswith("2 pages, ")
    assert outputs["dist/fr/premiere.booklet.pdf"].startswith("2 pages, ")
    assert outputs["dist/en/seconde.pdf"].startswith("1 page, ")
    assert outputs["dist/en/fixture-book.epub"].endswith(" s)")


def test_outputs_are_readable_by_everyone_like_any_file_the_user_makes(minimal_dist):
    mode = (minimal_dist / "fr" / "premiere.pdf").stat().st_mode & 0o777
    assert mode & 0o044 == 0o044


def test_lang_and_format_options_choose_the_outputs(tmp_path):
    project = make_project("minimal", tmp_path / "project")
    run = run_cli(project, "--lang", "en", "--format", "epub")
    assert run.status == 0, run.stderr
    assert outputs(project) == ["en/fixture-book.epub"]


def test_an_unknown_language_on_the_command_line_is_a_usage_error(tmp_path):
    project = make_project("minimal", tmp_path / "project")
    run = run_cli(project, "--lang", "de")
    assert run.status == 2
    assert "language 'de' is not in the publication's languages" in run.stderr
    assert not (project / "dist").exists()


def test_clean_removes_dist(tmp_path):
    project = make_project("minimal", tmp_path / "project")
    (project / "dist" / "fr").mkdir(parents=True)
    run = run_cli(project, "clean")
    assert run.status == 0
    assert not (project / "dist").exists()


def test_build_py_is_the_command_line(tmp_path):
    import subprocess
    import sys

    project = make_project("minimal", tmp_path / "project")
    result = subprocess.run([sys.executable, str(Path(__file__).parent.parent / "build.py"),
                             "--help"], capture_output=True, text=True, cwd=project)
    assert result.returncode == 0
    assert "catalogs" in result.stdout and "clean" in result.stdout
