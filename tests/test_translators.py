"""The translators' loop on a copy of the 'minimal' fixture: status, diff, accept, the
structure check, a new language, and the draft mark on what is not safe to print."""

import json
import re

import pytest
from babel.messages.pofile import write_po
from conftest import edit, flat, make_project, outputs, recorded_outputs, run_cli
from reading import Epub, pdf_pages_text

from leaflets.catalogs import read_catalog

# A reviewer other than the translator marks a translation reviewed.
REVIEWED = ("accept", "--reviewed", "--reviewer", "Dr Claire Petit")


@pytest.fixture
def project(tmp_path):
    return make_project("minimal", tmp_path / "project")


def states(project):
    run = run_cli(project, "status", "--json")
    assert run.status == 0, run.stderr
    documents = json.loads(run.stdout)["languages"]["en"]["documents"]
    return {entry["document"]: entry["state"] for entry in documents}


def test_status_shows_state_and_review_of_every_translation_and_the_catalogs(project):
    run = run_cli(project, "status")
    assert run.status == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[:3] == ["document  fr   en",
                         "premiere  1.2  up to date, reviewed",
                         "seconde   1.0  up to date, draft"]
    assert lines[5:7] == ["en: 2 of 2 documents translated: 2 up to date",
                          "    1 print with a draft mark (draft or outdated), 1 print clean"]
    catalog = next(line for line in lines if line.startswith("locales/en/LC_MESSAGES/messages"))
    assert catalog.split()[1:] == ["58", "0", "0"]


def test_a_changed_french_paragraph_outdates_that_translation_diff_shows_it_accept_clears_it(
        project):
    french = project / "content" / "fr" / "premiere.md"
    edit(french, "Dans 30 % des cas", "Dans 40 % des cas")
    edit(french, 'version: "1.2"', 'version: "1.3"')
    assert states(project) == {"premiere": "outdated", "seconde": "up to date"}

    run = run_cli(project, "diff", "en/premiere")
    assert run.status == 0, run.stderr
    assert run.stdout.splitlines() == [
        "content/en/premiere.md follows content/fr/premiere.md version 1.2 (kept in "
        "locales/en/follows/premiere.md); the French is now version 1.3.",
        "1 change(s) since:",
        "",
        '1. changed paragraph in "Pourquoi cette fiche ?" (French line 12)',
        "   before: Le froid agit vers -70 °C. Dans 30 % des cas, on parle d'une \"sorte "
        "d'anesthésie\" légère ! Voici une note[^1] et un [lien vers le service]"
        "(https://leaflets.example.org/contact).",
        "   after:  Le froid agit vers -70 °C. Dans 40 % des cas, on parle d'une \"sorte "
        "d'anesthésie\" légère ! Voici une note[^1] et un [lien vers le service]"
        "(https://leaflets.example.org/contact).",
        '   words:  "30" → "40"',
        '   now:    Cold works at about -70 °C. In 30 % of cases, we speak of a "kind of light '
        'anaesthesia"! Here is a note[^1] and a [link to the department]'
        '(https://leaflets.example.org/contact).',
        "   content/en/premiere.md:10: update the matching block",
    ]
    # The changed number is also what the structure check sees in the translation.
    check = run_cli(project, "check")
    assert ("content/en/premiere.md:10: error: [Why this leaflet?] '40 %' of the French "
            "(content/fr/premiere.md:12) is missing here") in check.stdout

    edit(project / "content" / "en" / "premiere.md", "In 30 %", "In 40 %")
    run = run_cli(project, "accept", "en/premiere")
    assert run.status == 0, run.stderr
    assert states(project) == {"premiere": "up to date", "seconde": "up to date"}
    assert (project / "locales" / "en" / "follows" / "premiere.md").read_bytes() == \
        french.read_bytes()
    assert 'follows: "1.3"\n' in (project / "content" / "en" / "premiere.md").read_text()
    assert "No change since" in run_cli(project, "diff", "en/premiere").stdout


def test_diff_places_an_added_french_block_after_its_english_neighbour(project):
    edit(project / "content" / "fr" / "premiere.md", "- vous posez **vos questions**.\n",
         "- vous posez **vos questions**.\n- vous venez accompagné.\n")
    lines = run_cli(project, "diff", "en/premiere").stdout.splitlines()
    assert lines[3:] == ['1. added list item in "Avant" (French line 22)',
                         "   after:  vous venez accompagné.",
                         "   content/en/premiere.md:19: insert after the matching block"]


def test_structure_check_finds_a_dropped_list_item_and_a_changed_number(project):
    english = project / "content" / "en" / "premiere.md"
    edit(english, "- you bring your *scans*;\n", "")
    edit(english, "-70 °C", "-60 °C")
    run = run_cli(project, "check")
    assert run.status == 1
    assert run.stdout.splitlines()[:2] == [
        "content/en/premiere.md:10: error: [Why this leaflet?] '-70 °C' of the French "
        "(content/fr/premiere.md:12) is missing here",
        "content/en/premiere.md:17: error: [Avant] the French list item "
        "(content/fr/premiere.md:20) is missing after this line: \"vous apportez vos "
        "*examens* ;\"",
    ]


@pytest.mark.parametrize("old, new, expected", [
    ("(https://leaflets.example.org/contact)", "(https://example.com/)",
     "content/en/premiere.md:10: error: [Why this leaflet?] links go to "
     "'https://example.com/'; the French (content/fr/premiere.md:12) links to "
     "'https://leaflets.example.org/contact'"),
    ("![Diagram of a knee seen from the front]", "![Schéma d'un genou vu de face]",
     "content/en/premiere.md:31: error: [During] the alt text of image '../images/genou.png' "
     "is not translated: \"Schéma d'un genou vu de face\""),
    ("### During", "## During",
     "content/en/premiere.md:21: error: [During] this level-2 heading has no counterpart in "
     "the French (content/fr/premiere.md): \"During\""),
])
def test_structure_check_finds_links_images_and_headings_that_differ(project, old, new,
                                                                     expected):
    edit(project / "content" / "en" / "premiere.md", old, new)
    run = run_cli(project, "check")
    assert run.status == 1
    assert expected in run.stdout.splitlines()


DRAFT_FOOTER = "This translation has not been checked yet"
DRAFT_NOTICE = ("This translation has not been checked by a reviewer yet. If anything is "
                "unclear, ask the team caring for you.")
OUTDATED_FOOTER = "This translation is out of date"
OUTDATED_NOTICE = ("This translation is out of date: the original in French has changed since. "
                   "Ask the team caring for you for the latest version.")


def test_a_draft_translation_says_so_in_plain_words_a_reviewed_one_does_not(project):
    run = run_cli(project, "--format", "pdf")
    assert run.status == 0, run.stderr
    dist = project / "dist"
    for profile in ("", ".print", ".large"):
        draft = pdf_pages_text(dist / "en" / f"seconde{profile}.pdf")
        # In its title band, and at the foot of every page.
        assert DRAFT_NOTICE in flat(draft[0]), profile
        assert draft and all(DRAFT_FOOTER in page for page in draft), profile
    for path in (dist / "en" / "premiere.pdf", dist / "fr" / "premiere.pdf",
                 dist / "fr" / "seconde.pdf"):
        text = flat(" ".join(pdf_pages_text(path)))
        assert "checked" not in text and "out of date" not in text, path
        assert "vérifiée" not in text and "à jour :" not in text, path


def test_a_draft_never_claims_a_review_only_the_french_documents_own(project):
    run = run_cli(project, "--format", "pdf", "--profile", "screen")
    assert run.status == 0, run.stderr
    english = flat(pdf_pages_text(project / "dist" / "en" / "seconde.pdf")[-1])
    assert "Translation updated on 20 November 2026." in english
    assert ("The original in French was reviewed on 20 November 2026; next review due by "
            "20 November 2099.") in english
    assert "Last review" not in english and "Updated on" not in english
    french = flat(pdf_pages_text(project / "dist" / "fr" / "seconde.pdf")[-1])
    assert ("Mis à jour le 20 novembre 2026 · Version 1.0 Texte relu le 20 novembre 2026 ; "
            "prochaine relecture prévue d’ici le 20 novembre 2099.") in french


def test_a_translation_prints_the_french_version_it_follows_not_the_current_one(project):
    english = project / "content" / "en" / "premiere.md"
    edit(english, "review: reviewed\n", 'review: reviewed\nfollows: "1.2"\n')
    french = project / "content" / "fr" / "premiere.md"
    edit(french, "Dans 30 % des cas", "Dans 40 % des cas")
    edit(french, 'version: "1.2"', 'version: "1.3"')
    run = run_cli(project, "--format", "pdf", "--profile", "screen", "--lang", "en")
    assert run.status == 0, run.stderr
    pages = pdf_pages_text(project / "dist" / "en" / "premiere.pdf")
    assert ("Translation updated on 24 November 2026, from version 1.2 of the original in "
            "French.") in flat(pages[-1])
    assert OUTDATED_NOTICE in flat(pages[0])
    assert all(OUTDATED_FOOTER in page for page in pages)


def test_an_outdated_translation_is_marked_and_strict_removes_what_it_refuses(project):
    # A clean build: the reviewed English prints clean.
    assert run_cli(project).status == 0
    clean = pdf_pages_text(project / "dist" / "en" / "premiere.pdf")
    assert not any(OUTDATED_FOOTER in page for page in clean)

    edit(project / "content" / "fr" / "premiere.md", "Dans 30 % des cas", "Dans 40 % des cas")
    edit(project / "content" / "fr" / "premiere.md", 'version: "1.2"', 'version: "1.3"')
    edit(project / "content" / "en" / "premiere.md", "In 30 %", "In 40 %")
    run = run_cli(project, "--strict")
    assert run.status == 1
    assert "content/en/premiere.md: --strict: outdated translation not built" in run.stderr
    assert "content/en/seconde.md: --strict: draft translation not built" in run.stderr
    # The stale clean English and the drafts leave dist/ in the same build, each said.
    removed = {line.split(":")[0] for line in run.stderr.splitlines()
               if line.startswith("removed ")}
    assert removed == {f"removed dist/en/{doc}{profile}.pdf" for doc in ("premiere", "seconde")
                       for profile in ("", ".print", ".booklet", ".large")} | {
        "removed dist/en/fixture-book.pdf", "removed dist/en/fixture-book.epub"}
    assert outputs(project) == sorted(["fr/fixture-book.epub", "fr/fixture-book.pdf"] + [
        f"fr/{doc}{profile}.pdf" for doc in ("premiere", "seconde")
        for profile in ("", ".print", ".booklet", ".large")])
    assert recorded_outputs(project) == outputs(project)

    # A plain build makes them again, marked.
    run = run_cli(project, "--format", "pdf")
    assert run.status == 0, run.stderr
    pages = pdf_pages_text(project / "dist" / "en" / "premiere.pdf")
    assert all(OUTDATED_FOOTER in page for page in pages)


def test_strict_refusing_on_findings_keeps_only_what_the_sources_still_make(project):
    assert run_cli(project).status == 0
    # A French change the English does not follow: a finding, so --strict builds nothing...
    edit(project / "content" / "fr" / "premiere.md", "Dans 30 % des cas", "Dans 40 % des cas")
    edit(project / "content" / "fr" / "premiere.md", 'version: "1.2"', 'version: "1.3"')
    run = run_cli(project, "--strict")
    assert run.status == 1
    assert run.stdout.startswith("1 finding(s) and --strict: nothing was built")
    # ...and what the French change made untrue leaves dist/: the old French leaflet, the
    # clean English one, the books holding them. What the sources still make stays.
    left = outputs(project)
    assert "en/premiere.pdf" not in left and "fr/premiere.pdf" not in left
    assert "fr/fixture-book.epub" not in left and "en/fixture-book.pdf" not in left
    assert {"fr/seconde.pdf", "fr/seconde.large.pdf"} <= set(left)
    assert "en/seconde.pdf" not in left  # a draft, refused by --strict


def test_a_new_language_builds_with_every_document_missing(project):
    run = run_cli(project, "new-language", "es")
    assert run.status == 0, run.stderr
    assert run.stdout.splitlines()[0] == "added es (Spanish, español) to publication.yml"
    publication = (project / "publication.yml").read_text()
    assert "  targets: [en, es]\n" in publication
    assert "    es: urn:uuid:" in publication
    from babel.messages.plurals import get_plural

    catalog = read_catalog(project / "locales" / "es" / "LC_MESSAGES" / "messages.po", "es")
    assert catalog.plural_forms == get_plural("es").plural_forms  # CLDR's, through Babel
    assert (project / "locales" / "es" / "LC_MESSAGES" / "messages.mo").exists()

    status = json.loads(run_cli(project, "status", "--json").stdout)["languages"]["es"]
    assert [entry["state"] for entry in status["documents"]] == ["missing", "missing"]
    assert "es: 0 of 2 documents translated: 2 missing" in run_cli(project, "status").stdout

    build = run_cli(project)
    assert build.status == 0, build.stderr
    assert not (project / "dist" / "es").exists()
    assert run_cli(project, "new-language", "es").status == 2
    unknown = run_cli(project, "new-language", "xx")
    assert unknown.status == 2 and "unknown language code 'xx'" in unknown.stderr


def test_a_new_language_is_named_by_its_bcp47_tag_everywhere(project):
    run = run_cli(project, "new-language", "pt_BR")  # Babel's form, taken as pt-BR
    assert run.status == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "added pt-BR (Portuguese (Brazil), português (Brasil)) to publication.yml"
    assert 'dates will read "1 de dezembro de 2026" (locale pt_BR)' in lines
    assert "  targets: [en, pt-BR]\n" in (project / "publication.yml").read_text()
    po = project / "locales" / "pt-BR" / "LC_MESSAGES" / "messages.po"
    assert '"Language: pt_BR\\n"' in po.read_text(encoding="utf-8")  # as PO editors read it
    english = read_catalog(project / "locales" / "en" / "LC_MESSAGES" / "messages.po", "en")
    catalog = read_catalog(po, "pt-BR")
    for message in catalog:
        if message.id:
            message.string = english[message.id].string
            if isinstance(message.string, tuple):  # Portuguese has a third plural form
                message.string = (*message.string, message.string[-1])[:catalog.num_plurals]
    with po.open("wb") as handle:
        write_po(handle, catalog)
    (project / "content" / "pt-BR" / "seconde.md").write_text(
        "---\ntitle: Segundo folheto\nsummary: Um folheto curto.\nupdated: 2026-11-20\n"
        "review: draft\n---\n## Lembre-se\n\nFale com o seu médico.\n", encoding="utf-8")
    build = run_cli(project, "--lang", "pt-BR", "--profile", "screen,book")
    assert build.status == 0, build.stderr
    assert "pt-BR: 1 of 2 documents translated, built without the others (premiere)" in \
        build.stderr.splitlines()
    epub = Epub(project / "dist" / "pt-BR" / "fixture-book.epub")
    assert epub.metadata("language") == ["pt-BR"]
    assert "20 de novembro de 2026" in flat(pdf_pages_text(
        project / "dist" / "pt-BR" / "seconde.pdf")[-1])
    # The publication file names languages one way: Babel's pt_BR is shown its BCP 47 form.
    edit(project / "publication.yml", "targets: [en, pt-BR]", "targets: [en, pt_BR]")
    refused = run_cli(project, "status")
    assert refused.status == 2
    assert "publication.yml:5: languages: write 'pt_BR' as pt-BR (a BCP 47 tag, as " \
        "pages and e-books name their language)" in refused.stderr


def test_a_partly_translated_language_never_prints_french_labels(project):
    assert run_cli(project, "new-language", "es").status == 0
    spanish = project / "content" / "es" / "seconde.md"
    spanish.write_text("---\ntitle: Segunda ficha\nsummary: Una ficha corta.\n"
                       "updated: 2026-11-20\nreview: draft\n---\n## Recuerde\n\n"
                       "Hable con su médico: le conoce.\n", encoding="utf-8")
    run = run_cli(project)  # es waits; the other languages are built
    assert run.status == 0, run.stderr
    assert re.search(r"^es: 1 of 2 documents translated; interface labels 0 % translated "
                     r"\(\d+ to translate in locales/es/LC_MESSAGES/messages.po\): not built$",
                     run.stderr, re.MULTILINE)
    assert not (project / "dist" / "es").exists()
    run = run_cli(project, "--lang", "es")  # asked for by name: refused
    assert run.status == 1
    refusals = [line for line in run.stderr.splitlines() if "failed dist/es/" in line]
    assert len(refusals) == 6  # seconde in 4 profiles, the book's PDF and its EPUB
    assert re.search(r"locales/es/LC_MESSAGES/messages.po: \d+ interface text\(s\) not "
                     "translated yet", refusals[0]) and "es pages would show French" in refusals[0]
    assert all(line.endswith("the same reason as above") for line in refusals[1:])
    assert not (project / "dist" / "es").exists()
    assert (project / "dist" / "en" / "premiere.pdf").exists()
    status = run_cli(project, "status").stdout
    assert "es: 1 of 2 documents translated: 1 not accepted, 1 missing" in status


def test_status_shows_an_orphan_translation_that_the_build_refuses(project):
    orphan = project / "content" / "en" / "troisieme.md"
    orphan.write_text("---\ntitle: Third\nsummary: S.\nupdated: 2026-11-20\nreview: draft\n"
                      "---\nText.\n", encoding="utf-8")
    run = run_cli(project, "status", "--json")
    documents = json.loads(run.stdout)["languages"]["en"]["documents"]
    assert documents[-1] == {"document": "troisieme", "state": "orphan", "review": "draft",
                             "file": "content/en/troisieme.md", "version": None,
                             "follows": None, "draft_mark": True, "problem": None,
                             "translator": None, "reviewer": None, "changed_blocks": None,
                             "new_blocks": None, "words_to_translate": None,
                             "findings": None}  # the project does not load: no check
    build = run_cli(project)
    assert build.status == 2
    assert "content/en/troisieme.md:1: translation with no French source" in build.stderr


def test_accept_after_a_french_change_puts_a_reviewed_translation_back_to_draft(project):
    french = project / "content" / "fr" / "premiere.md"
    edit(french, "On vous installe.", "On vous installe confortablement.")
    edit(french, 'version: "1.2"', 'version: "1.3"')
    english = project / "content" / "en" / "premiere.md"
    run = run_cli(project, "accept", "en/premiere")
    assert run.status == 0, run.stdout
    assert run.stdout.splitlines() == [
        "content/en/premiere.md now follows content/fr/premiere.md version 1.3 (recorded in "
        "locales/en/follows/premiere.md); review: draft",
        "  review set back to draft: the French changed since it was reviewed. Once a reviewer "
        "has checked it: build.py accept --reviewed --reviewer NAME en/premiere"]
    text = english.read_text()
    assert "review: draft\n" in text and 'follows: "1.3"\n' in text
    status = run_cli(project, "status").stdout.splitlines()
    assert status[1] == "premiere  1.3  up to date, follows 1.3, draft"
    # The next build marks it: it no longer prints clean.
    assert run_cli(project, "--format", "pdf", "--profile", "screen").status == 0
    pages = pdf_pages_text(project / "dist" / "en" / "premiere.pdf")
    assert all(DRAFT_FOOTER in page for page in pages)
    assert DRAFT_NOTICE in flat(pages[0])


def test_accept_refuses_a_translation_that_check_finds_an_error_in(project):
    english = project / "content" / "en" / "premiere.md"
    edit(english, "- you bring your *scans*;\n", "")
    before = english.read_bytes()
    followed = project / "locales" / "en" / "follows" / "premiere.md"
    recorded = followed.read_bytes()
    for args in (("accept", "en/premiere"), (*REVIEWED, "en/premiere")):
        run = run_cli(project, *args)
        assert run.status == 1
        assert run.stdout.splitlines() == [
            "content/en/premiere.md: not accepted: `check` finds 1 problem(s) to fix first:",
            "  content/en/premiere.md:17: error: [Avant] the French list item "
            "(content/fr/premiere.md:20) is missing after this line: \"vous apportez vos "
            "*examens* ;\""]
        assert english.read_bytes() == before and followed.read_bytes() == recorded


def test_accept_reviewed_marks_a_checked_translation_reviewed(project):
    assert "seconde   1.0  up to date, draft" in run_cli(project, "status").stdout
    run = run_cli(project, *REVIEWED, "en/seconde")
    assert run.status == 0, run.stdout
    assert run.stdout.splitlines() == [
        "content/en/seconde.md now follows content/fr/seconde.md version 1.0 (recorded in "
        "locales/en/follows/seconde.md); review: reviewed"]
    assert "seconde   1.0  up to date, follows 1.0, reviewed" in \
        run_cli(project, "status").stdout
    assert run_cli(project, "--format", "pdf", "--profile", "screen").status == 0
    text = flat(" ".join(pdf_pages_text(project / "dist" / "en" / "seconde.pdf")))
    assert "checked" not in text
    assert "Translation updated on 20 November 2026, from version 1.0 of the original in " \
        "French." in text


def test_accept_takes_several_documents_or_a_whole_language(project):
    run = run_cli(project, "accept", "en/premiere", "en/seconde")
    assert run.status == 0, run.stdout
    assert [line.split(" now follows")[0] for line in run.stdout.splitlines()] == [
        "content/en/premiere.md", "content/en/seconde.md"]
    english = project / "content" / "en" / "premiere.md"
    edit(english, "- you bring your *scans*;\n", "")
    run = run_cli(project, "accept", "en")
    # One refused, the other accepted: each said, and the exit status says not all went in.
    assert run.status == 1
    lines = run.stdout.splitlines()
    assert lines[0].startswith("content/en/premiere.md: not accepted")
    assert lines[2].startswith("content/en/seconde.md now follows")
    assert run_cli(project, "accept", "de").status == 2


def test_a_french_text_changed_without_a_new_version_is_caught(project):
    french = project / "content" / "fr" / "premiere.md"
    edit(french, "On vous installe.", "On vous installe confortablement.")
    warning = ("content/fr/premiere.md:5: warning: the text changed since version 1.2 was "
               "translated (en), but `version:` did not: give it a new value, so that every "
               "leaflet prints which French text it follows")
    check = run_cli(project, "check")
    assert warning in check.stdout.splitlines() and check.status == 0
    assert run_cli(project, "check", "--strict").status == 1
    build = run_cli(project, "--strict", "--format", "epub")
    assert build.status == 1 and warning in build.stderr.splitlines()
    # accept would record "1.2" for a text that is not 1.2's: it refuses.
    accept = run_cli(project, "accept", "en/premiere")
    assert accept.status == 1
    assert accept.stdout.splitlines()[1] == f"  {warning}"
    edit(french, 'version: "1.2"', 'version: "1.3"')
    assert run_cli(project, "accept", "en/premiere").status == 0


def test_accept_keeps_a_translations_line_endings(project):
    english = project / "content" / "en" / "seconde.md"
    english.write_bytes(english.read_bytes().replace(b"\n", b"\r\n"))
    french = project / "content" / "fr" / "seconde.md"
    edit(french, "il vous connaît", "il vous connaît bien")
    edit(french, 'version: "1.0"', 'version: "1.1"')
    assert run_cli(project, "accept", "en/seconde").status == 0
    data = english.read_bytes()
    assert b'follows: "1.1"\r\n' in data and b"\n" not in data.replace(b"\r\n", b"")


def test_accept_records_nothing_when_one_of_the_names_is_wrong(project):
    before = {path: path.read_bytes() for path in (project / "content" / "en").glob("*.md")}
    run = run_cli(project, "accept", "en/premiere", "en/nope")
    assert run.status == 2 and "'nope' is not one of the documents" in run.stderr
    assert {path: path.read_bytes() for path in before} == before


def test_an_accept_cut_short_leaves_both_files_as_they_were(project, monkeypatch):
    import leaflets.files

    french = project / "content" / "fr" / "premiere.md"
    edit(french, "On vous installe.", "On vous installe confortablement.")
    edit(french, 'version: "1.2"', 'version: "1.3"')
    english = project / "content" / "en" / "premiere.md"
    followed = project / "locales" / "en" / "follows" / "premiere.md"
    before = english.read_bytes(), followed.read_bytes()
    writes = []
    real_write = leaflets.files.write_atomically

    def write_then_fail(path, data):
        writes.append(path)
        if len(writes) == 2:
            raise OSError(28, "No space left on device", str(path))
        real_write(path, data)

    monkeypatch.setattr(leaflets.files, "write_atomically", write_then_fail)
    run = run_cli(project, "accept", "en/premiere")
    monkeypatch.undo()
    assert run.status == 1 and "No space left on device" in run.stderr
    assert writes[:2] == [english, followed]  # the translation was written, then put back
    assert (english.read_bytes(), followed.read_bytes()) == before
    status = run_cli(project, "status").stdout.splitlines()[1]
    assert status.endswith("outdated, reviewed"), status  # and it prints marked outdated


@pytest.mark.parametrize("command", [("catalogs",), ("new-language", "es")])
def test_two_problems_in_the_glossary_are_both_named_and_nothing_is_written(tmp_path, command):
    project = make_project("terms", tmp_path / "project")
    glossary = project / "content" / "fr" / "glossaire.md"
    edit(glossary, "updated: 2026-11-24", "updated: hier")
    edit(glossary, 'version: "1.0"', "version: [1, 0]")
    before = {path: path.read_bytes() for path in project.rglob("*") if path.is_file()}
    run = run_cli(project, *command)
    assert run.status == 2, run.stderr
    lines = run.stderr.splitlines()
    assert lines[0].startswith("content/fr/glossaire.md:4: updated:"), lines
    assert lines[1].startswith("content/fr/glossaire.md:5: version:"), lines
    assert lines[-1] == "2 problem(s) in the input: nothing was written."
    after = {path: path.read_bytes() for path in project.rglob("*") if path.is_file()}
    assert after == before  # publication.yml too: the command can simply be run again
    assert not (project / "content" / "es").exists()
