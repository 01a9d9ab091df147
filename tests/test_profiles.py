"""The print profiles on the real publication's outputs: the print shop's PDF, the booklet,
large print and the whole book; what the pages look like to a reader."""

import re
import subprocess

import pytest
from conftest import make_project, recorded_outputs, run_cli
from PIL import Image
from pypdf import PdfReader
from reading import pdf_figure_alts, pdf_pages_text, pdf_text_runs

MM = 72 / 25.4
LEAFLETS = ["algoradiologie", "articulations-tendons", "colonne-vertebrale", "endometriose",
            "cancers", "limites", "glossaire", "a-propos"]


def render(path, page, dpi=72):
    """Page `page` (1-based) as the reader sees it, MediaBox whole."""
    prefix = path.parent / f"{path.stem}-{page}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page),
                    "-l", str(page), str(path), str(prefix)], check=True)
    return Image.open(f"{prefix}.png").convert("RGB")


@pytest.fixture(scope="module")
def dist(real_build):
    project, run = real_build
    assert run.status == 0, run.stderr
    return project / "dist"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_print_profile_has_3mm_bleed_around_the_trim(dist, lang):
    for slug in LEAFLETS:
        for page in PdfReader(dist / lang / f"{slug}.print.pdf").pages:
            trim, bleed, media = page.trimbox, page.bleedbox, page.mediabox
            assert (float(trim.width), float(trim.height)) == pytest.approx((148 * MM, 210 * MM),
                                                                            abs=0.01)
            for side in ("left", "bottom"):
                assert float(getattr(trim, side)) - float(getattr(bleed, side)) == \
                    pytest.approx(3 * MM, abs=0.01)
            for side in ("right", "top"):
                assert float(getattr(bleed, side)) - float(getattr(trim, side)) == \
                    pytest.approx(3 * MM, abs=0.01)
            assert float(media.left) <= float(bleed.left) and \
                float(media.top) >= float(bleed.top)


def test_print_profile_draws_crop_marks_beyond_the_bleed_and_the_band_into_it(dist):
    path = dist / "fr" / "cancers.print.pdf"
    page = PdfReader(path).pages[1]
    image = render(path, 2, dpi=144)
    scale = image.width / float(page.mediabox.width)
    margin = (float(page.trimbox.left) - float(page.mediabox.left)) * scale  # trim, in px
    bleed = 3 * MM * scale

    def at(x_from_trim_mm, y_from_trim_mm):
        """Pixel coordinates at that distance from the trim's bottom-left corner."""
        return (round(margin + x_from_trim_mm * MM * scale),
                round(image.height - 1 - margin - y_from_trim_mm * MM * scale))

    def pixel(x_mm, y_mm):
        return image.getpixel(at(x_mm, y_mm))

    def dark_near(x_mm, y_mm):
        x, y = at(x_mm, y_mm)
        return any(sum(image.getpixel((x + dx, y + dy))) < 600
                   for dx in range(-3, 4) for dy in range(-3, 4))

    # The marks run along the trim lines, from 4 mm to 9 mm out: beyond the 3 mm bleed.
    assert dark_near(-6.5, 0) and dark_near(0, -6.5)
    assert not dark_near(-2, 0) and not dark_near(0, -2)  # nothing inside the bleed
    assert pixel(2, 2) == (255, 255, 255)  # nor on the trimmed page
    assert margin > bleed
    # The title band runs into the bleed to its edge, and no further.
    first = render(path, 1, dpi=144)
    top_of_bleed = round(margin - bleed)
    assert first.getpixel((first.width // 2, top_of_bleed + 2)) == (11, 79, 108)
    assert first.getpixel((first.width // 2, top_of_bleed - 3)) == (255, 255, 255)


def half_page_numbers(path, total):
    """For each sheet side of a booklet: the page numbers read in its left and right halves."""
    sides = []
    width = float(PdfReader(path).pages[0].mediabox.width)
    for runs in pdf_text_runs(path):
        found = []
        for half in (0, 1):
            text = " ".join(run.text for run in runs if (run.x >= width / 2) == bool(half))
            numbers = re.findall(rf"Page (\d+) (?:sur|of) {total}", text)
            found.append(int(numbers[0]) if numbers else None)
        sides.append(tuple(found))
    return sides


def test_booklet_of_four_pages_is_one_sheet_in_reading_order_once_folded(minimal_dist):
    path = minimal_dist / "fr" / "premiere.booklet.pdf"  # three pages and a blank fourth
    page = PdfReader(path).pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == \
        pytest.approx((297 * MM, 210 * MM), abs=1)
    assert half_page_numbers(path, 3) == [(None, 1), (2, 3)]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_booklet_sheets_keep_5mm_white_at_every_edge_and_show_where_to_fold(dist, lang):
    # Office printers cannot print to the edge of the sheet.
    dpi = 60
    edge = round(5 * dpi / 25.4)
    for slug in LEAFLETS:
        path = dist / lang / f"{slug}.booklet.pdf"
        reader = PdfReader(path)
        assert reader.trailer["/Root"]["/ViewerPreferences"]["/Duplex"] == \
            "/DuplexFlipShortEdge"  # the print dialog's default: flip on the short edge
        for number in range(1, len(reader.pages) + 1):
            sheet = render(path, number, dpi=dpi)
            width, height = sheet.size
            pixels = sheet.load()
            strips = [(x, y) for x in range(width) for y in (*range(edge), *range(
                height - edge, height))]
            strips += [(x, y) for y in range(height) for x in (*range(edge), *range(
                width - edge, width))]
            assert all(pixels[x, y] == (255, 255, 255) for x, y in strips), (slug, number)
            # The fold marks: grey, at the middle of the sheet, near its top and bottom.
            fold = [pixels[x, y] for x in range(width // 2 - 1, width // 2 + 2)
                    for y in range(edge, edge + round(6 * dpi / 25.4))]
            assert any(pixel != (255, 255, 255) for pixel in fold), (slug, number)


def test_booklet_of_more_pages_adds_blanks_to_a_multiple_of_four(tmp_path):
    project = make_project("minimal", tmp_path / "project")
    french = project / "content" / "fr" / "premiere.md"
    paragraph = ("Le radiologue vous explique le geste, ses bénéfices et ses risques. "
                 "Vous pouvez poser toutes vos questions avant de donner votre accord. ") * 4
    french.write_text(french.read_text().replace("pages: 4\n", "") +
                      "".join(f"\n## Partie {n}\n\n{paragraph}\n" for n in range(14)))
    run = run_cli(project, "--lang", "fr", "--format", "pdf", "--profile", "screen,booklet")
    assert run.status == 0, run.stderr
    pages = len(PdfReader(project / "dist" / "fr" / "premiere.pdf").pages)
    assert 5 <= pages <= 8
    expected = [(8, 1), (2, 7), (6, 3), (4, 5)]
    expected = [tuple(n if n <= pages else None for n in side) for side in expected]
    assert half_page_numbers(project / "dist" / "fr" / "premiere.booklet.pdf", pages) == expected


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_large_print_is_a4_with_no_text_under_16pt(dist, lang):
    for slug in LEAFLETS:
        path = dist / lang / f"{slug}.large.pdf"
        page = PdfReader(path).pages[0]
        assert (float(page.mediabox.width), float(page.mediabox.height)) == \
            pytest.approx((210 * MM, 297 * MM), abs=1)
        sizes = [run.size for runs in pdf_text_runs(path) for run in runs]
        assert min(sizes) >= 16 - 0.01, (slug, min(sizes))


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("profile", ["", ".print", ".booklet"])
def test_a5_text_is_12pt_and_nothing_is_under_10pt(dist, lang, profile):
    # Clear-print guidance for older readers (NHS, RNIB): body text of 12 pt or more, and
    # no footer, note or mark too small to read.
    from collections import Counter

    for slug in LEAFLETS:
        path = dist / lang / f"{slug}{profile}.pdf"
        sizes = Counter()
        for runs in pdf_text_runs(path):
            for run in runs:
                sizes[round(run.size, 1)] += len(run.text.strip())
        commonest, _ = sizes.most_common(1)[0]
        assert commonest >= 12, (path.name, sizes.most_common(3))
        assert min(sizes) >= 10 - 0.01, (path.name, sorted(sizes)[:3])


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_title_never_ends_with_one_word_alone_on_its_line(dist, lang):
    paths = [dist / lang / f"{slug}{profile}.pdf" for slug in LEAFLETS
             for profile in ("", ".large")] + [dist / lang / "algoradiologie-douleur.pdf"]
    for path in paths:
        first_page = pdf_text_runs(path)[0]
        biggest = max(run.size for run in first_page)  # the title
        lines = {}
        for run in first_page:
            if run.size > biggest - 0.5:
                lines.setdefault(round(run.y), []).append(run)
        if len(lines) == 1:
            continue  # a title of one line ("Glossary") has no last line of its own
        last = " ".join(run.text for run in sorted(lines[min(lines)], key=lambda r: r.x))
        assert len(re.findall(r"[^\s\u00a0]+", last)) >= 2, (path.name, last)


# Heading sizes (points) per profile, from leaflet.css and large.css.
HEADING_SIZES = {"": (15, 13), ".print": (15, 13), ".large": (24, 20)}
FOOTER_ZONE = {"": 18 * MM, ".print": 18 * MM, ".large": 24 * MM}


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("profile", ["", ".print", ".large"])
def test_no_page_ends_with_a_heading_and_no_text_leaves_the_page(dist, lang, profile):
    for slug in LEAFLETS:
        path = dist / lang / f"{slug}{profile}.pdf"
        box = PdfReader(path).pages[0].trimbox
        width, height = float(box.width), float(box.height)
        pages = pdf_text_runs(path)
        for number, runs in enumerate(pages, start=1):
            for run in runs:
                assert 0 <= run.x < width and 0 < run.y < height, (slug, number, run)
            body = [run for run in runs if run.y > FOOTER_ZONE[profile]]
            if number == len(pages) or not body:
                continue
            last_line = min(body, key=lambda run: run.y)
            assert round(last_line.size) not in HEADING_SIZES[profile], \
                f"{path.name} page {number} ends with the heading '{last_line.text}'"


@pytest.mark.parametrize("lang, address", [
    ("fr", "https://leaflets.example.org/algoradiologie/fr/cancers.pdf"),
    ("en", "https://leaflets.example.org/algoradiologie/en/cancers.pdf"),
])
def test_last_page_has_a_qr_code_to_the_online_leaflet_in_its_language(dist, lang, address):
    path = dist / lang / "cancers.pdf"
    assert any(alt.endswith(address) for alt in pdf_figure_alts(path))
    last = pdf_pages_text(path)[-1]
    assert address in last.replace("\n", "")
    image = render(path, len(PdfReader(path).pages), dpi=100)
    # The code itself: its modules are the only pure black of the page (text is #1a1a1a),
    # in the right half, beside the colophon.
    black = [(index % image.width, index // image.width)
             for index, pixel in enumerate(image.get_flattened_data()) if pixel == (0, 0, 0)]
    assert len(black) > 500
    assert min(x for x, _ in black) > image.width / 2


@pytest.mark.parametrize("lang, label", [("fr", "Scannez pour lire en ligne"),
                                         ("en", "Scan to read online")])
def test_every_qr_code_says_what_it_is_for_in_the_page_language(dist, lang, label):
    for slug in LEAFLETS:
        for profile in ("", ".print", ".large"):
            pages = [" ".join(page.split())
                     for page in pdf_pages_text(dist / lang / f"{slug}{profile}.pdf")]
            # Once, at the end (a long colophon in large print ends on the next page).
            assert sum(page.count(label) for page in pages) == 1, (slug, profile)
            assert label in pages[-1] or label in pages[-2], (slug, profile)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_whole_book_has_contents_with_true_page_numbers_and_bookmarks(dist, lang):
    path = dist / lang / "algoradiologie-douleur.pdf"
    reader = PdfReader(path)
    outline = [item for item in reader.outline if not isinstance(item, list)]
    # A bookmark shows the title as set, its last two words held by a no-break space.
    titles = [item.title.replace("\u00a0", " ") for item in outline]
    pages = pdf_pages_text(path)
    contents = pages[0]
    for slug in LEAFLETS:
        leaflet_title = PdfReader(dist / lang / f"{slug}.pdf").metadata.title
        assert leaflet_title in titles
        bookmark = outline[titles.index(leaflet_title)]
        page_number = reader.get_destination_page_number(bookmark) + 1
        # The contents give the page where the bookmark leads, and that page shows the title.
        entry = re.search(re.escape(leaflet_title.split()[-1]) + r"[ .]*?(\d+)\n",
                          contents + "\n")
        assert entry and int(entry.group(1)) == page_number, (leaflet_title, entry)
        assert leaflet_title.split()[0] in pages[page_number - 1]


BOOK_TITLES = {"fr": "Soulager la douleur grâce à l’imagerie",
               "en": "Relieving pain with the help of imaging"}
REMINDERS = {"fr": "Ce document ne remplace pas l’avis de votre médecin.",
             "en": "This leaflet does not replace the advice of your doctor."}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_book_opens_each_chapter_on_a_right_hand_page_under_running_heads(dist, lang):
    path = dist / lang / "algoradiologie-douleur.pdf"
    reader = PdfReader(path)
    pages = [" ".join(page.split()) for page in pdf_pages_text(path)]
    assert "Page 1 " not in pages[0]  # the title page has no page number
    chapters = [item for item in reader.outline
                if not isinstance(item, list) and reader.get_destination_page_number(item) > 0]
    openers = sorted(reader.get_destination_page_number(item) + 1 for item in chapters)
    assert len(openers) == len(LEAFLETS)
    assert all(number % 2 == 1 for number in openers), openers  # right-hand pages
    chapter_pages = {}
    # The last page, the reminder and the department's box, belongs to no chapter.
    assert REMINDERS[lang] in pages[-1] and not any(
        " ".join(item.title.split()) in pages[-1] for item in chapters)
    for start, end in zip(openers, [*openers[1:], len(pages)], strict=True):
        chapter_pages[start] = range(start, end)
    for opener, numbers in chapter_pages.items():
        title = next(item.title for item in chapters
                     if reader.get_destination_page_number(item) + 1 == opener)
        for number in numbers:
            text = pages[number - 1]
            if not text:  # a blank left-hand page before the next chapter: nothing on it
                assert number % 2 == 0 and number == numbers[-1]
                continue
            if number == opener:  # the title band: no running head above it
                assert not text.startswith(title.replace("\u00a0", " "))
            elif number % 2 == 0:
                assert BOOK_TITLES[lang] in text, (number, text[:80])
            else:
                assert " ".join(title.split()) in text, (number, title, text[:80])


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_book_says_its_reminder_and_whom_to_call_once_at_its_end(dist, lang):
    pages = [" ".join(page.split())
             for page in pdf_pages_text(dist / lang / "algoradiologie-douleur.pdf")]
    assert sum(page.count(REMINDERS[lang]) for page in pages) == 1
    assert REMINDERS[lang] in pages[-1]
    assert "00 00 00 00 00" in pages[-1]  # the department's (sample) phone number
    assert sum(page.count("00 00 00 00 00") for page in pages) == 1


def relative_luminance(hex_colour):
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground, background):
    lighter, darker = sorted((relative_luminance(foreground),
                              relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_every_text_colour_has_wcag_aa_contrast_on_its_background():
    from conftest import REPO

    css = (REPO / "styles" / "leaflet.css").read_text()
    colours = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", css))
    white = "#ffffff"
    pairs = {"ink on paper": (colours["ink"], white),
             "headings and links": (colours["accent"], white),
             "title band": (colours["accent-text"], colours["accent"]),
             "footer and colophon": (colours["muted"], white),
             "draft mark": (colours["warning"], white)}
    for sheet in ("epub.css", "book.css", "print.css", "large.css"):
        text = (REPO / "styles" / sheet).read_text()
        for colour in re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", text):
            pairs[f"{sheet} {colour}"] = (colour, white)
    for name, (foreground, background) in pairs.items():
        assert contrast(foreground, background) >= 4.5, name


def test_a_leaflet_over_its_page_budget_warns_and_strict_refuses_and_removes_it(tmp_path):
    project = make_project("minimal", tmp_path / "project")
    english = project / "content" / "en" / "premiere.md"
    english.write_text(english.read_text().replace("pages: 4", "pages: 1"))
    run = run_cli(project, "--lang", "en", "--format", "pdf", "--profile", "screen,large")
    assert run.status == 0, run.stderr
    warning = ("content/en/premiere.md:6: warning: dist/en/premiere.pdf has 3 A5 pages, over "
               "its budget of 1: shorten the text before printing")
    assert warning in run.stderr.splitlines()
    assert "premiere.large.pdf has" not in run.stderr  # A4 large print has its own count
    assert (project / "dist" / "en" / "premiere.pdf").exists()

    # The over-long leaflet the plain build wrote leaves dist/ in the same build.
    run = run_cli(project, "--lang", "en", "--format", "pdf", "--profile", "screen", "--strict")
    assert run.status == 1
    assert ("failed dist/en/premiere.pdf: content/en/premiere.md:6: --strict: "
            "dist/en/premiere.pdf has 3 A5 pages") in run.stderr
    assert "removed dist/en/premiere.pdf: not made in this build" in run.stderr
    assert not (project / "dist" / "en" / "premiere.pdf").exists()
    assert (project / "dist" / "en" / "premiere.large.pdf").exists()  # not asked for: stays
    assert "en/premiere.pdf" not in recorded_outputs(project)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_pdf_is_tagged_with_its_language(dist, lang):
    for path in sorted((dist / lang).glob("*.pdf")):
        root = PdfReader(path).trailer["/Root"]
        assert root["/Lang"] == lang, path.name
        if path.name.endswith(".booklet.pdf"):
            continue  # imposed for printing: the tagged reading copy is <document>.pdf
        assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root, path.name


def test_the_english_book_marks_its_draft_chapters_and_says_so_on_its_title_page(dist):
    pages = pdf_pages_text(dist / "en" / "algoradiologie-douleur.pdf")
    # Every English chapter is a draft: the title page says so once, in plain words...
    assert ("The translations in this book have not been checked yet, or are out of date: "
            "each chapter says so at the top of its first page.") in " ".join(
        pages[0].split())
    assert "This translation has not been checked yet" not in pages[0]
    # ...every chapter's page carries the mark, and each chapter's first page the notice.
    # (Blank pages carry nothing; the last page, the department's box, is no translation.)
    assert all("This translation has not been checked yet" in page
               for page in pages[1:-1] if page.strip())
    firsts = [page for page in pages[1:] if "Relieving pain with the help of imaging" in page]
    assert len(firsts) == 8 and all(
        "This translation has not been checked by a reviewer yet." in " ".join(page.split())
        for page in firsts)
    french = pdf_pages_text(dist / "fr" / "algoradiologie-douleur.pdf")
    assert not any("vérifiée" in page or "checked" in page for page in french)


def test_a_strict_build_refused_for_findings_still_removes_a_leaflet_over_budget(tmp_path):
    project = make_project("minimal", tmp_path / "project")
    french = project / "content" / "fr" / "premiere.md"
    french.write_text(french.read_text().replace("pages: 4", "pages: 2"))
    assert run_cli(project, "--lang", "fr", "--profile", "screen", "--format", "pdf").status == 0
    assert (project / "dist" / "fr" / "premiere.pdf").exists()
    seconde = project / "content" / "fr" / "seconde.md"
    seconde.write_text(seconde.read_text() + "\n<script>x()</script>\n")  # a finding
    run = run_cli(project, "--lang", "fr", "--profile", "screen", "--format", "pdf",
                  "--strict")
    assert run.status == 1 and "nothing was built" in run.stdout
    assert not (project / "dist" / "fr" / "premiere.pdf").exists()
