"""`build.py watch`, as an editor uses it: a save remakes the leaflet, bad input keeps the
last good outputs, a changed catalog reaches the warm workers, Ctrl-C stops cleanly."""

import queue
import signal
import subprocess
import sys
import threading
import time

import pytest
from conftest import REPO, make_project
from reading import pdf_pages_text

WAIT = 60  # seconds: a shared machine can be slow; a line normally comes within a few


class Watching:
    """`build.py watch` running on a project, its lines read as they come."""

    def __init__(self, project, *args):
        self.process = subprocess.Popen(
            [sys.executable, str(REPO / "build.py"), "--project", str(project), "watch", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.errors: list[str] = []
        self.readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, self.lines.put),
                             daemon=True),
            threading.Thread(target=self._read, args=(self.process.stderr, self.errors.append),
                             daemon=True)]
        for reader in self.readers:
            reader.start()

    @staticmethod
    def _read(stream, keep):
        for line in stream:
            keep(line.rstrip("\n"))

    def line(self, containing):
        """The next line holding `containing` (those before it are passed over)."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=deadline - time.monotonic())
            except queue.Empty:
                break
            if containing in line:
                return line
        pytest.fail(f"no line with {containing!r} within {WAIT} s; stderr: {self.errors}")

    def stop(self):
        self.process.send_signal(signal.SIGINT)
        status = self.process.wait(timeout=WAIT)
        self.close()
        return status

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for reader in self.readers:  # to the last line
            reader.join(timeout=WAIT)
        self.process.stdout.close()
        self.process.stderr.close()


@pytest.fixture
def watching(tmp_path):
    project = make_project("minimal", tmp_path / "project")
    watcher = Watching(project, "--lang", "fr,en", "--profile", "screen,large")
    yield project, watcher
    watcher.close()


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_save_remakes_the_leaflet_first_and_bad_input_keeps_the_last_good_one(watching):
    project, watcher = watching
    assert "first build: " in watcher.line("first build")
    watcher.line("watching")
    source = project / "content" / "fr" / "premiere.md"
    pdf = project / "dist" / "fr" / "premiere.pdf"
    edit(source, "## Pourquoi cette fiche ?", "## Pourquoi cette fiche ?\n\nUne phrase neuve.")
    line = watcher.line("content/fr/premiere.md")
    # The screen PDF first, then the rest; one line for the save.
    assert "dist/fr/premiere.pdf" in line and "s after the save; then" in line, line
    assert "Une phrase neuve." in "".join(pdf_pages_text(pdf)).replace("\n", " ")
    good = pdf.read_bytes()

    # Bad input: its lines name the file and line; the outputs stay as they were.
    edit(source, "title:", "title: [")
    line = watcher.line("content/fr/premiere.md")
    assert "problem(s) in the input; the last good outputs are kept" in line
    time.sleep(0.5)
    assert any(error.startswith("content/fr/premiere.md:") for error in watcher.errors), \
        watcher.errors
    assert pdf.read_bytes() == good

    # Corrected, it builds again.
    edit(source, "title: [", "title:")
    edit(source, "Une phrase neuve.", "Une autre phrase.")
    watcher.line("dist/fr/premiere.pdf")
    assert "Une autre phrase." in "".join(pdf_pages_text(pdf)).replace("\n", " ")

    assert watcher.stop() == 0
    assert "stopped watching" in list(watcher.lines.queue)
    assert not any("Traceback" in error for error in watcher.errors), watcher.errors
    assert not (project / "dist" / ".work").exists()
    assert not list((project / "dist").rglob("*.tmp"))


def test_a_changed_catalog_reaches_the_warm_workers(watching):
    project, watcher = watching
    watcher.line("watching")
    catalog = project / "locales" / "en" / "LC_MESSAGES" / "messages.po"
    large = project / "dist" / "en" / "seconde.large.pdf"
    assert "Also available in:" in "".join(pdf_pages_text(large))
    # A label, changed in the catalog only: every English output shows the new one, those
    # laid out by the workers (kept from the first build) too.
    edit(catalog, 'msgstr "Also available in: %(languages)s"',
         'msgstr "Also to be read in: %(languages)s"')
    line = watcher.line("messages.po")
    assert "built" in line and "0 failed" in line, line
    for name in ("seconde.pdf", "seconde.large.pdf", "premiere.large.pdf"):
        text = "".join(pdf_pages_text(project / "dist" / "en" / name))
        assert "Also to be read in:" in text and "Also available in" not in text, name
    # A broken publication file, replaced as editors save (a new file renamed over it):
    # said, and the watch goes on, on the new file too.
    publication = project / "publication.yml"
    good = publication.read_text(encoding="utf-8")
    replacement = project / ".publication.yml.new"
    replacement.write_text(good.replace("languages:", "languages: [", 1), encoding="utf-8")
    replacement.replace(publication)
    assert "problem(s) in the input" in watcher.line("publication.yml")
    publication.write_text(good, encoding="utf-8")
    assert "0 failed" in watcher.line("publication.yml")
    assert watcher.stop() == 0


def test_an_output_refused_by_the_check_is_never_written_by_a_later_save(watching):
    # The workers start on a save's outputs before the check ends; those the check refuses
    # are dropped, and a later save makes them again from its own text.
    project, watcher = watching
    watcher.line("watching")
    source = project / "content" / "fr" / "premiere.md"
    good = source.read_text(encoding="utf-8")
    edit(source, "## Pourquoi cette fiche ?", "## Pourquoi cette fiche ?\n\nMarqueur ᚠᚢᚦ.")
    line = watcher.line("content/fr/premiere.md")
    assert "failed" in line and "0 failed" not in line, line
    large = project / "dist" / "fr" / "premiere.large.pdf"
    assert not large.exists()
    source.write_text(good, encoding="utf-8")
    line = watcher.line("content/fr/premiere.md")
    assert "0 failed" in line, line
    assert "Marqueur" not in "".join(pdf_pages_text(large))
    assert watcher.stop() == 0
