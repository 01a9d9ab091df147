"""The whole pipeline on the 'minimal' fixture: what the user sees on the command line."""

import re
from pathlib import Path

from conftest import REPO, edit, make_project, outputs, recorded_outputs, run_cli

from leaflets.catalogs import expected_messages
from leaflets.config import load_publication


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
    # The fixture keeps the repository's sample address and department: said once.
    assert progress[:2] == [
        "publication.yml:8: warning: placeholders (the online address and the department's "
        "details): fine for trying the pipeline, not for patients (`build.py check --release` "
        "lists what to set)",
        "en: 1 translation(s) in draft or out of date print with a draft mark on every page: "
        "seconde (see `build.py status`)"]
    progress = progress[2:]
    assert len(progress) == 20
    # Numbered as they complete (in parallel); each PDF with its page count, per profile:
    # the editors' check of the page budget.
    assert [line.split("]")[0] for line in progress] == [f"[{n}/20" for n in range(1, 21)]
    outputs = {line.split("] ")[1].split(" (")[0]: line.split(" (")[1] for line in progress}
    assert outputs["dist/fr/premiere.pdf"].startswith("3 pages, ")
    assert outputs["dist/fr/premiere.print.pdf"].startswith("3 pages, ")
    assert outputs["dist/fr/premiere.booklet.pdf"].startswith("3 pages, ")
    assert outputs["dist/fr/seconde.pdf"].startswith("1 page, ")
    assert outputs["dist/en/seconde.pdf"].startswith("2 pages, ")  # with its draft notice
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


def removals(run):
    """What a build took out of dist/, and why: {output: reason}."""
    return dict(line.removeprefix("removed dist/").split(": ", 1)
                for line in run.stderr.splitlines() if line.startswith("removed "))


def recorded(project):
    return recorded_outputs(project)


PROFILES = ("", ".print", ".booklet", ".large")


def test_a_document_taken_out_of_the_publication_leaves_dist_in_the_same_build(tmp_path):
    project = make_project("minimal", tmp_path / "project")
    assert run_cli(project).status == 0
    edit(project / "publication.yml", "  - seconde\n", "")
    (project / "content" / "fr" / "seconde.md").unlink()
    (project / "content" / "en" / "seconde.md").unlink()
    run = run_cli(project)
    assert run.status == 0, run.stderr
    assert removals(run) == {f"{lang}/seconde{profile}.pdf":
                             "document 'seconde' is no longer listed in publication.yml"
                             for lang in ("en", "fr") for profile in PROFILES}
    assert not any("seconde" in name for name in outputs(project))
    assert recorded(project) == outputs(project)  # the record follows
    assert run.stdout.strip().endswith(", 8 removed from dist/")


def test_a_language_taken_out_of_the_publication_leaves_dist(tmp_path):
    project = make_project("minimal", tmp_path / "project")
    assert run_cli(project).status == 0
    edit(project / "publication.yml", "  targets: [en]", "  targets: []")
    edit(project / "publication.yml", "  locales: {en: en_GB}", "  locales: {}")
    edit(project / "publication.yml", "    en: urn:uuid:00000000-0000-5000-8000-000000000002\n",
         "")
    run = run_cli(project)
    assert run.status == 0, run.stderr
    gone = removals(run)
    assert len(gone) == 10 and set(gone.values()) == {
        "language 'en' is no longer in publication.yml"}
    assert not (project / "dist" / "en").exists()
    assert recorded(project) == outputs(project) and len(outputs(project)) == 10


def test_a_deleted_translation_leaves_dist_and_its_book_is_remade_without_it(tmp_path):
    project = make_project("minimal", tmp_path / "project")
    assert run_cli(project).status == 0
    (project / "content" / "en" / "seconde.md").unlink()
    run = run_cli(project)
    assert run.status == 0, run.stderr
    assert removals(run) == {f"en/seconde{profile}.pdf": "content/en/seconde.md no longer exists"
                             for profile in PROFILES}
    assert "en/fixture-book.epub" in outputs(project)


def test_a_language_whose_labels_are_not_all_translated_waits_and_leaves_dist(tmp_path):
    project = make_project("minimal", tmp_path / "project")
    assert run_cli(project).status == 0
    catalog = project / "locales" / "en" / "LC_MESSAGES" / "messages.po"
    edit(catalog, 'msgstr "Updated on %(date)s"', 'msgstr ""')
    total = len(expected_messages(load_publication(project), "messages"))
    notice = (f"en: 2 of 2 documents translated; interface labels "
              f"{(total - 1) * 100 // total} % translated (1 to translate in "
              "locales/en/LC_MESSAGES/messages.po): not built")
    # A translation under way does not fail the build of the other languages.
    run = run_cli(project)
    assert run.status == 0, run.stderr
    assert notice in run.stderr.splitlines()
    assert run.stdout.strip().endswith("; in progress, not built: en")
    gone = removals(run)
    assert sorted(gone) == sorted([f"en/{doc}{profile}.pdf" for doc in ("premiere", "seconde")
                                   for profile in PROFILES] +
                                  ["en/fixture-book.pdf", "en/fixture-book.epub"])
    assert set(gone.values()) == {
        "its language is in progress, not built (the line above says why)"}
    assert not (project / "dist" / "en").exists()
    assert len(outputs(project)) == 10
    again = run_cli(project)  # said again while it lasts, nothing remade
    assert again.status == 0 and notice in again.stderr.splitlines()
    assert again.stdout.strip() == "0 built, 10 up to date, 0 failed; in progress, not built: en"
    # Asked for by name, or under --strict or --release, the language is refused.
    for flags in (("--lang", "en"), ("--strict",), ("--release",)):
        refused = run_cli(project, *flags)
        assert refused.status == 1, flags
        assert "1 interface text(s) not translated yet (such as 'Mis à jour le %(date)s')" in \
            refused.stderr or "--release: " in refused.stderr, (flags, refused.stderr)
    assert not (project / "dist" / "en").exists()


def test_outputs_not_asked_for_stay_and_the_build_says_when_they_no_longer_match(tmp_path):
    project = make_project("minimal", tmp_path / "project")
    assert run_cli(project).status == 0
    edit(project / "content" / "en" / "seconde.md", "they know you", "they know you well")
    run = run_cli(project, "--lang", "fr")
    assert run.status == 0, run.stderr
    assert removals(run) == {}
    assert ("6 output(s) not asked for in this run no longer match the sources "
            "(dist/en/seconde.pdf, dist/en/seconde.print.pdf, dist/en/seconde.booklet.pdf and 3 "
            "more): build them before printing") in run.stderr.splitlines()
    assert len(outputs(project)) == 20
    run = run_cli(project, "--profile", "large", "--format", "pdf")
    assert removals(run) == {} and len(outputs(project)) == 20


def test_a_file_that_no_build_makes_is_taken_out_of_dist(tmp_path):
    project = make_project("minimal", tmp_path / "project")
    assert run_cli(project).status == 0
    stray = project / "dist" / "en" / "old-leaflet.pdf"
    stray.write_bytes(b"%PDF-1.7 an old leaflet")
    run = run_cli(project, "--force", "--format", "epub")
    assert removals(run) == {"en/old-leaflet.pdf":
                             "document 'old-leaflet' is no longer listed in publication.yml"}
    assert not stray.exists()


def test_on_a_terminal_a_progress_bar_stands_for_the_lines_of_the_outputs(tmp_path):
    import os
    import pty
    import subprocess
    import sys

    project = make_project("minimal", tmp_path / "project")
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "--project", str(project), "--lang", "fr",
         "--profile", "screen,large"], stdout=subprocess.PIPE, stderr=follower, text=True,
        env={**os.environ, "COLUMNS": "100"})
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the build ended: the terminal has nothing more
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.wait(timeout=120) == 0
    summary = process.stdout.read()
    process.stdout.close()
    assert summary.strip().startswith("5 built")  # stdout, a pipe: the summary as always
    terminal = shown.decode("utf-8")
    # The bar: counts, the time elapsed and left, the last output; no line per output.
    assert re.search(r"\| 5/5 \[\d\d:\d\d<\d\d:\d\d\], dist/fr/", terminal), terminal
    assert "[1/5]" not in terminal
    # What is not an output's line is still said, above the bar.
    assert "placeholders (the online address" in terminal
