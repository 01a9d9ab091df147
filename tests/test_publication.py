"""The real publication (content/, publication.yml) builds cleanly in every language."""

import itertools
import re

import pytest
from reading import bundled_characters, bundled_family_names, pdf_fonts, pdf_text
from test_epub import epubcheck


def test_every_document_builds_in_every_language(real_build):
    project, run = real_build
    assert run.status == 0, run.stderr
    for lang in ("fr", "en"):
        sources = sorted(path.stem for path in (project / "content" / "fr").glob("*.md"))
        for profile in ("", ".print", ".booklet", ".large"):
            built = sorted(path.name[:-len(f"{profile}.pdf")]
                           for path in (project / "dist" / lang).glob(f"*{profile}.pdf")
                           if path.name.count(".") == profile.count(".") + 1)
            assert built == sorted(sources + (["algoradiologie-douleur"] if not profile
                                              else [])), profile
        assert (project / "dist" / lang / "algoradiologie-douleur.epub").exists()


def test_the_only_build_warning_says_the_sample_details_are_placeholders(real_build):
    _, run = real_build
    warnings = [line for line in run.stderr.splitlines() if "warning" in line.lower()]
    assert warnings == [
        "publication.yml:11: warning: placeholders (the online address and the department's "
        "details): fine for trying the pipeline, not for patients (`build.py check --release` "
        "lists what to set)"]


def test_only_bundled_fonts_draw_every_character(real_build):
    project, _ = real_build
    families = bundled_family_names()
    covered = bundled_characters() | {"\n", " "}
    for path in sorted((project / "dist").rglob("*.pdf")):
        for font in pdf_fonts(path):
            assert font["embedded"], (path.name, font)
            assert any(font["name"].replace("-", "").startswith(family) for family in families), \
                (path.name, font)
        assert not set(pdf_text(path)) - covered, path.name


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_real_ebooks_pass_epubcheck_with_no_notice_left_to_fix(real_build, lang):
    project, _ = real_build
    report = epubcheck(project / "dist" / lang / "algoradiologie-douleur.epub", "--usage")
    checker = report["checker"]
    assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0)
    # With --usage, EPUBCheck also lists usage notes; the only one left is CSS-028 ("use of
    # font-face"): the fonts are embedded on purpose, for readers with low vision.
    notices = {m["ID"] for m in report["messages"]}
    assert notices == {"CSS-028"}


LEAFLETS = ["algoradiologie", "articulations-tendons", "colonne-vertebrale", "endometriose",
            "cancers", "limites"]


def front_matter(path):
    from leaflets.content import read_document

    return read_document(path, path.parent.name, path.parent.name != "fr")


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("slug", LEAFLETS)
def test_each_leaflet_fits_its_budget_of_four_or_eight_a5_pages(real_build, lang, slug):
    from pypdf import PdfReader

    project, _ = real_build
    document = front_matter(project / "content" / lang / f"{slug}.md")
    # A booklet is printed on whole A4 sheets: 4 A5 pages each.
    assert document.pages in (4, 8)
    reader = PdfReader(project / "dist" / lang / f"{slug}.pdf")
    assert len(reader.pages) <= document.pages
    width, height = (float(v) * 25.4 / 72 for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (148, 210)  # A5


ARTICLE_CREDIT = ["Jean-François Budzik", "The Conversation", "2025",
                  "Hernies discales, endométriose, cancers… Mieux traiter les douleurs grâce à "
                  "la radiologie"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_sources_credit_the_article_in_every_language(real_build, lang):
    project, _ = real_build
    text = " ".join(pdf_text(project / "dist" / lang / "a-propos.pdf").split())
    for words in ARTICLE_CREDIT:
        assert words in text, words


def test_every_translation_records_the_french_version_it_follows():
    from conftest import REPO

    for path in sorted((REPO / "content" / "en").glob("*.md")):
        translation = front_matter(path)
        source = front_matter(REPO / "content" / "fr" / path.name)
        assert translation.follows == source.version, path.name
        assert translation.review in ("draft", "reviewed")


def outline(markdown_text):
    """The block structure of a Markdown body: heading levels, list items, tables, links."""
    import re

    shape = []
    for line in markdown_text.splitlines():
        if match := re.match(r"(#+) ", line):
            shape.append(f"h{len(match.group(1))}")
        elif re.match(r"\s*([-*]|\d+\.) ", line):
            shape.append("li")
        elif line.startswith("|"):
            shape.append("tr")
        shape += ["link"] * len(re.findall(r"\]\(", line))
    return shape


def test_translations_keep_the_french_structure():
    from conftest import REPO

    for path in sorted((REPO / "content" / "en").glob("*.md")):
        source = front_matter(REPO / "content" / "fr" / path.name)
        assert outline(front_matter(path).body) == outline(source.body), path.name


# epub:type semantics and the DPUB-ARIA role each must come with.
ROLES = {"chapter": "doc-chapter", "glossary": "doc-glossary", "glossref": "doc-glossref",
         "noteref": "doc-noteref", "endnotes": "doc-endnotes", "toc": "doc-toc",
         "cover": "doc-cover"}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_ebook_pages_nest_headings_without_gaps_and_pair_semantics_with_roles(real_build, lang):
    from reading import NS, Epub

    project, _ = real_build
    book = Epub(project / "dist" / lang / "algoradiologie-douleur.epub")
    epub_type = f"{{{NS['epub']}}}type"
    for href in book.spine_hrefs():
        page = book.xhtml(href)
        levels = [int(element.tag[-1]) for element in page.iter()
                  if re.fullmatch(r"\{[^}]+\}h[1-6]", str(element.tag))]
        assert (levels and levels[0] == 1) or href == "cover.xhtml", href
        for previous, level in itertools.pairwise(levels):
            assert level <= previous + 1, (href, levels)
        landmarks = {id(a) for nav in page.iter(f"{{{NS['xhtml']}}}nav")
                     if nav.get(epub_type) == "landmarks" for a in nav.iter()}
        for element in page.iter():
            semantic = element.get(epub_type)
            if semantic in ROLES and id(element) not in landmarks:
                assert element.get("role") == ROLES[semantic], (href, semantic)
    nav = book.xhtml("nav.xhtml")
    landmarks = next(n for n in nav.iter(f"{{{NS['xhtml']}}}nav")
                     if n.get(epub_type) == "landmarks")
    kinds = {a.get(epub_type): a.get("href") for a in landmarks.iter(f"{{{NS['xhtml']}}}a")}
    assert kinds == {"cover": "cover.xhtml", "toc": "nav.xhtml",
                     "bodymatter": f"{lang}/algoradiologie.xhtml",
                     "glossary": f"{lang}/glossaire.xhtml"}



def test_no_run_of_six_words_comes_from_the_article_but_its_cited_title():
    """The article gives the facts, never the sentences: only its title, quoted in the
    credits, shares six words in a row with a leaflet. The article is not in the repository:
    tests/reference/article-shingles.txt holds a hash of each of its runs of six words."""
    import sys

    from conftest import REPO

    sys.path.insert(0, str(REPO / "tests" / "reference"))
    from make_shingles import RUN, shingles, words

    article = set((REPO / "tests" / "reference" / "article-shingles.txt").read_text().split())
    assert len(article) > 1500  # the whole article, not an empty file
    for path in sorted((REPO / "content" / "fr").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        copied = shingles(text) & article
        runs = [" ".join(words(text)[i:i + RUN]) for i in range(len(words(text)) - RUN + 1)]
        assert not copied, (path.name, [run for run in runs if shingles(run) & copied])
