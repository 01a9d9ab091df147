"""Mistakes an editor or translator can make: one clear line each, file:line, exit status 2."""

import pytest

from conftest import make_project, run_cli


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def build_broken(tmp_path, breakage):
    project = make_project("minimal", tmp_path / "project")
    breakage(project)
    run = run_cli(project)
    assert run.status == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert not (project / "dist").exists(), "nothing may be written when the input is bad"
    return run


@pytest.mark.parametrize("breakage, expected", [
    (lambda p: edit(p / "content/fr/premiere.md", "updated: 2026-11-24", "updated: 2026-13-45"),
     "content/fr/premiere.md:4: updated: '2026-13-45' is not a valid date"),
    (lambda p: edit(p / "content/fr/premiere.md", "updated: 2026-11-24", "updated: tomorrow"),
     "content/fr/premiere.md:4: updated: 'tomorrow' is not a valid date"),
    (lambda p: edit(p / "content/en/seconde.md", "title: Second test leaflet\n", ""),
     "content/en/seconde.md:1: front matter: missing 'title'"),
    (lambda p: edit(p / "content/en/seconde.md", "review: draft", "review: done"),
     "content/en/seconde.md:5: review: expected 'draft' or 'reviewed', found 'done'"),
    (lambda p: edit(p / "content/fr/premiere.md", "title: Première", "title: [Première"),
     "content/fr/premiere.md:"),
    (lambda p: (p / "content/en/troisieme.md").write_text("---\ntitle: x\n---\n"),
     "content/en/troisieme.md:1: translation with no French source"),
    (lambda p: edit(p / "publication.yml", "targets: [en]", "targets: [en, xx]"),
     "publication.yml:5: languages: unknown language code 'xx'"),
    (lambda p: edit(p / "content/fr/premiere.md", "(../images/genou.png)", "(../images/none.png)"),
     "content/fr/premiere.md:31: image '../images/none.png' not found"),
    (lambda p: edit(p / "content/fr/premiere.md", "![Schéma d'un genou vu de face]", "![]"),
     "content/fr/premiere.md:31: image '../images/genou.png' has no alt text"),
    (lambda p: (p / "content/fr/premiere.md").write_bytes(b"---\ntitle: caf\xe9\n---\n"),
     "content/fr/premiere.md:2: not UTF-8 text"),
])
def test_bad_input_is_one_clear_line_naming_file_and_line(tmp_path, breakage, expected):
    run = build_broken(tmp_path, breakage)
    assert expected in run.stderr
    assert "nothing was written" in run.stderr


def test_every_problem_is_listed_in_one_run(tmp_path):
    def two_problems(project):
        edit(project / "content/fr/premiere.md", "updated: 2026-11-24", "updated: tomorrow")
        edit(project / "content/en/seconde.md", "review: draft", "review: done")

    run = build_broken(tmp_path, two_problems)
    assert "content/fr/premiere.md:4:" in run.stderr
    assert "content/en/seconde.md:5:" in run.stderr
    assert "2 problem(s) in the input" in run.stderr
