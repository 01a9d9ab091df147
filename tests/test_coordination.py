"""What a coordinator plans with: the work left per translation, who translated and who
reviewed, and the small traps of a translator's first steps."""

import json

from conftest import copy_real_project, edit, make_project, run_cli


def test_status_json_carries_the_work_left_the_findings_and_the_people(tmp_path):
    project = copy_real_project(tmp_path / "project")
    edit(project / "content" / "fr" / "cancers.md", "Ces douleurs peuvent peser lourdement",
         "Ces douleurs peuvent peser très lourdement")
    edit(project / "content" / "fr" / "cancers.md", 'version: "1.2"', 'version: "1.3"')
    edit(project / "content" / "en" / "limites.md", "review: draft",
         "review: draft\ntranslator: Sam Taylor")
    (project / "locales" / "en" / "follows" / "glossaire.md").unlink()
    run = run_cli(project, "status", "--json")
    assert run.status == 0, run.stderr
    english = json.loads(run.stdout)["languages"]["en"]
    by_slug = {entry["document"]: entry for entry in english["documents"]}
    cancers = by_slug["cancers"]
    assert cancers["state"] == "outdated"
    assert (cancers["version"], cancers["follows"]) == ("1.3", "1.2")
    assert (cancers["changed_blocks"], cancers["new_blocks"]) == (1, 0)
    paragraph = ("Un cancer peut causer des douleurs dans les os, les articulations ou les "
                 "nerfs. Ces douleurs peuvent peser très lourdement sur la vie de tous les jours.")
    assert cancers["words_to_translate"] == len(paragraph.split())
    assert cancers["findings"] == 0
    assert by_slug["limites"]["translator"] == "Sam Taylor"
    assert by_slug["limites"]["words_to_translate"] == 0
    # A translation never accepted is not "outdated": nobody recorded what it follows.
    assert by_slug["glossaire"]["state"] == "not accepted"
    assert english["words_to_translate"] == cancers["words_to_translate"]
    table = run_cli(project, "status").stdout
    assert "    cancers: 1 block(s) changed, 0 new: 27 French words to translate or review" \
        in table.splitlines()
    assert "    limites: translated by Sam Taylor" in table.splitlines()


def test_a_reviewer_is_named_and_is_not_the_translator(tmp_path):
    project = make_project("minimal", tmp_path / "project")
    english = project / "content" / "en" / "seconde.md"
    edit(english, "review: draft\n", "review: draft\ntranslator: Sam Taylor\n")
    run = run_cli(project, "accept", "--reviewed", "en/seconde")
    assert run.status == 1
    assert "--reviewed: who reviewed it? Give --reviewer NAME" in run.stdout
    run = run_cli(project, "accept", "--reviewed", "--reviewer", "sam taylor", "en/seconde")
    assert run.status == 1
    assert "a second person reviews a translation (ISO 17100)" in run.stdout
    run = run_cli(project, "accept", "--reviewed", "--reviewer", "Dr Claire Petit",
                  "en/seconde")
    assert run.status == 0, run.stdout
    text = english.read_text(encoding="utf-8")
    assert 'reviewer: "Dr Claire Petit"' in text and "review: reviewed" in text
    status = json.loads(run_cli(project, "status", "--json").stdout)
    entry = status["languages"]["en"]["documents"][1]
    assert (entry["translator"], entry["reviewer"]) == ("Sam Taylor", "Dr Claire Petit")


def test_a_copied_french_file_says_which_lines_to_remove_and_a_bom_is_read(tmp_path):
    project = make_project("minimal", tmp_path / "project")
    french = (project / "content" / "fr" / "seconde.md").read_text(encoding="utf-8")
    english = project / "content" / "en" / "seconde.md"
    english.write_text(french.replace("---\n## ", "review: draft\n---\n## ", 1),
                       encoding="utf-8")
    run = run_cli(project, "check")
    assert run.status == 2
    assert "content/en/seconde.md:5: 'version' is the French document's version " \
        "(`accept` records the one a translation follows, as follows:): remove this line " \
        "from the translation" in run.stderr
    assert "'last_review' is the French document's review date" in run.stderr
    # A file saved with a byte order mark (as Notepad does) reads as any other.
    english.write_text("\ufeff" + french.replace("---\n## ", "review: draft\n---\n## ", 1)
                       .replace('version: "1.0"\n', "").replace("last_review: 2026-11-20\n", "")
                       .replace("review_due: 2099-11-20\n", ""), encoding="utf-8")
    run = run_cli(project, "check", "--lang", "en")
    assert run.status in (0, 1), run.stderr  # read: its findings are the French left in it
    assert "front matter" not in run.stdout + run.stderr


def test_diff_pairs_changes_around_a_removed_item_and_covers_a_whole_language(tmp_path):
    project = make_project("minimal", tmp_path / "project")
    french = project / "content" / "fr" / "premiere.md"
    # The last item of a list goes, the one before it changes, a sentence changes only
    # its punctuation.
    edit(french, "- vous apportez vos *examens* ;\n- vous posez **vos questions**.",
         "- vous apportez vos *examens*.")
    edit(french, "On vous installe.", "On vous installe !")
    edit(french, 'version: "1.2"', 'version: "1.3"')
    run = run_cli(project, "diff", "en")
    assert run.status == 0, run.stderr
    lines = run.stdout.splitlines()
    headings = [line for line in lines if line[:2] in ("1.", "2.", "3.", "4.")]
    assert headings == ['1. changed list item in "Avant" (French line 20)',
                        '2. removed list item in "Avant" (was French line 19)',
                        '3. changed list item in "Pendant" (French line 24)']
    assert '   words:  (punctuation only) "installe." → "installe !"' in lines
    assert "   now:    you bring your *scans*;" in lines
    assert "   now:    We settle you in." in lines
    # The whole language: only the translations with changes are shown.
    assert "content/en/seconde.md" not in run.stdout


def test_check_shows_the_word_used_instead_and_a_forbidden_one_once(tmp_path):
    project = copy_real_project(tmp_path / "project")
    english = project / "content" / "en" / "colonne-vertebrale.md"
    # Near the end of a long paragraph: the word used instead must show in the finding.
    edit(english, "This procedure is called vertebroplasty.",
         "This procedure is called vertebral cementing.")
    # A forbidden rendering: one finding, the forbidden one.
    edit(project / "content" / "en" / "cancers.md",
         "- cementoplasty: they inject", "- cimentoplasty: they inject")
    run = run_cli(project, "check", "--lang", "en")
    assert run.status == 1
    lines = run.stdout.splitlines()
    (term,) = [line for line in lines if "expected 'vertebroplasty'" in line]
    assert "vertebral cementing" in term
    cancers = [line for line in lines if line.startswith("content/en/cancers.md:43:")]
    assert len(cancers) == 1, cancers
    assert "'cimentoplasty' must not be used for 'Cimentoplastie': write 'Cementoplasty'" \
        in cancers[0]


def test_a_renamed_french_term_keeps_its_translation_as_fuzzy(tmp_path):
    from babel.messages.pofile import read_po

    project = copy_real_project(tmp_path / "project")
    edit(project / "content" / "fr" / "glossaire.md", "## Vertébroplastie",
         "## Vertébroplastie percutanée")
    run = run_cli(project, "catalogs")
    assert run.status == 0, run.stderr
    path = project / "locales" / "en" / "LC_MESSAGES" / "terminology.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    renamed = catalog.get("Vertébroplastie percutanée")
    assert renamed.string == "vertebroplasty" and renamed.fuzzy
    assert "forbidden: spinal cement" in renamed.user_comments
    assert "Vertébroplastie" not in catalog.obsolete
    assert '#| msgid "Vertébroplastie"' in path.read_text(encoding="utf-8")
