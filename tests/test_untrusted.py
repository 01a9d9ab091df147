"""Translations and catalogs from outside, second round: catalogs, links, invisible
characters, signals and a failing machine. Each case on a copy of the 'minimal' fixture:
a clear line naming the file, the right exit status, no traceback, nothing read or written
outside the project, no secret in any output or message, and no process left behind."""

import os
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from contextlib import closing
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import REPO, edit, make_project, outputs, run_cli
from pypdf import PdfReader
from reading import Epub, pdf_text

SECRET = "SECRET-a41c-OUTSIDE-THE-PROJECT"


@pytest.fixture
def project(tmp_path):
    return make_project("minimal", tmp_path / "project")


@pytest.fixture
def secret_file(tmp_path):
    """A readable file of the machine, outside the project."""
    path = tmp_path / "outside" / "secret.md"
    path.parent.mkdir()
    path.write_text("---\ntitle: Leaked\nsummary: S.\nupdated: 2026-11-20\nreview: draft\n"
                    f"---\n## Remember\n\n{SECRET}\n", encoding="utf-8")
    return path


def snapshot(dist):
    return {path.relative_to(dist).as_posix(): path.read_bytes()
            for path in sorted(dist.rglob("*")) if path.is_file()}


def every_byte(project):
    """All the bytes a reader could get from dist/: every file, PDFs' text included."""
    dist = project / "dist"
    data = b"".join(path.read_bytes() for path in dist.rglob("*") if path.is_file())
    texts = "".join(pdf_text(path) for path in dist.rglob("*.pdf"))
    epubs = b"".join(zipfile.ZipFile(path).read(name) for path in dist.rglob("*.epub")
                     for name in zipfile.ZipFile(path).namelist())
    return data + texts.encode() + epubs


# Catalogs are untrusted text ---------------------------------------------------------------

HOSTILE_LABELS = {
    'msgstr "Contents"': 'msgstr "Contents<script>alert(1)</script><img src=\\"http://127.0.0.1:9/'
                         'p.png\\" alt=\\"\\"/>"',
    'msgstr "Cover"': 'msgstr "Cover<b>"',
    'msgstr "Start of the text"': 'msgstr "Start &amp; <i>end"',
    'msgstr "Translation updated on %(date)s."':
        'msgstr "Translation updated on %(date)s. <a href=\\"javascript:alert(2)\\">v</a>"',
}


def test_a_catalogs_markup_is_printed_as_text_and_check_reports_it(project):
    catalog = project / "locales" / "en" / "LC_MESSAGES" / "messages.po"
    for old, new in HOSTILE_LABELS.items():
        edit(catalog, old, new)
    run = run_cli(project, "--lang", "en")
    assert run.status == 0, run.stderr
    book = Epub(project / "dist" / "en" / "fixture-book.epub")
    for name in book.zip.namelist():
        if name.endswith(".xhtml"):
            page = book.zip.read(name)
            ElementTree.fromstring(page)  # well formed, whatever the catalog says
            assert b"<script" not in page and b"<img src=\"http://" not in page, name
            assert b'href="javascript' not in page, name
    nav = book.text("nav.xhtml")
    assert "Contents<script>alert(1)</script>" in nav and "Cover<b>" in nav
    assert "&lt;a href=”javascript:alert(2)”&gt;v&lt;/a&gt;" in \
        book.read("en/seconde.xhtml").decode()  # printed as text
    for path in (project / "dist" / "en").glob("*.pdf"):
        for page in PdfReader(path).pages:
            for annotation in page.get("/Annots") or []:
                action = annotation.get_object().get("/A") or {}
                assert not str(action.get("/URI", "")).startswith("javascript"), path
    check = run_cli(project, "check", "--lang", "en")
    assert check.status == 1
    markup = [line for line in check.stdout.splitlines() if "holds markup" in line]
    assert len(markup) == 4 and all(line.startswith("locales/en/LC_MESSAGES/messages.po:")
                                    for line in markup)


def test_invisible_characters_in_a_catalog_are_reported(project):
    catalog = project / "locales" / "en" / "LC_MESSAGES" / "messages.po"
    edit(catalog, 'msgstr "Contents"', 'msgstr "Con\u202etents"')
    lines = run_cli(project, "check").stdout.splitlines()
    assert any(line.startswith("locales/en/LC_MESSAGES/messages.po:") and
               ": error: U+202E RIGHT-TO-LEFT OVERRIDE" in line for line in lines)


def test_css_strings_escape_every_character_that_could_end_them():
    from leaflets.render import css_string

    escaped = css_string('a"b\\c\r\nd\fe\u2028f</style>')
    assert escaped == '"a\\22 b\\5c c\\d \\a d\\c e\\2028 f\\3c /style\\3e "'


# Links out of the project are refused before anything is read ---------------------------

def test_a_catalog_linked_to_a_file_of_the_machine_is_refused_unread(project, secret_file):
    catalog = project / "locales" / "en" / "LC_MESSAGES" / "messages.po"
    catalog.unlink()
    catalog.symlink_to(secret_file)
    for args in (("check",), ("status",), ()):
        run = run_cli(project, *args)
        assert run.status == 2, args
        assert ("locales/en/LC_MESSAGES/messages.po: a link to a file outside the project: "
                "refused") in run.stderr, args
        assert SECRET not in run.stdout + run.stderr and "Leaked" not in run.stderr
    catalog.unlink()
    catalog.symlink_to("/proc/self/environ")
    run = run_cli(project, "check")
    assert run.status == 2 and "a link to a file outside the project" in run.stderr
    assert not any(f"{name}=" in run.stderr for name in os.environ)


def test_a_translation_linked_out_of_the_project_is_refused_and_costs_no_output(
        project, secret_file):
    assert run_cli(project).status == 0
    before = snapshot(project / "dist")
    translation = project / "content" / "en" / "seconde.md"
    translation.unlink()
    translation.symlink_to(secret_file)
    run = run_cli(project)
    assert run.status == 2
    assert ("content/en/seconde.md: a link to a file outside the project: refused (copy the "
            "file into the project instead)") in run.stderr.splitlines()
    assert snapshot(project / "dist") == before
    assert SECRET.encode() not in every_byte(project)


def test_a_kept_french_copy_linked_out_of_the_project_is_refused(project, secret_file):
    followed = project / "locales" / "en" / "follows" / "seconde.md"
    followed.unlink()
    followed.symlink_to(secret_file)
    run = run_cli(project, "diff", "en/seconde")
    assert run.status == 2
    assert "locales/en/follows/seconde.md: a link to a file outside the project" in run.stderr
    assert SECRET not in run.stdout + run.stderr


@pytest.mark.parametrize("make, message", [
    (lambda path: path.symlink_to(path.parent / "nowhere.md"),
     "a link to a file that does not exist"),
    (lambda path: path.symlink_to(path), "a link that cannot be followed (it loops?)"),
    (lambda path: path.mkdir(), "not a file (a folder?): rename or remove it"),
])
def test_a_broken_link_or_a_folder_named_like_a_document_is_a_clear_error(project, make,
                                                                           message):
    path = project / "content" / "en" / "seconde.md"
    path.unlink()
    make(path)
    run = run_cli(project)
    assert run.status == 2, run.stderr
    assert f"content/en/seconde.md: {message}" in run.stderr.splitlines()
    assert "internal error" not in run.stderr


def test_a_dist_that_is_a_link_is_refused_and_clean_removes_only_the_link(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    keep = elsewhere / ".keep.tmp"
    keep.write_text("not the pipeline's")
    (project / "dist").symlink_to(elsewhere)
    run = run_cli(project)
    assert run.status == 2
    assert run.stderr.startswith(f"dist: dist is a link (to {elsewhere}): the pipeline writes "
                                 "only inside the project; remove the link")
    assert keep.exists() and sorted(elsewhere.iterdir()) == [keep]
    clean = run_cli(project, "clean")
    assert clean.status == 0 and "removed the link dist" in clean.stdout
    assert not (project / "dist").exists() and keep.exists()


# What readers never see cannot satisfy a check ------------------------------------------

def test_check_reads_the_printed_text_not_an_html_comment(project):
    english = project / "content" / "en" / "premiere.md"
    edit(english, "In 30 % of cases", "In 40 % of cases <!-- 30 % -->")
    run = run_cli(project, "check")
    assert run.status == 1
    assert ("content/en/premiere.md:10: error: [Why this leaflet?] '30 %' of the French "
            "(content/fr/premiere.md:12) is missing here") in run.stdout.splitlines()


def test_check_reads_the_printed_text_not_a_yaml_comment(tmp_path):
    project = make_project("terms", tmp_path / "project")
    edit(project / "content" / "en" / "soin.md",
         "summary: What cryoneurolysis does, and when embolisation helps.",
         "summary: What nerve freezing does, and when it helps.  # cryoneurolysis")
    lines = run_cli(project, "check").stdout.splitlines()
    assert any(line.startswith("content/en/soin.md:3: error: [summary] 'Cryoneurolyse'")
               for line in lines), lines


def test_invisible_characters_are_reported_and_cannot_hide_a_word(tmp_path):
    project = make_project("terms", tmp_path / "project")
    english = project / "content" / "en" / "soin.md"
    text = english.read_text(encoding="utf-8")
    assert "cryo-neurolysis" in text
    english.write_text(text.replace("cryo-neurolysis", "cryo\u200b-neurolysis", 1)
                       .replace("## What is nerve freezing?", "## What is \u202enerve freezing?"),
                       encoding="utf-8")
    run = run_cli(project, "check")
    lines = run.stdout.splitlines()
    assert ("content/en/soin.md:8: error: U+202E RIGHT-TO-LEFT OVERRIDE: it reorders the "
            "printed text: set the language's direction in publication.yml (languages.rtl) "
            "instead") in lines
    assert any(line.startswith("content/en/soin.md:12: warning: U+200B ZERO WIDTH SPACE")
               for line in lines)
    # The forbidden variant is still found, the zero-width space notwithstanding.
    assert any(line.startswith("content/en/soin.md:12: error: [What is nerve freezing?] "
                               "'cryo-neurolysis' must not be used") for line in lines)


# Images and sizes --------------------------------------------------------------------------

def png_header(width, height):
    """A tiny PNG file that claims `width` x `height` pixels."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + \
            struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + \
        chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def test_an_image_of_gigapixels_is_refused_from_its_header(project):
    (project / "content" / "images" / "huge.png").write_bytes(png_header(13000, 13000))
    edit(project / "content" / "fr" / "seconde.md", "il vous connaît.",
         "il vous connaît.\n\n![Une image immense](../images/huge.png)")
    started = time.perf_counter()
    run = run_cli(project, "--lang", "fr", "--profile", "screen")
    assert run.status == 2
    assert ("content/fr/seconde.md:13: image '../images/huge.png': 13000 x 13000 pixels, over "
            "the 25 megapixels a leaflet can use: make it smaller") in run.stderr
    assert time.perf_counter() - started < 30  # never decoded (a guard, not a benchmark)


# A careless machine -------------------------------------------------------------------------

def test_a_byte_order_mark_changes_nothing(project, tmp_path):
    for path in (project / "content" / "en" / "seconde.md",
                 project / "locales" / "en" / "LC_MESSAGES" / "messages.po"):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert run_cli(project, "--lang", "en", "--profile", "screen").status == 0
    plain = make_project("minimal", tmp_path / "plain")
    assert run_cli(plain, "--lang", "en", "--profile", "screen").status == 0
    for name in outputs(plain):
        assert (project / "dist" / name).read_bytes() == \
            (plain / "dist" / name).read_bytes(), name
    assert run_cli(project, "check").stdout.endswith("0 error(s), 0 warning(s)\n")


def damage_record(project, statements):
    with closing(sqlite3.connect(project / "dist" / ".build-state.sqlite")) as record, record:
        for statement in statements:
            record.execute(statement)


def test_a_damaged_build_record_is_ignored(project):
    assert run_cli(project, "--format", "epub").status == 0
    record = project / "dist" / ".build-state.sqlite"
    for damage in (lambda: record.write_bytes(b"null"),
                   lambda: record.write_bytes(b"SQLite format 3\0" + b"\xff" * 4000),
                   lambda: damage_record(project, ["DROP TABLE plans"]),
                   lambda: damage_record(project, ["PRAGMA user_version = 99"]),
                   lambda: damage_record(project, ["UPDATE outputs SET reads = '{\"x\": 1}'",
                                                   "UPDATE outputs SET pages = 'many'"])):
        damage()
        run = run_cli(project, "--format", "epub")
        assert run.status == 0, run.stderr
        assert run.stdout.strip() == "2 built, 0 up to date, 0 failed"
    # And the record made again serves the next build.
    assert run_cli(project, "--format", "epub").stdout.strip() == "0 built, 2 up to date, 0 failed"


def test_an_output_that_cannot_be_written_fails_alone(project):
    (project / "dist" / "en" / "seconde.pdf").mkdir(parents=True)  # a folder in its place
    run = run_cli(project, "--lang", "en", "--profile", "screen", "--format", "pdf")
    assert run.status == 1
    assert any(line.startswith("[") and "failed dist/en/seconde.pdf: cannot write it (Is a "
               "directory)" in line for line in run.stderr.splitlines())
    assert (project / "dist" / "en" / "premiere.pdf").exists()
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr


def test_a_machine_that_refuses_to_write_gets_one_line_and_exit_status_1(project, monkeypatch):
    import leaflets.state

    class FullDisk:  # SQLite as it answers on a full disk
        def __getattr__(self, name):
            return getattr(sqlite3, name)

        @staticmethod
        def connect(*args, **kwargs):
            raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(leaflets.state, "sqlite3", FullDisk())
    run = run_cli(project, "--lang", "fr", "--format", "epub")
    assert run.status == 1
    assert run.stderr.splitlines()[-1] == (
        f"{project / 'dist' / '.build-state.sqlite'}: No space left on device: the machine "
        "refused to read or write it (check the disk space and the permissions); nothing "
        "already written is lost")


def test_dates_past_what_a_zip_can_hold_still_make_an_ebook(project):
    edit(project / "content" / "fr" / "seconde.md", "updated: 2026-11-20", "updated: 2200-01-01")
    edit(project / "content" / "fr" / "seconde.md", "last_review: 2026-11-20",
         "last_review: 2200-01-01")
    edit(project / "content" / "fr" / "seconde.md", "review_due: 2099-11-20",
         "review_due: 2201-01-01")
    run = run_cli(project, "--lang", "fr", "--format", "epub")
    assert run.status == 0, run.stderr
    assert zipfile.ZipFile(project / "dist" / "fr" / "fixture-book.epub").testzip() is None


# Signals -------------------------------------------------------------------------------------

def build_command(project, *args):
    return [sys.executable, str(REPO / "build.py"), "--project", str(project), *args]


def processes_of(project):
    """The processes whose command line names the project: a build and its workers."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if str(project).encode() in command:
                found.append(int(entry.name))
    return found


def start_build(project, own_group=False):
    """A build under way, with a few outputs written and the rest being made (in its own
    process group, as a terminal starts it, when `own_group`)."""
    process = subprocess.Popen(build_command(project, "--jobs", "2", "--force"),
                               stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                               start_new_session=own_group)
    made = 0
    while made < 3:
        line = process.stderr.readline()
        assert line, "the build ended before it could be stopped"
        made += line.startswith("[")
    assert process.poll() is None
    return process


def wait_for_no_process(project, seconds=10.0):
    deadline = time.monotonic() + seconds
    while processes_of(project) and time.monotonic() < deadline:
        time.sleep(0.1)
    return processes_of(project)


def test_sigterm_stops_a_build_as_ctrl_c_does(project):
    assert run_cli(project).status == 0
    process = start_build(project)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143
    assert stderr.splitlines()[-1] == ("terminated: the outputs already written are complete; "
                                       "run again to finish.")
    assert "Traceback" not in stderr
    assert wait_for_no_process(project) == []
    assert not list((project / "dist").rglob("*.tmp"))
    assert run_cli(project).status == 0


def test_ctrl_c_stops_the_build_and_its_workers(project):
    # A terminal sends Ctrl-C's SIGINT to the build and to every worker.
    assert run_cli(project).status == 0
    process = start_build(project, own_group=True)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr.splitlines()[-1] == ("interrupted: the outputs already written are "
                                       "complete; run again to finish.")
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert wait_for_no_process(project) == []
    assert not (project / "dist" / ".work").exists()
    assert run_cli(project).status == 0


def weasyprint_folders():
    import tempfile

    return set(Path(tempfile.gettempdir()).glob("weasyprint-*"))


def test_workers_end_with_a_killed_build_and_hold_no_lock(project):
    assert run_cli(project).status == 0
    before = weasyprint_folders()
    process = start_build(project)
    process.kill()  # the build's process only, as an out-of-memory killer would
    process.communicate()
    assert wait_for_no_process(project) == []
    # The next build neither waits for an orphan nor finds its leftovers.
    run = subprocess.run(build_command(project), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "waiting" not in run.stderr
    assert not (project / "dist" / ".work").exists()
    assert weasyprint_folders() <= before  # nothing left in the system's temporary folder


def test_clean_waits_for_a_build_to_end(project):
    from leaflets.driver import build_lock

    assert run_cli(project, "--format", "epub").status == 0
    with build_lock(project):
        clean = subprocess.Popen(build_command(project, "clean"), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        time.sleep(1.0)
        assert clean.poll() is None and (project / "dist").exists()
    _stdout, stderr = clean.communicate(timeout=30)
    assert clean.returncode == 0 and "waiting for it to end" in stderr
    assert not (project / "dist").exists()


# Second look: what a first fix let through ---------------------------------------------------

@pytest.mark.parametrize("hiding", [
    "*[zz]: {text}",  # an abbreviation's definition prints nothing
    "[Why this leaflet]: https://example.org \"{text}\"",  # nor does a link's definition
])
def test_a_paragraph_hidden_in_a_markdown_definition_is_missing_for_check(project, hiding):
    english = project / "content" / "en" / "seconde.md"
    edit(english, "Talk to your doctor: they know you.",
         hiding.format(text="Talk to your doctor: they know you."))
    run = run_cli(project, "check")
    assert run.status == 1
    assert any("the French paragraph (content/fr/seconde.md:" in line and "is missing" in line
               for line in run.stdout.splitlines()), run.stdout


def test_raw_html_cannot_borrow_the_pipelines_classes_ids_or_spans(project):
    english = project / "content" / "en" / "seconde.md"
    edit(english, "Talk to your doctor: they know you.",
         '<span class="footnote-backref" id="premiere-title" role="doc-noteref">Talk to your '
         'doctor: they know you.</span>\n\n<table><tr><td colspan="100000000">x</td></tr>'
         '</table>')
    run = run_cli(project, "--lang", "en", "--profile", "screen")
    assert run.status == 0, run.stderr
    assert "Talk to your doctor: they know you." in " ".join(
        pdf_text(project / "dist" / "en" / "seconde.pdf").split())
    chapter = Epub(project / "dist" / "en" / "fixture-book.epub").read("en/seconde.xhtml")
    assert b"footnote-backref" not in chapter and b"colspan" not in chapter
    assert chapter.count(b'id="premiere-title"') == 0


def test_characters_written_as_escapes_are_seen_as_what_they_print(project):
    english = project / "content" / "en" / "seconde.md"
    edit(english, "title: Second test leaflet", 'title: "Second \\u202Etest leaflet"')
    edit(english, "they know you.", "they know you &#x202E;-70&#x202C; &#xAD;.")
    lines = run_cli(project, "check").stdout.splitlines()
    assert any(line.startswith("content/en/seconde.md:2: error: U+202E") for line in lines)
    assert any(line.startswith("content/en/seconde.md:9: error: U+202E") for line in lines)
    assert any(line.startswith("content/en/seconde.md:9: warning: U+00AD") for line in lines)
    edit(english, "&#xAD;", "&#xFFFE;")
    run = run_cli(project, "check")
    assert run.status == 2
    assert ("content/en/seconde.md:9: the character U+FFFE cannot be printed: remove it"
            in run.stderr)


@pytest.mark.parametrize("old, new, message", [
    ('msgstr "Contents"', 'msgstr "Con\\uFFFEtents"', None),  # PO has no \\u escape: literal
    ('msgstr "Contents"', 'msgstr "Con\ufffetents"',
     "holds the character U+FFFE, which no page can hold"),
    ('msgstr "Phone: %(phone)s"', 'msgstr "Phone: %(phone)10000000s"',
     "is not a valid label"),
    ('msgstr "Phone: %(phone)s"', 'msgstr "Phone: 08 99 00 00 00 (premium line)"',
     "must keep every placeholder of the msgid (phone)"),
])
def test_a_translation_that_would_change_or_break_the_page_is_refused(project, old, new,
                                                                        message):
    catalog = project / "locales" / "en" / "LC_MESSAGES" / "messages.po"
    edit(catalog, old, new)
    run = run_cli(project, "check")
    if message is None:
        assert run.status in (0, 1) and "Traceback" not in run.stderr
        return
    assert run.status == 2
    assert message in run.stderr and "internal error" not in run.stderr


def test_the_labels_format_check_does_not_trust_the_catalogs_references(project):
    catalog = project / "locales" / "en" / "LC_MESSAGES" / "messages.po"
    text = catalog.read_text(encoding="utf-8")
    start = text.index('msgid "Sommaire"')
    header = text.rfind("\n\n", 0, start)
    entry = text[header:start]
    catalog.write_text(text.replace(entry, "\n\n", 1).replace('msgstr "Contents"',
                                                              'msgstr "Contents 100%"'),
                       encoding="utf-8")
    run = run_cli(project, "check")
    assert run.status == 2 and "msgstr of 'Sommaire' is not a valid label" in run.stderr


@pytest.mark.parametrize("name, src, message", [
    ("a%20b.png", "../images/a%20b.png", "write a plain relative path, without %, ?, # or \\"),
    ("c.png", "../images/c.png?x=.png", "write a plain relative path"),
    ("premiere.xhtml", "../images/premiere.xhtml", "an image's name must end in"),
    ("noext", "../images/noext", "an image's name must end in"),
])
def test_an_image_is_named_and_typed_as_it_is(project, name, src, message):
    (project / "content" / "images" / name).write_bytes(png_header(10, 10))
    edit(project / "content" / "fr" / "seconde.md", "il vous connaît.",
         f"il vous connaît.\n\n![Une image]({src})")
    run = run_cli(project)
    assert run.status == 2
    assert message in run.stderr and "internal error" not in run.stderr


def test_a_paragraph_too_long_to_lay_out_in_time_is_refused(project):
    edit(project / "content" / "en" / "seconde.md", "Talk to your doctor: they know you.",
         "[" * 8000)
    started = time.perf_counter()
    run = run_cli(project, "check")
    assert run.status == 2
    assert ("content/en/seconde.md:9: a paragraph of over 2000 characters: no reader "
            "follows it; split it") in run.stderr
    assert time.perf_counter() - started < 30  # never parsed (a guard, not a benchmark)


def test_a_link_to_an_endless_file_is_never_read(project):
    (project / "content" / "en" / "notes.txt").symlink_to("/dev/zero")
    run = subprocess.run(build_command(project, "--lang", "en", "--format", "epub"),
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize("folder, command", [
    ("locales/en/follows", ("accept", "en/seconde")),
    ("locales/en/LC_MESSAGES", ("catalogs",)),
])
def test_nothing_is_written_through_a_folder_that_leads_outside(project, tmp_path, folder,
                                                                 command):
    outside = tmp_path / "outside"
    shutil.copytree(project / folder, outside)
    before = snapshot(outside)
    shutil.rmtree(project / folder)
    (project / folder).symlink_to(outside)
    run = run_cli(project, *command)
    assert run.status == 2, run.stdout + run.stderr
    assert "outside the project" in run.stderr  # read or written: refused either way
    assert snapshot(outside) == before


def test_a_language_folder_of_dist_that_leads_outside_gets_nothing(project, tmp_path):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / ".keep.tmp").write_text("not the pipeline's")
    (project / "dist").mkdir()
    (project / "dist" / "en").symlink_to(victim)
    run = run_cli(project, "--format", "epub")
    assert run.status == 1
    assert "failed dist/en/fixture-book.epub: dist/en/fixture-book.epub: en/ leads outside " \
        "the project" in run.stderr
    assert sorted(path.name for path in victim.iterdir()) == [".keep.tmp"]
    assert (project / "dist" / "fr" / "fixture-book.epub").exists()


@pytest.mark.parametrize("edit_args, message", [
    (("content/en/seconde.md", "title: Second test leaflet",
      "title: Second test leaflet\nsummary2: " + "[" * 3000 + "]" * 3000),
     "content/en/seconde.md:2: front matter nested too deeply"),
    (("locales/en/LC_MESSAGES/messages.po", "charset=utf-8", "charset=rot13"),
     "locales/en/LC_MESSAGES/messages.po: invalid PO header"),
    (("locales/en/LC_MESSAGES/messages.po", "plural=(n != 1);", "plural=(n != 1;"),
     "locales/en/LC_MESSAGES/messages.po: invalid PO header"),
])
def test_more_broken_inputs_are_clear_errors_not_internal_ones(project, edit_args, message):
    path, old, new = edit_args
    edit(project / path, old, new)
    run = run_cli(project, "check")
    assert run.status == 2, run.stderr
    assert message in run.stderr and "internal error" not in run.stderr


def test_a_title_of_one_endless_word_still_draws_a_cover(project):
    catalog = project / "locales" / "en" / "LC_MESSAGES" / "messages.po"
    edit(catalog, 'msgstr "Relieving pain with the help of imaging"',
         f'msgstr "{"Relieving" * 2000}"')
    run = run_cli(project, "--lang", "en", "--format", "epub")
    assert run.status == 0, run.stderr


def test_a_build_record_with_outputs_of_the_wrong_kind_is_ignored(project):
    assert run_cli(project, "--format", "epub").status == 0
    damage_record(project, ["UPDATE plans SET outputs = '[[\"x\"]]'"])
    run = run_cli(project, "--format", "epub")
    assert run.status == 0, run.stderr


def test_a_file_name_cannot_write_to_the_terminal(project):
    name = "x\x1b[31mRED\x1b[0m.md"
    (project / "content" / "en" / name).write_text("---\ntitle: x\n---\n", encoding="utf-8")
    for args in (("check",), ("status",)):
        run = run_cli(project, *args)
        assert "\x1b" not in run.stdout + run.stderr, args
