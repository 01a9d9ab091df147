"""`build.py readability` and the long-sentence warning of `check`, on the real publication
(whose leaflets must meet the targets) and on the 'minimal' fixture."""

import json

import pytest
from conftest import REPO, edit, make_project, run_cli


@pytest.fixture(scope="module")
def measures():
    run = run_cli(REPO, "readability", "--json")
    assert run.status == 0, run.stderr
    return json.loads(run.stdout)


def test_every_leaflet_of_every_language_is_measured(measures):
    documents = sorted(path.stem for path in (REPO / "content" / "fr").glob("*.md"))
    for lang, formula in (("fr", "Kandel-Moles"), ("en", "Flesch"), ("ar", "none")):
        measured = [entry for entry in measures if entry["lang"] == lang]
        assert sorted(entry["slug"] for entry in measured) == documents
        assert {entry["formula"] for entry in measured} == {formula}


def test_every_leaflet_meets_the_readability_targets(measures):
    for entry in measures:
        name = f"{entry['lang']}/{entry['slug']}"
        assert entry["words_per_sentence"] <= 15, name
        assert all(sentence["words"] <= 25 for sentence in entry["long_sentences"]), name
        if entry["formula"] == "none":  # Arabic: no validated formula, no score
            assert entry["score"] is None, name
            continue
        assert entry["score"] >= 70, name  # "fairly easy" or easier on Flesch's scale
        assert entry["reading"] in ("very easy", "easy", "fairly easy"), name
        assert entry["unexplained_terms"] == [], name


def test_the_table_lists_long_sentences_and_terms_used_before_they_are_explained(tmp_path):
    project = make_project("minimal", tmp_path / "project")
    french = project / "content" / "fr" / "seconde.md"
    edit(french, "Parlez-en à votre médecin : il vous connaît.",
         "Parlez-en à votre médecin, celui qui vous suit depuis longtemps et qui connaît bien "
         "votre histoire, vos traitements, vos examens et vos douleurs de tous les jours.")
    run = run_cli(project, "readability", "--lang", "fr")
    assert run.status == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].split() == ["document", "lang", "words", "sentences", "words/s.", "score",
                                "formula,", "reading"]
    assert lines[2].startswith("seconde                   fr")
    assert "Kandel-Moles" in lines[2]
    assert lines[3] == ("content/fr/seconde.md:11: 27 words: \"Parlez-en à votre médecin, "
                        "celui qui vous suit depuis longtemps et qu…\"")
    check = run_cli(project, "check")
    assert ("content/fr/seconde.md:11: warning: a sentence of 27 words (at most 25): "
            "\"Parlez-en à votre médecin, celui qui vous suit depuis longtemps et qu…\""
            ) in check.stdout.splitlines()
    assert run_cli(project, "check", "--strict").status == 1


@pytest.mark.parametrize("text, unexplained", [
    ("Le radiologue propose une sédation. Plus tard : la sédation est un demi-sommeil.", True),
    ("Une sédation est un demi-sommeil. Le radiologue peut en proposer une.", False),
    ("Cette anesthésie partielle s'appelle une sédation.", False),
    ("Vous recevez une sédation (un demi-sommeil).", False),
    ("Le titre \"Sédation et douleur\" est cité.", False),
])
def test_a_term_counts_as_explained_by_its_definition_not_by_its_mention(text, unexplained):
    import datetime
    import tempfile
    from pathlib import Path

    from leaflets.content import Document
    from leaflets.readability import measure

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.md"
        body = "\n\n".join(text.split(" Plus tard : "))
        path.write_text(f"---\ntitle: T\nsummary: S.\n---\n{body}\n", encoding="utf-8")
        document = Document("fr", "doc", path, "T", "S.", datetime.date(2026, 1, 1), body, 5)
        found = measure(document, [("Sédation", None)]).unexplained
    assert bool(found) is unexplained, found


def test_an_old_english_rendering_is_forbidden_and_check_names_the_leaflet(tmp_path):
    from conftest import copy_real_project

    project = copy_real_project(tmp_path / "project")
    english = project / "content" / "en" / "colonne-vertebrale.md"
    edit(english, "sciatica or femoral nerve pain: pain", "sciatica or cruralgia: pain")
    run = run_cli(project, "check", "--lang", "en")
    assert run.status == 1
    assert any(line.startswith("content/en/colonne-vertebrale.md:15: error: [What is this "
                               "leaflet for?] 'cruralgia' must not be used for 'Cruralgie': "
                               "write 'femoral nerve pain'")
               for line in run.stdout.splitlines()), run.stdout
