"""Ace by DAISY, the EPUB accessibility checker, on the e-books the build makes.

Ace opens each page in Debian's Chromium (axe-core) and reads the package's accessibility
metadata; its report lists every failed check with its impact. `make test` installs Ace
(tests/ace/, pinned) and Chromium before the tests run.
"""

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import REPO

ACE = REPO / "tests" / "ace" / "node_modules" / "@daisy" / "ace-cli" / "bin" / "ace.js"


def ace(epub: Path, report_dir: Path) -> dict:
    """Ace's report on `epub` (each book gets its own folder: reports share a file name)."""
    assert ACE.exists(), "Ace is not installed: `make test` installs it (npm ci in tests/ace)"
    chromium = shutil.which("chromium")
    assert chromium, ("Chromium is missing: `sudo apt-get install -y chromium` "
                      "(`make test` run as root installs it)")
    run = subprocess.run(["node", str(ACE), "--force", "--outdir", str(report_dir), str(epub)],
                         capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium})
    assert run.returncode == 0, run.stdout + run.stderr
    return json.loads((report_dir / "report.json").read_text(encoding="utf-8"))


def violations(report: dict) -> list[str]:
    """Every failed check: its impact, its rule, what it says, and where."""
    found = []
    for document in report["assertions"]:
        for check in document.get("assertions", []):
            if check["earl:result"]["earl:outcome"] != "pass":
                found.append(f"{check['earl:test']['earl:impact']}: "
                             f"{check['earl:test']['dct:title']}: "
                             f"{check['earl:result'].get('dct:description', '')} "
                             f"({document['earl:testSubject']['url']})")
    return found


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_ace_finds_no_violation_in_the_real_e_books(real_build, tmp_path, lang):
    project, run = real_build
    assert run.status == 0, run.stderr
    report = ace(project / "dist" / lang / "algoradiologie-douleur.epub", tmp_path / lang)
    assert violations(report) == []
    assert report["earl:result"]["earl:outcome"] == "pass"
    # The accessibility metadata Ace reads is all there (a certifier is for a human to add).
    metadata = report["a11y-metadata"]
    assert metadata["empty"] == []
    assert set(metadata["present"]) >= {
        "schema:accessMode", "schema:accessModeSufficient", "schema:accessibilityFeature",
        "schema:accessibilityHazard", "schema:accessibilitySummary", "dcterms:conformsTo"}


def test_ace_finds_no_violation_in_a_book_with_a_draft(minimal_dist, tmp_path):
    # The fixture's English book holds a draft: its notices are part of what Ace reads.
    assert violations(ace(minimal_dist / "en" / "fixture-book.epub", tmp_path)) == []


def test_ace_reports_what_it_is_run_for(minimal_dist, tmp_path):
    # The check can fail: without the package's language, Ace reports epub-lang.
    book = zipfile.ZipFile(minimal_dist / "fr" / "fixture-book.epub")
    broken = tmp_path / "no-language.epub"
    with zipfile.ZipFile(broken, "w") as out:
        for info in book.infolist():
            data = book.read(info)
            if info.filename.endswith(".opf"):
                assert b' xml:lang="fr"' in data
                data = data.replace(b' xml:lang="fr"', b"")
            out.writestr(info, data)
    found = violations(ace(broken, tmp_path / "report"))
    assert any(line.startswith("serious: epub-lang:") for line in found), found
