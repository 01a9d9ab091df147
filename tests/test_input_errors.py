"""Mistakes an editor or translator can make, and hostile inputs (tests/corpus/): one clear
line each with file and line, exit status 2, no traceback, and dist/ exactly as it was."""

import shutil
from pathlib import Path

import pytest
import yaml
from conftest import make_project, run_cli

CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The minimal fixture, built once: each case starts from a copy with its outputs."""
    project = make_project("minimal", tmp_path_factory.mktemp("errors") / "project")
    assert run_cli(project).status == 0
    return project


def snapshot(dist):
    return {path.relative_to(dist).as_posix(): path.read_bytes()
            for path in sorted(dist.rglob("*")) if path.is_file()}


def apply(project, edits):
    for edit in edits:
        if "create" in edit:
            text = edit["text"] + edit.get("repeat_line", "") * edit.get("times", 0)
            (project / edit["create"]).write_text(text, encoding="utf-8")
            continue
        path = project / edit["file"]
        text = path.read_text(encoding="utf-8")
        assert edit["replace"] in text, (path, edit["replace"])
        text = text.replace(edit["replace"], edit["with"], 1)
        path.write_bytes(text.encode(edit.get("encoding", "utf-8")))


@pytest.mark.parametrize("case", sorted(path.stem for path in CORPUS.glob("*.yml")))
def test_bad_input_is_one_clear_line_each_and_costs_no_output(built, tmp_path, case):
    spec = yaml.safe_load((CORPUS / f"{case}.yml").read_text(encoding="utf-8"))
    project = tmp_path / "project"
    shutil.copytree(built, project)
    before = snapshot(project / "dist")
    apply(project, spec["edits"])
    run = run_cli(project)
    assert run.status == 2, run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr
    lines = run.stderr.splitlines()
    for expected in spec["expect"]:
        assert any(line.startswith(expected) for line in lines), (expected, lines)
    assert lines[-1] == f"{len(lines) - 1} problem(s) in the input: nothing was written."
    assert snapshot(project / "dist") == before


def test_every_problem_is_listed_in_one_run(built, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(built, project)
    for case in ("invalid-date", "review-state", "missing-font", "po-placeholders"):
        apply(project, yaml.safe_load((CORPUS / f"{case}.yml").read_text())["edits"])
    run = run_cli(project)
    assert run.status == 2
    for where in ("content/fr/premiere.md:4:", "content/en/seconde.md:5:",
                  "styles/fonts.css:12:", "locales/en/LC_MESSAGES/messages.po:109:"):
        assert where in run.stderr
    assert "4 problem(s) in the input" in run.stderr
