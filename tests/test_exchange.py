"""Translations out to translation tools and back: PO and XLIFF per document, the
translation memory, the key terms as TBX and CSV."""

import csv
import io
import re
import shutil
import subprocess

import pytest
from babel.messages.pofile import read_po, write_po
from conftest import copy_real_project, edit, flat, make_project, run_cli
from lxml import etree
from reading import pdf_pages_text
from translate.convert import po2xliff, xliff2po
from translate.storage import factory, pypo, tbx, xliff

XLIFF = "urn:oasis:names:tc:xliff:document:1.2"


@pytest.fixture
def real(tmp_path):
    return copy_real_project(tmp_path / "project")


@pytest.fixture
def minimal(tmp_path):
    return make_project("minimal", tmp_path / "project")


def read_catalog_file(path):
    with path.open("rb") as handle:
        return read_po(handle)


def export(project, what, file_format, output):
    run = run_cli(project, "export", what, "--format", file_format, "-o", str(output))
    assert run.status == 0, run.stderr
    return run


def printed(project, slug):
    """The text of the English leaflet `slug`, built as a reader gets it."""
    build = run_cli(project, "--lang", "en", "--format", "pdf", "--profile", "screen")
    assert build.status == 0, build.stderr
    return flat(" ".join(pdf_pages_text(project / "dist" / "en" / f"{slug}.pdf")))


def units_of(store):
    """(id, source, target) of each unit of a Translate Toolkit store."""
    found = []
    for unit in store.unit_iter():
        if unit.isheader():
            continue
        identifier = unit.getcontext() if isinstance(unit, pypo.pounit) else \
            unit.xmlelement.get("id")
        found.append((identifier, str(unit.source), str(unit.target)))
    return found


def test_a_document_exports_to_po_and_xliff_that_translate_toolkit_reads_alike(real, tmp_path):
    po_file, xliff_file = tmp_path / "en-cancers.po", tmp_path / "en-cancers.xlf"
    run = export(real, "en/cancers", "po", po_file)
    assert run.stdout.startswith(f"wrote {po_file}: ")
    export(real, "en/cancers", "xliff", xliff_file)
    # gettext's own checker accepts the PO file.
    assert shutil.which("msgfmt")
    checked = subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "x.mo"), str(po_file)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    po_units = units_of(factory.getobject(str(po_file)))
    xliff_units = units_of(factory.getobject(str(xliff_file)))
    assert len(po_units) > 40
    french = (real / "content" / "fr" / "cancers.md").read_text(encoding="utf-8")
    french_lines = french.splitlines()
    english = (real / "content" / "en" / "cancers.md").read_text(encoding="utf-8")
    assert po_units[0] == ("cancers/1", "Douleurs des os et des articulations liées à un cancer",
                           "Bone and joint pain linked to cancer")
    # Each French block and its translation, their markup as tags (<1>bold</1>).
    untagged = re.compile(r"</?\d+/?>")
    french, english = (re.sub(r"\*\*?", "", text) for text in (french, english))
    for _, source, target in po_units:
        assert untagged.sub("", source) in french and untagged.sub("", target) in english
    assert any("<1>" in source for _, source, _ in po_units)
    # Translate Toolkit's own converters make the same units of each.
    converted = tmp_path / "converted.xlf"
    with po_file.open("rb") as source, converted.open("wb") as output:
        po2xliff.convertpo(source, output, None)
    # (XLIFF's inline elements read as text drop their tags: compared without them.)
    def words(units):
        return [(untagged.sub("", source), untagged.sub("", target))
                for _, source, target in units]

    assert words(units_of(factory.getobject(str(converted)))) == words(xliff_units) == \
        words(po_units)
    back = tmp_path / "back.po"
    with xliff_file.open("rb") as source, back.open("wb") as output:
        xliff2po.convertxliff(source, output, None)
    assert words(units_of(factory.getobject(str(back)))) == words(po_units)
    assert [identifier for identifier, _, _ in xliff_units] == \
        [identifier for identifier, _, _ in po_units]
    # Each unit: its French file and line, its section, the approved terms it uses.
    tree = etree.parse(str(xliff_file))
    unit = tree.find(f".//{{{XLIFF}}}trans-unit[@id='cancers/5']")
    contexts = {context.get("context-type"): context.text
                for context in unit.iter(f"{{{XLIFF}}}context")}
    assert contexts["sourcefile"] == "content/fr/cancers.md"
    line = int(contexts["linenumber"])
    assert french_lines[line - 1] == unit.findtext(f"{{{XLIFF}}}source")
    assert contexts["x-section"] == "À quoi sert ce dépliant ?"
    notes = [note.text for note in unit.iter(f"{{{XLIFF}}}note")]
    assert notes == ["Approved terms: Algoradiologie interventionnelle → Interventional pain "
                     "radiology"], notes
    assert tree.getroot().get("version") == "1.2"


def test_a_target_changed_in_a_tool_is_imported_and_printed(real, tmp_path):
    xliff_file = tmp_path / "en-cancers.xlf"
    export(real, "en/cancers", "xliff", xliff_file)
    store = xliff.xlifffile.parsefile(str(xliff_file))
    unit = next(unit for unit in store.unit_iter()
                if str(unit.target).startswith("Cancer can cause pain"))
    unit.target = "Cancer may cause pain in the bones, the joints or the nerves."
    xliff_file.write_bytes(bytes(store))
    run = run_cli(real, "import", str(xliff_file))
    assert run.status == 0, run.stdout + run.stderr
    assert "updated content/en/cancers.md: 1 unit(s) written" in run.stdout
    assert "  check: 0 error(s)" in run.stdout
    text = (real / "content" / "en" / "cancers.md").read_text(encoding="utf-8")
    assert "Cancer may cause pain in the bones, the joints or the nerves." in text
    assert "review: draft" in text
    assert "Cancer may cause pain in the bones" in printed(real, "cancers")


def test_exporting_and_importing_unchanged_changes_nothing(real, tmp_path):
    before = {path: path.read_bytes() for path in (real / "content" / "en").glob("*.md")}
    export(real, "en", "po", tmp_path / "en")
    files = sorted((tmp_path / "en").glob("*.po"))
    assert len(files) == 8
    run = run_cli(real, "import", *map(str, files))
    assert run.status == 0, run.stdout + run.stderr
    assert all("nothing changed" in line for line in run.stdout.splitlines()), run.stdout
    assert before == {path: path.read_bytes() for path in (real / "content" / "en").glob("*.md")}


def test_a_changed_french_paragraph_is_the_one_unit_to_review(real, tmp_path):
    edit(real / "content" / "fr" / "cancers.md", "Ces douleurs peuvent peser lourdement",
         "Ces douleurs peuvent peser très lourdement")
    edit(real / "content" / "fr" / "cancers.md", 'version: "1.2"', 'version: "1.3"')
    po_file = tmp_path / "en-cancers.po"
    export(real, "en/cancers", "po", po_file)
    catalog = read_catalog_file(po_file)
    fuzzy = [message for message in catalog if message.id and message.fuzzy]
    assert len(fuzzy) == 1
    (message,) = fuzzy
    assert "peser très lourdement" in message.id
    store = pypo.pofile.parsefile(str(po_file))  # as Translate Toolkit reads it
    (unit,) = [unit for unit in store.units if unit.isfuzzy()]
    assert "peser lourdement" in str(unit.prev_source)
    assert message.string.startswith("Cancer can cause pain")  # the current translation
    assert "#| msgid " in po_file.read_text(encoding="utf-8")
    xliff_file = tmp_path / "en-cancers.xlf"
    export(real, "en/cancers", "xliff", xliff_file)
    states = [target.get("state") for target in
              etree.parse(str(xliff_file)).iter(f"{{{XLIFF}}}target")]
    assert states.count("needs-review-translation") == 1
    assert set(states) == {"translated", "needs-review-translation"}


def test_inline_markup_is_protected_and_a_broken_import_changes_nothing(minimal, tmp_path):
    po_file = tmp_path / "en-premiere.po"
    export(minimal, "en/premiere", "po", po_file)
    catalog = read_catalog_file(po_file)
    by_context = {message.context: message for message in catalog if message.id}
    note = next(m for m in by_context.values() if m.id.startswith("Le froid agit"))
    assert note.id.endswith("Voici une note<1/> et un <2>lien vers le service</2>.")
    assert note.string.endswith("Here is a note<1/> and a <2>link to the department</2>.")
    image = next(m for m in by_context.values() if "genou" in m.id)
    assert image.id == "<1>Schéma d'un genou vu de face</1>"
    before = (minimal / "content" / "en" / "premiere.md").read_bytes()
    # A tag lost, a tag added: refused, each with its line, and nothing written.
    note.string = note.string.replace("<1/>", "")
    image.string = "<1>Diagram</1> <3/>"
    with po_file.open("wb") as output:
        write_po(output, catalog)
    run = run_cli(minimal, "import", str(po_file))
    assert run.status == 2
    errors = run.stderr.splitlines()
    assert any(f"{po_file}:" in line and "placeholder(s) 1 missing" in line for line in errors)
    assert any("placeholder 3 is not in the source text" in line for line in errors)
    assert (minimal / "content" / "en" / "premiere.md").read_bytes() == before
    # Kept tags, words a translator typed with Markdown's marks: printed as typed.
    note.string = note.string.replace("Here is a note", "Here is *one* note<1/>")
    image.string = "<1>Diagram of a knee [front]</1>"
    with po_file.open("wb") as output:
        write_po(output, catalog)
    run = run_cli(minimal, "import", str(po_file))
    assert run.status == 0, run.stdout + run.stderr
    text = (minimal / "content" / "en" / "premiere.md").read_text(encoding="utf-8")
    assert "Here is \\*one\\* note[^1] and a [link to the department]" \
        "(https://leaflets.example.org/contact)." in text
    assert "![Diagram of a knee \\[front\\]](../images/genou.png)" in text
    assert "Here is *one* note" in printed(minimal, "premiere")


def test_an_import_for_another_french_text_is_refused(real, tmp_path):
    po_file = tmp_path / "en-cancers.po"
    export(real, "en/cancers", "po", po_file)
    edit(real / "content" / "fr" / "cancers.md", "Ces douleurs peuvent peser lourdement",
         "Ces douleurs pèsent")
    before = (real / "content" / "en" / "cancers.md").read_bytes()
    run = run_cli(real, "import", str(po_file))
    assert run.status == 2
    assert "changed since this file was exported" in run.stderr
    assert (real / "content" / "en" / "cancers.md").read_bytes() == before
    catalog = read_catalog_file(po_file)
    catalog.locale = "es"
    with po_file.open("wb") as output:
        write_po(output, catalog)
    wrong = run_cli(real, "import", str(po_file))
    assert wrong.status == 2 and "a translation into 'es'" in wrong.stderr


def test_the_translation_memory_fills_repeated_french_for_review(real, tmp_path):
    # A new document whose French repeats a paragraph of an accepted one.
    limites = (real / "content" / "fr" / "limites.md").read_text(encoding="utf-8")
    cancers = (real / "content" / "fr" / "cancers.md").read_text(encoding="utf-8")
    repeated = next(line for line in cancers.splitlines()
                    if line.startswith("Votre médecin et le radiologue cherchent"))
    assert run_cli(real, "accept", "en/cancers").status == 0
    edit(real / "content" / "fr" / "limites.md", "\n## ", f"\n{repeated}\n\n## ")
    (real / "content" / "en" / "limites.md").unlink()
    po_file = tmp_path / "en-limites.po"
    run = export(real, "en/limites", "po", po_file)
    filled_count = re.search(r"translation memory: (\d+) unit\(s\) filled from the other en "
                             r"documents \((\d+) words, to review\)", run.stdout)
    assert filled_count and int(filled_count[1]) >= 1, run.stdout
    catalog = read_catalog_file(po_file)
    (filled,) = [m for m in catalog if m.id == repeated]
    assert filled.fuzzy and filled.string  # filled, and left to review: never final
    assert any("From the translation memory" in comment for comment in filled.user_comments)
    assert limites
    # Nothing is filled as final: every unit from the memory is fuzzy.
    assert all(message.fuzzy for message in catalog if message.id and message.string)


def test_the_key_terms_export_as_tbx_and_csv(real, tmp_path):
    tbx_file, csv_file = tmp_path / "terms.tbx", tmp_path / "terms.csv"
    assert run_cli(real, "export", "terminology", "en", "-o", str(tbx_file)).status == 0
    assert run_cli(real, "export", "terminology", "en", "--format", "csv",
                   "-o", str(csv_file)).status == 0
    glossary = (real / "content" / "fr" / "glossaire.md").read_text(encoding="utf-8")
    headings = [line[3:].split(" / ")[0] for line in glossary.splitlines()
                if line.startswith("## ")]
    tree = etree.parse(str(tbx_file))
    entries = tree.findall(".//termEntry")
    assert len(entries) == len(headings)
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    for entry, heading in zip(entries, headings, strict=True):
        french = entry.find(f"langSet[@{lang}='fr']")
        assert french.findtext("tig/term") == heading
        assert french.findtext("descrip[@type='definition']")
    statuses = [note.text for note in tree.iter("termNote")
                if note.get("type") == "administrativeStatus"]
    assert "deprecatedTerm-admn-sts" in statuses  # the forbidden renderings
    # Translate Toolkit reads every term.
    store = tbx.tbxfile.parsefile(str(tbx_file))
    assert {str(unit.source) for unit in store.units} >= set(headings)
    rows = list(csv.reader(io.StringIO(csv_file.read_text(encoding="utf-8-sig"))))
    assert rows[0][:4] == ["fr term", "fr plural", "fr definition", "en term"]
    assert len(rows) == len(headings) + 1


def test_an_import_creates_a_missing_translation_on_the_french_skeleton(real, tmp_path):
    original = (real / "content" / "en" / "limites.md").read_text(encoding="utf-8")
    po_file = tmp_path / "en-limites.po"
    export(real, "en/limites", "po", po_file)
    (real / "content" / "en" / "limites.md").unlink()
    run = run_cli(real, "import", str(po_file))
    assert run.status == 0, run.stdout + run.stderr
    assert run.stdout.startswith("created content/en/limites.md: ")
    created = (real / "content" / "en" / "limites.md").read_text(encoding="utf-8")
    # The body is the translation as it was: the French skeleton, the English blocks.
    assert created.split("\n---\n", 1)[1] == original.split("\n---\n", 1)[1]
    front = created.split("\n---\n", 1)[0]
    assert "review: draft" in front and "updated: 2026-12-01" in front
    assert "version:" not in front
    # Without its title, a new translation is not created.
    (real / "content" / "en" / "limites.md").unlink()
    catalog = read_catalog_file(po_file)
    next(message for message in catalog if message.context == "limites/1").string = ""
    with po_file.open("wb") as output:
        write_po(output, catalog)
    refused = run_cli(real, "import", str(po_file))
    assert refused.status == 2 and "needs its title and summary" in refused.stderr
    assert not (real / "content" / "en" / "limites.md").exists()
