"""The gettext catalogs of the templates' labels: complete, valid, and up to date."""

import shutil
import subprocess

import pytest
from conftest import REPO, copy_real_project, run_cli

from leaflets.catalogs import read_catalog

LOCALES = REPO / "locales"
CATALOGS = sorted(LOCALES.rglob("*.po")) + sorted(LOCALES.glob("*.pot"))


def test_there_is_a_template_and_an_english_catalog():
    names = [path.relative_to(LOCALES).as_posix() for path in CATALOGS]
    assert "messages.pot" in names and "en/LC_MESSAGES/messages.po" in names


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.relative_to(LOCALES).as_posix())
def test_msgfmt_check_accepts_every_catalog(path, tmp_path):
    assert shutil.which("msgfmt"), \
        "msgfmt (Debian package gettext) is needed: make test installs it"
    result = subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "out.mo"), str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_template_message_has_an_english_translation():
    template = read_catalog(LOCALES / "messages.pot", None)
    english = read_catalog(LOCALES / "en" / "LC_MESSAGES" / "messages.po", "en")
    assert len([m for m in template if m.id]) >= 10
    for message in template:
        if not message.id:
            continue
        translated = english.get(message.id, context=message.context)
        assert translated is not None, f"not in the English catalog: {message.id!r}"
        assert translated.string and "fuzzy" not in translated.flags, message.id


def test_catalogs_are_up_to_date_with_the_templates(tmp_path):
    """Running the catalog update on the committed project changes no .po or .pot file."""
    project = copy_real_project(tmp_path / "project")
    before = {path: path.read_bytes() for path in (project / "locales").rglob("*.po*")}
    run = run_cli(project, "catalogs")
    assert run.status == 0, run.stderr
    assert "messages.pot" in run.stdout
    after = {path: path.read_bytes() for path in (project / "locales").rglob("*.po*")}
    assert after == before, "run `python build.py catalogs` and commit the catalogs"
    assert (project / "locales" / "en" / "LC_MESSAGES" / "messages.mo").exists()


def test_a_changed_label_becomes_fuzzy_with_its_previous_msgid(tmp_path):
    project = copy_real_project(tmp_path / "project")
    template = project / "templates" / "nav.xhtml"
    template.write_text(template.read_text().replace('_("Début du texte")',
                                                     '_("Début des textes")'))
    run = run_cli(project, "catalogs")
    assert run.status == 0, run.stderr
    po = (project / "locales" / "en" / "LC_MESSAGES" / "messages.po").read_text()
    assert ('#, fuzzy\n#| msgid "Début du texte"\nmsgid "Début des textes"\n'
            'msgstr "Start of the text"') in po
    assert 'msgid "Sommaire"\nmsgstr "Contents"' in po  # the others are kept as they were


def test_a_po_syntax_error_is_reported_with_its_line(tmp_path):
    project = copy_real_project(tmp_path / "project")
    po = project / "locales" / "en" / "LC_MESSAGES" / "messages.po"
    lines = po.read_text().splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith('msgid "Sommaire"'))
    lines[number] = 'msgid: "Sommaire"'
    po.write_text("\n".join(lines) + "\n")
    run = run_cli(project, "build")
    assert run.status == 2
    assert f"locales/en/LC_MESSAGES/messages.po:{number + 1}: invalid PO syntax" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (project / "dist").exists()
