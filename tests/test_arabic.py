"""Arabic, a language written right to left, end to end: on the real Arabic outputs, the
check of its translations, and the pieces that make it read right."""

import io
import re
import zipfile
from collections import Counter

import pytest
from conftest import REPO, edit, flat, make_project, run_cli
from PIL import Image
from reading import Epub, bundled_family_names, pdf_fonts, pdf_pages_text
from test_profiles import LEAFLETS, render


@pytest.fixture(scope="module")
def dist(real_build):
    project, run = real_build
    assert run.status == 0, run.stderr
    return project / "dist"


def test_every_font_of_every_arabic_pdf_is_a_bundled_one_embedded(dist):
    families = bundled_family_names()
    paths = sorted((dist / "ar").glob("*.pdf"))
    assert len(paths) == 4 * len(LEAFLETS) + 1
    used = set()
    for path in paths:
        for font in pdf_fonts(path):
            assert font["embedded"], (path.name, font)
            name = font["name"].replace("-", "")
            assert any(name.startswith(family) for family in families), (path.name, name)
            used.add(name)
    assert any(name.startswith("NotoSansArabicLeaflet") for name in used), used


def text_lines(image, top, bottom):
    """The (left, right) pixel edges of each line of dark text between rows `top` and
    `bottom` of `image`."""
    pixels = image.load()
    width = image.width
    lines, current = [], None
    for y in range(top, bottom):
        dark = [x for x in range(width) if sum(pixels[x, y]) < 300]
        if dark:
            left, right = min(dark), max(dark)
            current = (min(current[0], left), max(current[1], right)) if current else \
                (left, right)
        elif current:
            lines.append(current)
            current = None
    return lines


def test_arabic_body_lines_share_their_right_edge_and_vary_on_the_left(dist):
    path = dist / "ar" / "cancers.pdf"
    image = render(path, 2, dpi=100)
    lines = text_lines(image, round(image.height * 0.05), round(image.height * 0.9))
    assert len(lines) > 15
    rights = Counter(right // 4 for _, right in lines)
    (edge, count), *_ = rights.most_common(1)
    assert count >= 0.6 * len(lines), rights  # ragged left, flush right
    lefts = [left for left, right in lines if right // 4 == edge]
    assert max(lefts) - min(lefts) > 40


@pytest.mark.parametrize("profile", ["", ".print", ".large"])
def test_the_online_address_reads_left_to_right_in_an_arabic_page(dist, profile):
    for slug in LEAFLETS:
        text = "\n".join(pdf_pages_text(dist / "ar" / f"{slug}{profile}.pdf"))
        address = f"https://leaflets.example.org/algoradiologie/ar/{slug}.html"
        flat = re.sub(r"(?<=/)\s+", "", text)  # an address breaks after a slash only
        assert address in flat, (slug, profile)


def test_the_arabic_booklet_is_bound_on_the_right_page_one_on_the_left_half(dist):
    def band(sheet, x_range):
        pixels = sheet.load()
        return sum(1 for x in x_range for y in range(sheet.height)
                   if pixels[x, y][2] > 90 and pixels[x, y][0] < 40)

    for slug in ("cancers", "a-propos"):
        sheet = render(dist / "ar" / f"{slug}.booklet.pdf", 1, dpi=30)
        # The title band of page 1, the dark blue of the first page, is on the left half.
        assert band(sheet, range(sheet.width // 2)) > 2000, slug
        assert band(sheet, range(sheet.width // 2, sheet.width)) == 0, slug


def test_the_arabic_e_book_reads_right_to_left(dist):
    book = Epub(dist / "ar" / "algoradiologie-douleur.epub")
    spine = book.opf.find("opf:spine", {"opf": "http://www.idpf.org/2007/opf"})
    assert spine.get("page-progression-direction") == "rtl"
    fonts = [name for name in zipfile.ZipFile(dist / "ar" / "algoradiologie-douleur.epub")
             .namelist() if name.endswith(".ttf")]
    assert any("NotoSansArabic" in name for name in fonts)
    # The French and English books have no Arabic to draw: no Arabic font in them.
    for lang in ("fr", "en"):
        names = zipfile.ZipFile(dist / lang / "algoradiologie-douleur.epub").namelist()
        assert not any("NotoSansArabic" in name for name in names), lang


def test_the_arabic_cover_draws_arabic_letters_not_empty_boxes(dist):
    from leaflets.cover import draw_cover
    from leaflets.fonts import bundled_fonts

    cover = Image.open(io.BytesIO(zipfile.ZipFile(dist / "ar" / "algoradiologie-douleur.epub")
                                  .read("EPUB/images/cover.png"))).convert("RGB")
    # The same title drawn with the Latin font alone: each letter its .notdef box.
    title = "تخفيف الألم بمساعدة التصوير الطبي"
    fonts = bundled_fonts(REPO / "styles" / "fonts", REPO)
    boxes = Image.open(io.BytesIO(draw_cover(title, "", "", fonts, right_to_left=True,
                                             families=("AtkinsonHyperlegibleLeaflet",))))
    drawn = Image.open(io.BytesIO(draw_cover(title, "", "", fonts, right_to_left=True)))
    band = (0, 300, 1600, 1200)
    assert drawn.convert("RGB").crop(band).tobytes() == cover.crop(band).tobytes()
    assert drawn.crop(band).tobytes() != boxes.crop(band).tobytes()
    # Set from the right: the title's ink ends at the right margin.
    ink = [x for x in range(1600) for y in range(400, 700, 5)
           if drawn.convert("RGB").getpixel((x, y)) == (255, 255, 255)]
    assert max(ink) > 1400 and min(ink) > 200


def test_check_finds_nothing_in_the_arabic_translations_and_a_planted_wrong_term(tmp_path):
    from conftest import copy_real_project

    project = copy_real_project(tmp_path / "project")
    run = run_cli(project, "check", "--lang", "ar")
    assert run.status == 0 and "0 error(s), 0 warning(s)" in run.stdout, run.stdout + run.stderr
    # "انزلاق غضروفي" (disc herniation) replaced by "فتق" (hernia) in one paragraph.
    path = project / "content" / "ar" / "colonne-vertebrale.md"
    text = path.read_text(encoding="utf-8")
    line = next(number for number, content in enumerate(text.splitlines(), 1)
                if "انزلاق غضروفي" in content and not content.startswith(("#", "title")))
    lines = text.splitlines()
    lines[line - 1] = lines[line - 1].replace("الانزلاق الغضروفي", "الفتق").replace(
        "انزلاق غضروفي", "فتق")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = run_cli(project, "check", "--lang", "ar")
    assert run.status == 1
    assert re.search(rf"content/ar/colonne-vertebrale.md:{line}: error: .*'Hernie discale'",
                     run.stdout + run.stderr), run.stdout + run.stderr


def test_the_six_arabic_plural_forms_are_read_through_the_catalogs_plural_rule():
    from babel.messages.catalog import Catalog

    from leaflets.terminology import Term, approved_terms

    catalog = Catalog(locale="ar")
    forms = ("لا حقن", "حقنة", "حقنتان", "حقن", "حقنة", "حقنة أخرى")
    catalog.add(("Infiltration", "infiltrations"), forms)
    (approved,) = approved_terms([Term("Infiltration", "infiltrations", "", 10)], catalog)
    assert catalog.num_plurals == 6
    assert approved.singular == "حقنة"  # msgstr[1]: the form for one, by the rule
    assert approved.plural == "حقن"  # the form for 5
    assert set(approved.forms) == set(forms)


def test_the_arabic_glossary_is_ordered_as_an_arabic_dictionary(dist):
    from leaflets.terminology import collation_key

    book = Epub(dist / "ar" / "algoradiologie-douleur.epub")
    glossary = book.read("ar/glossaire.xhtml").decode()
    headings = [re.sub(r"<[^>]+>", "", heading)
                for heading in re.findall(r"<h2[^>]*>(.*?)</h2>", glossary, re.S)]
    assert len(headings) > 15
    keys = [collation_key(heading, "ar") for heading in headings]
    assert keys == sorted(keys)
    # CLDR's order (the Unicode collation, Arabic tailoring), with the article passed over
    # as in an Arabic dictionary: "التخدير" sorts under ت; the alif forms آ, أ, إ, ا in
    # that order, as ICU orders them.
    words = ["ثقب", "التخدير", "بطانة", "إصمام", "استئصال", "أشعة"]
    assert sorted(words, key=lambda word: collation_key(word, "ar")) == \
        ["أشعة", "إصمام", "استئصال", "بطانة", "التخدير", "ثقب"]
    # The tailoring: ة is ordered as ت, so what follows decides ("ةب" after "تا"); by
    # the default table alone ة comes before every ت.
    assert sorted(["ةب", "تا"], key=lambda word: collation_key(word, "ar")) == ["تا", "ةب"]
    assert sorted(["ةب", "تا"], key=lambda word: collation_key(word, "en")) == ["ةب", "تا"]


def test_new_language_marks_a_right_to_left_language_and_says_what_comes_next(tmp_path):
    project = make_project("minimal", tmp_path / "project")
    run = run_cli(project, "new-language", "ar")
    assert run.status == 0, run.stderr
    assert "ar is written right to left: added to languages.rtl" in run.stdout
    assert "next steps:" in run.stdout and "messages.po" in run.stdout
    publication = (project / "publication.yml").read_text(encoding="utf-8")
    assert re.search(r"rtl: \[ar\]", publication), publication
    # How the regions write a date, from CLDR: the coordinator picks the patients' form.
    lines = run.stdout.splitlines()
    assert 'dates will read "1 ديسمبر 2026" (locale ar)' in lines
    assert '    "1 دجنبر 2026": ar_MA' in lines  # Moroccan month names
    assert any(line.startswith('    "1 كانون الأول 2026": ar_IQ, ar_JO,') for line in lines)
    assert "  to use one, add it to publication.yml's languages.locales, e.g. " \
        "locales: {ar: ar_IQ}" in lines
    run = run_cli(project, "new-language", "es")
    assert "right to left" not in run.stdout
    edit(project / "publication.yml", "rtl: [ar]", "rtl: [ar]")  # unchanged by es
    edit(project / "publication.yml", "  rtl: [ar]\n", "  rtl: [ar]\n  locales: {ar: ar_MA}\n")
    catalog = project / "locales" / "ar" / "LC_MESSAGES" / "messages.po"
    fill_catalog(catalog)
    (project / "content" / "ar" / "seconde.md").write_text(
        "---\ntitle: النشرة الثانية\nsummary: نشرة قصيرة.\nupdated: 2026-11-20\n"
        "review: draft\n---\n## تذكروا\n\nتحدثوا مع طبيبكم.\n", encoding="utf-8")
    run = run_cli(project, "--lang", "ar", "--format", "pdf", "--profile", "screen")
    assert run.status == 0, run.stderr
    text = flat(" ".join(pdf_pages_text(project / "dist" / "ar" / "seconde.pdf")))
    assert "نونبر" in text and "نوفمبر" not in text  # November, as Morocco writes it


def fill_catalog(path):
    """Translate `path` (a fixture's Arabic interface catalog) from the real one."""
    from babel.messages.pofile import read_po, write_po

    with (REPO / "locales" / "ar" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        real = read_po(handle, locale="ar")
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="ar")
    for message in catalog:
        if message.id:
            known = real.get(message.id)
            message.string = known.string if known is not None else "قسم الأشعة"
            message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog)


def test_check_reads_eastern_arabic_digits_as_the_numbers_they_are(tmp_path):
    # "٢٠٢٥" is 2025: a translator may type either digits; the pages print Western ones.
    from conftest import copy_real_project

    project = copy_real_project(tmp_path / "project")
    path = project / "content" / "ar" / "a-propos.md"
    text = path.read_text(encoding="utf-8")
    assert "2025" in text
    path.write_text(text.replace("2025", "٢٠٢٥"), encoding="utf-8")
    run = run_cli(project, "check", "--lang", "ar")
    assert run.status == 0 and "0 error(s), 0 warning(s)" in run.stdout, run.stdout + run.stderr
    run = run_cli(project, "--lang", "ar", "--format", "pdf", "--profile", "screen")
    assert run.status == 0, run.stderr
    page = " ".join(pdf_pages_text(project / "dist" / "ar" / "a-propos.pdf"))
    assert "2025" in page and "٢٠٢٥" not in page
