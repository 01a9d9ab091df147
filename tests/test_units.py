"""Unit tests of three pieces the rest relies on: how a translation's blocks line up with
its French source's, the saddle-stitch order of a booklet, and the build's record."""

import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing

import pytest
from conftest import REPO

from leaflets.blocks import Block, align, blocks
from leaflets.content import read_document
from leaflets.imposition import saddle_stitch_order
from leaflets.state import STATE_FILE, OutputRecord, PlanRecord, load_state

# Block alignment: a translation keeps the French structure, and the pairing says which
# block was dropped or added when it does not.

def block(kind, text, line, level=0):
    return Block(kind, text, line, "", 0, level)


def test_blocks_of_the_same_shape_pair_one_to_one():
    french = [block("title", "Titre", 2), block("heading", "Avant", 8, 2),
              block("paragraph", "Un **mot**.", 10), block("item", "Vos *examens*", 12)]
    english = [block("title", "Title", 2), block("heading", "Before", 8, 2),
               block("paragraph", "A **word**.", 10), block("item", "Your *scans*", 12)]
    assert align(french, english) == list(zip(french, english, strict=True))


def test_a_dropped_block_pairs_with_nothing_and_the_rest_still_line_up():
    french = [block("paragraph", "Un.", 1), block("paragraph", "Deux **2**.", 3),
              block("item", "Trois", 5), block("item", "Quatre", 6)]
    english = [block("paragraph", "One.", 1), block("item", "Three", 5),
               block("item", "Four", 6)]
    assert align(french, english) == [(french[0], english[0]), (french[1], None),
                                      (french[2], english[1]), (french[3], english[2])]


def test_an_added_block_pairs_with_nothing_on_the_french_side():
    french = [block("heading", "A", 1, 2), block("paragraph", "Texte.", 3)]
    english = [block("heading", "A", 1, 2), block("paragraph", "Text.", 3),
               block("paragraph", "An extra paragraph with 3 numbers: 1, 2.", 5)]
    assert align(french, english) == [(french[0], english[0]), (french[1], english[1]),
                                      (None, english[2])]


def test_the_markdown_skeleton_tells_apart_blocks_of_the_same_kind():
    # The English moved its second paragraph first: the numbers and marks show which is which.
    french = [block("paragraph", "Dans **30 %** des cas.", 1), block("paragraph", "Voilà.", 3)]
    english = [block("paragraph", "There.", 1), block("paragraph", "In **30 %** of cases.", 3)]
    pairs = align(french, english)
    assert (french[0], english[1]) in pairs


def test_blocks_are_what_a_markdown_reader_reads_each_at_its_line(tmp_path):
    page = tmp_path / "fr" / "page.md"
    page.parent.mkdir()
    page.write_text("---\ntitle: Titre\nsummary: Résumé.\nupdated: 2026-11-25\nversion: \"1\"\n"
                    "last_review: 2026-11-25\nreview_due: 2027-11-25\n---\n"
                    "```\n# pas un titre\n```\n\n## Un titre\n\nUn texte[^1]\nsur deux lignes.\n\n"
                    "[^1]: Une note.\n\n- un point\n\n  suite du point\n\n"
                    "| A | B |\n|---|---|\n| c | d |\n\n*[ABC]: une abréviation\n",
                    encoding="utf-8")
    found = [(block.kind, block.text, block.line, block.section)
             for block in blocks(read_document(page, "fr", False))]
    assert found == [
        ("title", "Titre", 2, ""), ("summary", "Résumé.", 3, ""),
        ("paragraph", "# pas un titre", 9, ""),  # a fenced block: text, not a heading
        ("heading", "Un titre", 13, "Un titre"),
        ("paragraph", "Un texte[^1] sur deux lignes.", 15, "Un titre"),
        ("paragraph", "[^1]: Une note.", 18, "Un titre"),  # where it was written
        ("item", "un point", 20, "Un titre"), ("paragraph", "suite du point", 22, "Un titre"),
        ("cell", "A", 24, "Un titre"), ("cell", "B", 24, "Un titre"),
        ("cell", "c", 26, "Un titre"), ("cell", "d", 26, "Un titre")]


# Saddle-stitch order: printed double-sided, flipped on the short edge, stacked and folded,
# the sheets read 1, 2, 3...

@pytest.mark.parametrize("pages, sides", [
    (1, [(None, 1), (None, None)]),
    (4, [(4, 1), (2, 3)]),
    (5, [(None, 1), (2, None), (None, 3), (4, 5)]),
    (8, [(8, 1), (2, 7), (6, 3), (4, 5)]),
])
def test_saddle_stitch_order(pages, sides):
    assert saddle_stitch_order(pages) == sides


@pytest.mark.parametrize("pages", range(1, 41))
def test_every_page_is_on_one_side_once_and_facing_pages_share_a_spread(pages):
    sides = saddle_stitch_order(pages)
    sheets = -(-pages // 4)
    assert len(sides) == 2 * sheets  # front and back of each A4 sheet
    placed = [number for side in sides for number in side if number is not None]
    assert sorted(placed) == list(range(1, pages + 1))
    for left, right in sides:  # folded, the two halves of a side are mirror pages
        if left is not None and right is not None:
            assert left + right == 4 * sheets + 1


# The build's record: per-output rows, written through, never ahead of the outputs.

def record(key="k"):
    return OutputRecord(key, "0" * 64, 3, ("content/fr/a.md", "glob:styles/fonts/*.ttf"))


def test_the_record_keeps_what_it_is_given_across_processes(tmp_path):
    dist = tmp_path / "dist"
    with load_state(dist) as state:
        assert not (dist / STATE_FILE).exists()  # nothing on disk until something is recorded
        state.record("fr/a.pdf", record())
        state.record("fr/b.pdf", record("other"))
        state.forget("fr/b.pdf")
        state.record_plan("options", PlanRecord("f" * 64, ("fr/a.pdf",), {"pypdf": "7.1.1"}))
        state.record_libraries("leaflet", "code", {"weasyprint": "70.0"})
    with load_state(dist) as state:
        assert state.outputs == {"fr/a.pdf": record()}
        assert state.plans == {"options": PlanRecord("f" * 64, ("fr/a.pdf",),
                                                     {"pypdf": "7.1.1"})}
        assert state.libraries == {"leaflet": ("code", {"weasyprint": "70.0"})}


def test_recording_one_output_costs_the_same_at_10_outputs_and_at_5000(tmp_path):
    statements = {}
    for size in (10, 5000):
        dist = tmp_path / str(size)
        with load_state(dist) as state:
            for number in range(size):
                state.record(f"fr/{number}.pdf", record())
        with load_state(dist) as state:
            seen = []
            state.record("fr/0.pdf", record("first"))  # opens the connection
            state._connection.set_trace_callback(seen.append)
            state.record("fr/1.pdf", record("changed"))
            statements[size] = seen
    assert statements[10] == statements[5000]
    assert len(statements[10]) <= 3  # begin, one row, commit: never the whole record


def test_a_damaged_record_is_set_aside_and_made_again(tmp_path):
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / STATE_FILE).write_bytes(b"SQLite format 3\0" + b"\xff" * 2000)
    with load_state(dist) as state:
        assert state.outputs == {}
        state.record("fr/a.pdf", record())
    with load_state(dist) as state:
        assert state.outputs == {"fr/a.pdf": record()}


def test_a_record_killed_while_writing_holds_only_whole_rows(tmp_path):
    dist = tmp_path / "dist"
    script = (
        "import sys, pathlib; sys.path.insert(0, sys.argv[2])\n"
        "from leaflets.state import OutputRecord, load_state\n"
        "state = load_state(pathlib.Path(sys.argv[1]))\n"
        "for number in range(1_000_000):\n"
        "    state.record(f'fr/{number}.pdf', OutputRecord(str(number), '0' * 64, number,"
        " ('a',)))\n"
        "    if number == 50: print('writing', flush=True)\n")
    with subprocess.Popen([sys.executable, "-c", script, str(dist), str(REPO)],
                          stdout=subprocess.PIPE, text=True) as writer:
        assert writer.stdout.readline() == "writing\n"
        time.sleep(0.3)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    with load_state(dist) as state:
        assert len(state.outputs) > 50
        for name, row in state.outputs.items():
            number = int(name.removeprefix("fr/").removesuffix(".pdf"))
            assert row == OutputRecord(str(number), "0" * 64, number, ("a",))
        state.record("fr/after.pdf", record())  # and it takes new rows
    with closing(sqlite3.connect(dist / STATE_FILE)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


# Languages: what the pipeline knows of each lives in one table, and messages name the
# publication's source language, whichever it is.

def test_messages_name_the_source_language_whichever_it_is(tmp_path):
    from leaflets.structure import structure_findings

    front = ("---\ntitle: T\nsummary: S.\nupdated: 2026-11-25\n{extra}---\n\n"
             "## Antes\n\nEn el **30 %** de los casos.\n\nOtro párrafo.\n")
    source = tmp_path / "es" / "hoja.md"
    translation = tmp_path / "en" / "hoja.md"
    for path in (source, translation):
        path.parent.mkdir()
    source.write_text(front.format(extra='version: "1"\nlast_review: 2026-11-25\n'
                                         "review_due: 2027-11-25\n"), encoding="utf-8")
    translation.write_text(front.format(extra='follows: "1"\nreview: draft\n')
                           .replace("## Antes\n\nEn el **30 %** de los casos.\n\nOtro párrafo.",
                                    "## Before\n\nIn **40 %** of cases."), encoding="utf-8")
    findings = structure_findings(read_document(source, "es", False),
                                  read_document(translation, "en", True), tmp_path)
    messages = [finding.message for finding in findings]
    assert messages == [
        "[Antes] the Spanish paragraph (es/hoja.md:14) is missing after this line: "
        "\"Otro párrafo.\"", "[Before] '30 %' of the Spanish (es/hoja.md:12) is missing here"]
    assert not any("French" in message for message in messages)


@pytest.mark.parametrize("lang, text, found", [
    ("fr", "les genoux et l'infiltration", ["genoux", "l'infiltration"]),
    ("en", "two injections, one injection", ["injections", "injection"]),
    ("es", "las inyecciones", ["inyecciones"]),
])
def test_term_forms_follow_each_languages_plural_and_elision(lang, text, found):
    from leaflets.terminology import term_pattern

    forms = {"fr": ("genou", "infiltration"), "en": ("injection",), "es": ("inyección",)}
    pattern = term_pattern(*forms[lang], lang=lang, elision=True)
    if lang == "es":
        pattern = term_pattern("inyeccion", "inyecciones", lang=lang)
    assert [match.group(0) for match in pattern.finditer(text)] == found


def test_a_language_the_table_does_not_know_gets_plain_rules():
    from leaflets.languages import LanguageRules, language_name, rules_for

    assert rules_for("pt_BR") == rules_for("pt") == LanguageRules()
    assert rules_for("fr-CA") is rules_for("fr")
    assert language_name("fr") == "French" and language_name("ar") == "Arabic"


def test_saddle_stitch_order_right_to_left_binds_on_the_right():
    # Read right to left, page 1 is on the left half of the first side, and every side is
    # the mirror of the left-bound booklet's.
    assert saddle_stitch_order(8, right_to_left=True) == [(1, 8), (7, 2), (3, 6), (5, 4)]
    assert saddle_stitch_order(3, right_to_left=True) == [(1, None), (3, 2)]
