"""Shared fixtures: tiny projects under tests/fixtures/, built in temporary folders.

A fixture folder holds a publication file and content; the project's own templates, styles
and catalogs are copied beside them, so the tests exercise what the real build uses.
"""

from __future__ import annotations

import datetime
import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from leaflets.cli import main

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
PROJECT_PARTS = ("templates", "styles", "locales")


@dataclass(frozen=True)
class Run:
    """What a command line run gave: its exit status and what it printed."""

    status: int
    stdout: str
    stderr: str


def make_project(fixture: str, destination: Path) -> Path:
    """Copy the project's templates, styles and catalogs to `destination`, then fixture
    `fixture` over them (a fixture's own catalogs replace the project's)."""
    for part in PROJECT_PARTS:
        shutil.copytree(REPO / part, destination / part, ignore=shutil.ignore_patterns("*.mo"))
    if (FIXTURES / fixture / "locales").exists():
        shutil.rmtree(destination / "locales")
        (destination / "locales").mkdir()
        shutil.copy(REPO / "locales" / "messages.pot", destination / "locales")
        shutil.copytree(REPO / "locales" / "en", destination / "locales" / "en",
                        ignore=shutil.ignore_patterns("*.mo", "terminology.po", "follows"))
    shutil.copytree(FIXTURES / fixture, destination, dirs_exist_ok=True)
    return destination


def copy_real_project(destination: Path) -> Path:
    """Copy the real publication (content, publication file, templates, styles, catalogs)."""
    destination.mkdir(parents=True)
    shutil.copy(REPO / "publication.yml", destination)
    for part in ("content", *PROJECT_PARTS):
        shutil.copytree(REPO / part, destination / part, ignore=shutil.ignore_patterns("*.mo"))
    return destination


def outputs(project: Path) -> list[str]:
    """The outputs in the project's dist/, as paths under it (the build's own records and
    temporary files, whose names start with a dot, left out)."""
    dist = project / "dist"
    return sorted(path.relative_to(dist).as_posix() for path in dist.rglob("*")
                  if path.is_file() and not any(part.startswith(".") for part in
                                                path.relative_to(dist).parts))


def recorded_outputs(project: Path) -> list[str]:
    """The outputs the build's record lists, as paths under dist/."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(project / "dist" / ".build-state.sqlite")) as record:
        return sorted(name for (name,) in record.execute("SELECT name FROM outputs"))


# The day the tests run on, as far as reviews falling due are concerned: fixed, so that the
# real publication's review dates do not make the tests fail as the calendar moves on.
TODAY = datetime.date(2026, 12, 1)


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in the file at `path` with `new` (which must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def flat(text: str) -> str:
    """`text` as a reader reads it: every run of spaces and line breaks one space."""
    return " ".join(text.split())


def run_cli(project: Path, *args: str, today: datetime.date = TODAY) -> Run:
    """Run `build.py --project PROJECT ARGS...` in this process, on `today`."""
    stdout, stderr = io.StringIO(), io.StringIO()
    status = main(["--project", str(project), *args], stdout=stdout, stderr=stderr, today=today)
    return Run(status, stdout.getvalue(), stderr.getvalue())


@pytest.fixture(scope="session")
def minimal_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run]:
    """The 'minimal' fixture (two documents, fr and en), built once for the session."""
    project = make_project("minimal", tmp_path_factory.mktemp("build") / "minimal")
    return project, run_cli(project)


@pytest.fixture(scope="session")
def minimal_dist(minimal_build: tuple[Path, Run]) -> Path:
    project, run = minimal_build
    assert run.status == 0, run.stderr
    return project / "dist"


@pytest.fixture(scope="session")
def real_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run]:
    """The real publication, built once for the session in a temporary copy."""
    project = copy_real_project(tmp_path_factory.mktemp("real") / "project")
    return project, run_cli(project)
