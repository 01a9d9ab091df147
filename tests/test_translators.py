"""The translators' loop on a copy of the 'minimal' fixture: status, diff, accept, the
structure check, a new language, and the draft mark on what is not safe to print."""

import json

import pytest

from conftest import make_project, outputs, run_cli
from reading import pdf_pages_text


@pytest.fixture
def project(tmp_path):
    return make_project("minimal", tmp_path / "project")


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def states(project):
    run = run_cli(project, "status", "--json")
    assert run.status == 0, run.stderr
    documents = json.loads(run.stdout)["languages"]["en"]["documents"]
    return {entry["document"]: entry["state"] for entry in documents}


def test_status_shows_state_and_review_of_every_translation_and_the_catalogs(project):
    run = run_cli(project, "status")
    assert run.status == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[:3] == ["document  en",
                         "premiere  up to date, reviewed",
                         "seconde   up to date, draft"]
    assert lines[4:6] == ["en: 2 of 2 documents translated: 2 up to date",
                          "    1 print with a draft mark (draft or outdated), 1 print clean"]
    catalog = next(line for line in lines if line.startswith("locales/en/LC_MESSAGES/messages"))
    assert catalog.split()[1:] == ["24", "0", "0"]


def test_a_changed_french_paragraph_outdates_that_translation_diff_shows_it_accept_clears_it(
        project):
    french = project / "content" / "fr" / "premiere.md"
    edit(french, "Dans 30 % des cas", "Dans 40 % des cas")
    assert states(project) == {"premiere": "outdated", "seconde": "up to date"}

    run = run_cli(project, "diff", "en/premiere")
    assert run.status == 0, run.stderr
    assert run.stdout.splitlines() == [
        "content/en/premiere.md follows content/fr/premiere.md version 1.2 (kept in "
        "locales/en/follows/premiere.md); the French is now version 1.2.",
        "1 change(s) since:",
        "",
        '1. changed paragraph in "Pourquoi cette fiche ?" (French line 10)',
        "   before: Le froid agit vers -70 °C. Dans 30 % des cas, on parle d'une \"sorte "
        "d'anesthésie\" légère ! Voici une note[^1] et un [lien vers le service]"
        "(https://leaflets.example.org/contact).",
        "   after:  Le froid agit vers -70 °C. Dans 40 % des cas, on parle d'une \"sorte "
        "d'anesthésie\" légère ! Voici une note[^1] et un [lien vers le service]"
        "(https://leaflets.example.org/contact).",
        '   words:  "30" → "40"',
        "   content/en/premiere.md:10: update the matching block",
    ]
    # The changed number is also what the structure check sees in the translation.
    check = run_cli(project, "check")
    assert ("content/en/premiere.md:10: error: [Why this leaflet?] '40 %' of the French "
            "(content/fr/premiere.md:10) is missing here") in check.stdout

    edit(project / "content" / "en" / "premiere.md", "In 30 %", "In 40 %")
    run = run_cli(project, "accept", "en/premiere")
    assert run.status == 0, run.stderr
    assert states(project) == {"premiere": "up to date", "seconde": "up to date"}
    assert (project / "locales" / "en" / "follows" / "premiere.md").read_bytes() == \
        french.read_bytes()
    assert 'follows: "1.2"\n' in (project / "content" / "en" / "premiere.md").read_text()
    assert "No change since" in run_cli(project, "diff", "en/premiere").stdout


def test_diff_places_an_added_french_block_after_its_english_neighbour(project):
    edit(project / "content" / "fr" / "premiere.md", "- vous posez **vos questions**.\n",
         "- vous posez **vos questions**.\n- vous venez accompagné.\n")
    lines = run_cli(project, "diff", "en/premiere").stdout.splitlines()
    assert lines[3:] == ['1. added list item in "Avant" (French line 20)',
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
        "(content/fr/premiere.md:10) is missing here",
        "content/en/premiere.md:17: error: [Avant] the French list item "
        "(content/fr/premiere.md:18) is missing after this line: \"vous apportez vos "
        "*examens* ;\"",
    ]


@pytest.mark.parametrize("old, new, expected", [
    ("(https://leaflets.example.org/contact)", "(https://example.com/)",
     "content/en/premiere.md:10: error: [Why this leaflet?] links go to "
     "'https://example.com/'; the French (content/fr/premiere.md:10) links to "
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


def test_a_draft_translation_carries_the_mark_on_every_page_a_reviewed_one_does_not(project):
    run = run_cli(project, "--format", "pdf")
    assert run.status == 0, run.stderr
    dist = project / "dist"
    draft = pdf_pages_text(dist / "en" / "seconde.pdf")
    assert draft and all("DRAFT · TRANSLATION NOT REVIEWED" in page for page in draft)
    for path in (dist / "en" / "premiere.pdf", dist / "fr" / "premiere.pdf",
                 dist / "fr" / "seconde.pdf"):
        assert not any("DRAFT" in page or "BROUILLON" in page
                       for page in pdf_pages_text(path)), path


def test_an_outdated_translation_is_marked_and_strict_refuses_it(project):
    edit(project / "content" / "fr" / "premiere.md", "Dans 30 % des cas", "Dans 40 % des cas")
    edit(project / "content" / "en" / "premiere.md", "In 30 %", "In 40 %")
    run = run_cli(project, "--format", "pdf")
    assert run.status == 0, run.stderr
    assert "premiere, seconde" in run.stderr.splitlines()[0]
    pages = pdf_pages_text(project / "dist" / "en" / "premiere.pdf")
    assert all("DRAFT · TRANSLATION OUT OF DATE" in page for page in pages)

    (project / "dist").rename(project / "before")
    run = run_cli(project, "--strict")
    assert run.status == 1
    assert "content/en/premiere.md: --strict: outdated translation not built" in run.stderr
    assert "content/en/seconde.md: --strict: draft translation not built" in run.stderr
    built = outputs(project)
    assert built == sorted(["fr/fixture-book.epub", "fr/fixture-book.pdf"] + [
        f"fr/{doc}{profile}.pdf" for doc in ("premiere", "seconde")
        for profile in ("", ".print", ".booklet", ".large")])


def test_a_new_language_builds_with_every_document_missing(project):
    run = run_cli(project, "new-language", "es")
    assert run.status == 0, run.stderr
    assert run.stdout.splitlines()[0] == "added es (Spanish, español) to publication.yml"
    publication = (project / "publication.yml").read_text()
    assert "  targets: [en, es]\n" in publication
    assert "    es: urn:uuid:" in publication
    catalog = (project / "locales" / "es" / "LC_MESSAGES" / "messages.po").read_text()
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in catalog
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


def test_a_partly_translated_language_never_prints_french_labels(project):
    assert run_cli(project, "new-language", "es").status == 0
    spanish = project / "content" / "es" / "seconde.md"
    spanish.write_text("---\ntitle: Segunda ficha\nsummary: Una ficha corta.\n"
                       "updated: 2026-11-20\nreview: draft\n---\n## Recuerde\n\n"
                       "Hable con su médico: le conoce.\n", encoding="utf-8")
    run = run_cli(project)
    assert run.status == 1
    refusals = [line for line in run.stderr.splitlines() if "failed dist/es/" in line]
    assert len(refusals) == 6  # seconde in 4 profiles, the book's PDF and its EPUB
    assert ("locales/es/LC_MESSAGES/messages.po: 22 interface text(s) not translated yet"
            in refusals[0] and "es pages would show French" in refusals[0])
    assert all(line.endswith("the same reason as above") for line in refusals[1:])
    assert not (project / "dist" / "es").exists()
    assert (project / "dist" / "en" / "premiere.pdf").exists()
    status = run_cli(project, "status").stdout
    assert "es: 1 of 2 documents translated: 1 outdated, 1 missing" in status


def test_status_shows_an_orphan_translation_that_the_build_refuses(project):
    orphan = project / "content" / "en" / "troisieme.md"
    orphan.write_text("---\ntitle: Third\nsummary: S.\nupdated: 2026-11-20\nreview: draft\n"
                      "---\nText.\n", encoding="utf-8")
    run = run_cli(project, "status", "--json")
    documents = json.loads(run.stdout)["languages"]["en"]["documents"]
    assert documents[-1] == {"document": "troisieme", "state": "orphan", "review": "draft",
                             "file": "content/en/troisieme.md", "draft_mark": True,
                             "problem": None}
    build = run_cli(project)
    assert build.status == 2
    assert "content/en/troisieme.md:1: translation with no French source" in build.stderr
