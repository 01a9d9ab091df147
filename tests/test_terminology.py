"""Key terms: the glossary's catalog, and the check of every translation against it."""

import datetime

import pytest
from conftest import copy_real_project, make_project, run_cli

from leaflets.catalogs import read_catalog
from leaflets.terminology import term_pattern

EXPECTED_CHECK = """\
locales/en/LC_MESSAGES/terminology.po:33: warning: 'Embolisation' has no approved translation \
yet (empty or fuzzy): its uses are not checked
content/en/soin.md:8: error: [What is nerve freezing?] 'Cryoneurolyse' (content/fr/soin.md:9): \
expected 'cryoneurolysis', found: "What is nerve freezing?"
content/en/soin.md:12: error: [What is nerve freezing?] 'cryo-neurolysis' must not be used for \
'Cryoneurolyse': write 'cryoneurolysis'
2 error(s), 1 warning(s)
"""


@pytest.fixture
def terms_project(tmp_path):
    return make_project("terms", tmp_path / "project")


def test_check_gives_exactly_the_expected_findings_with_their_lines(terms_project):
    run = run_cli(terms_project, "check")
    assert run.status == 1
    assert run.stdout == EXPECTED_CHECK


def test_a_term_with_no_approved_translation_is_reported_once_per_language(terms_project):
    run = run_cli(terms_project, "check")
    assert run.stdout.count("'Embolisation' has no approved translation") == 1


def test_an_approved_rendering_everywhere_passes(terms_project):
    translation = terms_project / "content" / "en" / "soin.md"
    text = translation.read_text()
    translation.write_text(text.replace("What is nerve freezing?", "What is cryoneurolysis?")
                           .replace(", as in cryo-neurolysis", ""))
    run = run_cli(terms_project, "check")
    assert run.status == 0
    assert "error" not in run.stdout.replace("0 error(s)", "")


def test_plain_build_warns_and_goes_on_strict_build_refuses(terms_project):
    run = run_cli(terms_project, "--format", "epub")
    assert run.status == 0
    assert "content/en/soin.md:12: error:" in run.stderr
    assert (terms_project / "dist" / "en" / "terms-book.epub").exists()
    strict = run_cli(terms_project, "--strict", "--format", "epub", "--lang", "en")
    assert strict.status == 1
    assert "--strict: nothing was built" in strict.stdout


@pytest.mark.parametrize("text, found", [
    ("L'infiltration vient avant.", True),
    ("l’infiltration", True),
    ("Des infiltrations sont possibles.", True),
    ("D'INFILTRATION", True),
    ("Une préinfiltration n'est pas une infiltration", True),
    ("Une préinfiltration seulement.", False),
    ("infiltrationnel", False),
])
def test_french_forms_match_with_elision_and_plural_but_not_inside_a_word(text, found):
    pattern = term_pattern("Infiltration", "infiltrations", lang="fr", elision=True)
    assert bool(pattern.search(text)) is found


def test_multiword_terms_match_their_plural():
    pattern = term_pattern("Hernie discale", "hernies discales", lang="fr", elision=True)
    assert pattern.search("deux hernies discales")
    assert pattern.search("une hernie\u00a0discale")
    assert not pattern.search("une hernie inguinale")


def test_the_glossary_becomes_the_terminology_template(tmp_path):
    project = copy_real_project(tmp_path / "project")
    template = read_catalog(project / "locales" / "terminology.pot", None)
    infiltration = template.get("Infiltration")
    assert infiltration.id == ("Infiltration", "infiltrations")
    assert infiltration.locations == [("content/fr/glossaire.md", 74)]
    assert infiltration.auto_comments[0].startswith("Piqûre qui dépose un produit")
    lines = (project / "content" / "fr" / "glossaire.md").read_text().splitlines()
    assert lines[73] == "## Infiltration / infiltrations"


def test_the_real_translations_use_the_approved_terms(tmp_path):
    project = copy_real_project(tmp_path / "project")
    run = run_cli(project, "check")
    assert run.stdout == "0 error(s), 0 warning(s)\n", run.stdout
    assert run.status == 0


def test_english_terminology_has_plural_forms_from_babel(tmp_path):
    project = copy_real_project(tmp_path / "project")
    catalog = read_catalog(project / "locales" / "en" / "LC_MESSAGES" / "terminology.po", "en")
    assert catalog.num_plurals == 2
    assert catalog.get("Hernie discale").string == ("disc herniation", "disc herniations")


def test_a_changed_glossary_term_becomes_fuzzy_and_the_others_stay(tmp_path):
    project = copy_real_project(tmp_path / "project")
    glossary = project / "content" / "fr" / "glossaire.md"
    glossary.write_text(glossary.read_text().replace("## Cryoneurolyse\n", "## Cryoneurolyses\n"))
    assert run_cli(project, "catalogs").status == 0
    catalog = read_catalog(project / "locales" / "en" / "LC_MESSAGES" / "terminology.po", "en")
    changed = catalog.get("Cryoneurolyses")
    assert changed.fuzzy
    assert changed.string == "Cryoneurolysis"
    kept = [m for m in catalog if m.id and m.id != "Cryoneurolyses"]
    assert kept and all(not m.fuzzy and m.string for m in kept)
    po = (project / "locales" / "en" / "LC_MESSAGES" / "terminology.po").read_text()
    assert '#, fuzzy\n#| msgid "Cryoneurolyse"\nmsgid "Cryoneurolyses"' in po


def test_the_glossary_is_printed_in_dictionary_order_without_plurals(tmp_path):
    from leaflets.content import Document
    from leaflets.terminology import glossary_for_readers

    body = ("## Infiltration / infiltrations\n\nA.\n\n## Échographie\n\nB.\n\n"
            "## Embolisation\n\nC.\n\n## Cryoneurolyse\n\nD.\n")
    document = Document("fr", "glossaire", tmp_path / "glossaire.md", "Glossaire", "s",
                        datetime.date(2026, 11, 24), body, 7)
    shown = glossary_for_readers(document).body
    headings = [line for line in shown.splitlines() if line.startswith("## ")]
    assert headings == ["## Cryoneurolyse", "## Échographie", "## Embolisation",
                        "## Infiltration"]
    assert "\n\nB.\n" in shown


def test_the_printed_english_glossary_is_alphabetical(real_build):
    from reading import pdf_pages_text

    project, _ = real_build
    text = "\n".join(pdf_pages_text(project / "dist" / "en" / "glossaire.pdf"))
    english = (project / "content" / "en" / "glossaire.md").read_text()
    terms = [line[3:].split(" / ")[0] for line in english.splitlines() if line.startswith("## ")]
    positions = [text.index(f"\n{term}\n") for term in sorted(terms, key=str.casefold)]
    assert positions == sorted(positions)


def test_first_use_of_a_term_links_to_its_glossary_entry_once(tmp_path):
    from leaflets.content import read_document
    from leaflets.markup import TermLink, render_markdown

    page = tmp_path / "fr" / "soin.md"
    page.parent.mkdir()
    page.write_text("---\ntitle: Soin\nsummary: S.\nupdated: 2026-11-25\nversion: \"1\"\n"
                    "last_review: 2026-11-25\nreview_due: 2027-11-25\n---\n\n"
                    "## Une infiltration\n\nPas de cryoablation ici. L'infiltration soulage.\n\n"
                    "- Des infiltrations, encore.\n- Une ablation [infiltration](https://example.org/x.html).\n")
    document = read_document(page, "fr", False)
    links = (TermLink(term_pattern("Infiltration", "infiltrations", lang="fr"),
                      "g.xhtml#infiltration"),
             TermLink(term_pattern("Ablation", lang="fr"), "g.xhtml#ablation"))
    html = render_markdown(document, tmp_path).with_glossary_links(links).html
    assert html.count('href="g.xhtml#infiltration"') == 1
    assert ('L\u2019<a epub:type="glossref" href="g.xhtml#infiltration" role="doc-glossref">'
            'infiltration</a> soulage') in html  # not in the heading; the elision stays out
    assert '<h2 id="une-infiltration">Une infiltration</h2>' in html
    # "ablation" inside "cryoablation" is not a use; the next whole word is.
    assert 'cryoablation ici' in html
    assert 'Une <a epub:type="glossref" href="g.xhtml#ablation"' in html


def english_and_french_forms(project):
    """Each language's (singular, plural) forms of the key terms, read from the French
    glossary's headings and the English catalog's msgstr."""
    from babel.messages.pofile import read_po

    french = (project / "content" / "fr" / "glossaire.md").read_text()
    forms = {"fr": [tuple(line[3:].split(" / ")) for line in french.splitlines()
                    if line.startswith("## ")]}
    with open(project / "locales" / "en" / "LC_MESSAGES" / "terminology.po", "rb") as po:
        forms["en"] = [message.string if isinstance(message.string, tuple)
                       else (message.string,) for message in read_po(po) if message.id]
    return forms


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_ebook_links_each_terms_first_use_per_chapter_to_the_glossary(real_build, lang):
    """In every chapter, the first use of each key term outside headings, and only that one,
    links to the term's entry in the glossary page."""
    import re

    from reading import NS, Epub

    project, _ = real_build
    book = Epub(project / "dist" / lang / "algoradiologie-douleur.epub")
    glossary = book.xhtml(f"{lang}/glossaire.xhtml")
    section = glossary.find(".//xhtml:section", NS)
    assert section.get(f"{{{NS['epub']}}}type") == "glossary"
    entries = {"".join(h.itertext()).casefold(): h.get("id")
               for h in glossary.iter(f"{{{NS['xhtml']}}}h2")}
    xhtml = f"{{{NS['xhtml']}}}"

    def marked_text(element, hrefs):
        """The chapter's running text, each glossary link marked ⟦text⟧, its href in `hrefs`."""
        if element.tag in {xhtml + f"h{level}" for level in range(1, 7)} or \
                element.get("class") in ("summary", "reminder", "colophon"):
            return element.tail or ""
        if element.get("role") == "doc-glossref":
            hrefs.append(element.get("href"))
        inner = (element.text or "") + "".join(marked_text(child, hrefs) for child in element)
        if element.get("role") == "doc-glossref":
            inner = f"⟦{inner}⟧"
        return inner + (element.tail or "")

    linked_chapters = 0
    for href in book.spine_hrefs():
        if not href.startswith(f"{lang}/") or href.endswith("glossaire.xhtml"):
            continue
        page = book.xhtml(href)
        for link in page.iterfind(".//xhtml:a[@role='doc-glossref']", NS):
            assert link.get(f"{{{NS['epub']}}}type") == "glossref"
        hrefs = []
        text = marked_text(page.find(".//xhtml:section", NS), hrefs)
        for forms in english_and_french_forms(project)[lang]:
            words = [r"\s+".join(re.escape(word) for word in form.split()) for form in forms]
            pattern = re.compile(rf"(?<![\w-])(?:{'|'.join(words)})(?!\w)", re.IGNORECASE)
            target = f"glossaire.xhtml#{entries[forms[0].casefold()]}"
            first = pattern.search(text)
            assert hrefs.count(target) == (1 if first else 0), (href, forms)
            if first:
                before = text[:first.start()]
                assert before.endswith("⟦") and hrefs[before.count("⟦") - 1] == target, \
                    (href, forms)
        linked_chapters += bool(hrefs)
    assert linked_chapters >= 6
