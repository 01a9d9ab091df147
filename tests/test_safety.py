"""Untrusted content reaches nothing, and nothing is lost: hostile HTML, generated input,
a build killed halfway, two builds at once."""

import http.server
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import pytest
from conftest import REPO, make_project, outputs, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reading import Epub, pdf_text


@pytest.fixture
def server():
    """An HTTP server on 127.0.0.1 that records every request it receives."""
    requests = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"LEAKED-FROM-THE-NETWORK")

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    httpd.shutdown()
    httpd.server_close()


HOSTILE_HTML = """
<script>document.write("SCRIPTED")</script>
<iframe src="{url}/frame"></iframe>
<object data="{url}/object"></object>
<embed src="{url}/embed">
<form action="{url}/form"><input name="q"></form>
<link rel="stylesheet" href="{url}/link.css">
<style>@import url({url}/import.css); body {{ background: url(file:///etc/passwd) }}</style>

<p onclick="alert(1)" style="background: url({url}/style.png)">Texte
<a href="javascript:alert(2)">lien</a> <img src="{url}/img.png" alt="x">
<img src="file://{secret}" alt="y"> <img src="../../../../../../etc/passwd" alt="z">
<img src="{secret}" alt="w">
<span style="background-image: url('file:///etc/passwd')">suite</span></p>

Une surface de 2 m<sup>2</sup> environ.
"""


def test_hostile_html_reaches_neither_the_outputs_nor_the_network(tmp_path, server):
    url, requests = server
    project = make_project("minimal", tmp_path / "project")
    french = project / "content" / "fr" / "premiere.md"
    secret = tmp_path / "secret.txt"  # a file of the machine, outside the project
    secret.write_text("SECRET-7f3a9c-OF-THE-MACHINE")
    french.write_text(french.read_text() + HOSTILE_HTML.format(url=url, secret=secret),
                      encoding="utf-8")
    run = run_cli(project, "--lang", "fr", "--jobs", "1")  # no fork beside the server thread
    assert run.status == 0, run.stderr
    assert requests == []
    # The editor is told what was removed, line by line.
    warnings = [line for line in run.stderr.splitlines() if ": warning: raw HTML: " in line]
    for line_number, what in ((37, "<script>"), (38, "<iframe>"), (39, "<object>"),
                              (41, "<form>"), (43, "<style>"), (45, "an event attribute"),
                              (45, "a style attribute"), (46, "a javascript:"), (47, "<img>")):
        assert any(line.startswith(f"content/fr/premiere.md:{line_number}: warning: raw HTML: "
                                   f"{what}") for line in warnings), (line_number, what, warnings)
    assert not any("<sup>" in line for line in warnings)
    secrets = ["SECRET-7f3a9c", Path("/etc/passwd").read_text().splitlines()[0],
               "LEAKED-FROM-THE-NETWORK", "SCRIPTED"]
    dist = project / "dist" / "fr"
    texts = [pdf_text(path) for path in dist.glob("*.pdf")]
    book = Epub(dist / "fixture-book.epub")
    chapter = book.read("fr/premiere.xhtml").decode().split("<body>", 1)[1]
    for secret in secrets:
        assert not any(secret in text for text in texts), secret
        for name in book.zip.namelist():
            assert secret.encode() not in book.zip.read(name), (secret, name)
    for forbidden in ("<script", "<iframe", "<object", "<embed", "<form", "<link", "<style",
                      "onclick", "javascript:", "url(", "127.0.0.1", "/etc/"):
        assert forbidden not in chapter, forbidden
    assert "m<sup>2</sup>" in chapter  # harmless HTML is kept
    assert "Texte" in chapter and "suite" in chapter
    for item in book.manifest().values():
        assert "://" not in item.get("href")  # no remote resources in the e-book


FIELDS = st.sampled_from(["title", "summary", "updated", "version", "pages", "review",
                          "follows", "last_review", "review_due", "unknown"])
VALUES = st.one_of(st.text(max_size=20), st.integers(-5, 10**6), st.none(), st.booleans(),
                   st.dates().map(str), st.lists(st.text(max_size=5), max_size=3))
SNIPPETS = st.sampled_from([
    "## Titre\n", "### Sous-titre\n", "- un point\n- un autre\n", "1. premier\n", "> citation\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n", "![schéma](../images/genou.png)\n",
    "![](../images/genou.png)\n", "![x](/etc/passwd)\n", "[lien](https://example.org)\n",
    "[^1]\n\n[^1]: note\n", "<b>gras</b> <script>x()</script>\n", "`code`\n", "    bloc\n",
    "---\n", "Texte « cité » : -70 °C, 30 % !\n", "\u0000\n", "<div>\n", "</p>\n", "&amp; &#0;\n",
])


VALID = {"title": "Fiche", "summary": "Résumé.", "updated": "2026-11-25", "version": "1.0",
         "last_review": "2026-11-25", "review_due": "2027-11-25"}
# Mostly valid front matter, so that most examples reach the Markdown and the PDF, with a
# few fields overridden or added at random.
FRONT = st.builds(lambda extra, valid: {**(VALID if valid else {}), **extra},
                  st.dictionaries(FIELDS, VALUES, max_size=2), st.booleans())


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(front=FRONT, body=st.lists(st.one_of(SNIPPETS, st.text(max_size=40)), max_size=8))
def test_generated_input_builds_or_gets_a_clear_error_never_a_traceback(front, body):
    import yaml

    with tempfile.TemporaryDirectory() as folder:
        project = make_project("minimal", Path(folder) / "project")
        text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + "\n".join(body)
        (project / "content" / "fr" / "premiere.md").write_text(text, encoding="utf-8")
        run = run_cli(project, "--lang", "fr", "--profile", "screen", "--jobs", "1")
        assert run.status in (0, 1, 2), run.stderr
        assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
        if run.status == 2:
            problems = run.stderr.splitlines()[:-1]
            assert problems and all(line.startswith(("content/", "publication.yml"))
                                    for line in problems), run.stderr


def build_command(project, *args):
    return [sys.executable, str(REPO / "build.py"), "--project", str(project), *args]


def valid(path):
    if path.suffix == ".pdf":
        return len(PdfReader(path).pages) > 0
    with zipfile.ZipFile(path) as container:
        return container.testzip() is None


def test_a_build_killed_halfway_loses_nothing_and_the_next_one_completes(tmp_path):
    project = make_project("minimal", tmp_path / "project")
    assert run_cli(project).status == 0
    for lang, old, new in (("fr", "Le froid agit", "Le froid très intense agit"),
                           ("en", "Cold works", "Intense cold works")):
        path = project / "content" / lang / "premiere.md"
        path.write_text(path.read_text().replace(old, new))
    process = subprocess.Popen(build_command(project, "--jobs", "2"), stderr=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, text=True, start_new_session=True)
    made = 0
    while made < 3:  # a few outputs in place, the rest under way
        line = process.stderr.readline()
        assert line, "the build ended before it could be killed"
        made += line.startswith("[")
    assert process.poll() is None
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    process.stderr.close()
    for name in outputs(project):
        assert valid(project / "dist" / name), name

    run = run_cli(project)
    assert run.status == 0, run.stderr
    assert not list((project / "dist").rglob("*.tmp"))
    clean = make_project("minimal", tmp_path / "clean")
    for lang in ("fr", "en"):
        name = Path("content") / lang / "premiere.md"
        (clean / name).write_text((project / name).read_text())
    assert run_cli(clean).status == 0
    for name in outputs(clean):
        assert (project / "dist" / name).read_bytes() == (clean / "dist" / name).read_bytes()
    assert outputs(project) == outputs(clean)


def test_two_builds_at_once_take_turns(tmp_path):
    project = make_project("minimal", tmp_path / "project")
    first = subprocess.Popen(build_command(project), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    time.sleep(0.2)
    second = subprocess.Popen(build_command(project), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    results = [process.communicate() for process in (first, second)]
    assert first.returncode == 0 and second.returncode == 0
    summaries = sorted(stdout.strip() for stdout, _ in results)
    assert summaries == ["0 built, 20 up to date, 0 failed", "20 built, 0 up to date, 0 failed"]
    # Whichever got the project first, the other waited and said so.
    waited = [stderr for _, stderr in results
              if "another build is running in this project: waiting for it to end" in stderr]
    assert len(waited) == 1
    assert all(valid(project / "dist" / name) for name in outputs(project))


def test_markdown_images_from_the_network_or_the_machine_are_refused_unfetched(tmp_path,
                                                                             server):
    url, requests = server
    project = make_project("minimal", tmp_path / "project")
    french = project / "content" / "fr" / "premiere.md"
    french.write_text(french.read_text() + f"\n![réseau]({url}/image.png)\n\n"
                      "![machine](file:///etc/hostname)\n\n![mot de passe](/etc/passwd)\n")
    run = run_cli(project)
    assert run.status == 2
    assert f"content/fr/premiere.md:37: image '{url}/image.png': only images inside" in run.stderr
    assert "content/fr/premiere.md:39: image 'file:///etc/hostname'" in run.stderr
    assert "content/fr/premiere.md:41: image '/etc/passwd'" in run.stderr
    assert requests == []
    assert not (project / "dist").exists()
