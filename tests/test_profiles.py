"""The print profiles on the real publication's outputs: the print shop's PDF, the booklet,
large print and the whole book; what the pages look like to a reader."""

import itertools
import re
import subprocess
from collections import Counter

import pytest
from conftest import make_project, recorded_outputs, run_cli
from PIL import Image
from pypdf import PdfReader
from reading import pdf_figure_alts, pdf_fonts, pdf_lines, pdf_pages_text, pdf_text_runs

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
    band = first.getpixel((first.width // 2, round(margin + 10 * MM * scale)))
    red, _, blue = band
    assert blue > red + 40 and max(band) < 130, band  # the dark blue of the band
    assert first.getpixel((first.width // 2, top_of_bleed + 2)) == band
    assert first.getpixel((first.width // 2, top_of_bleed - 3)) == (255, 255, 255)


def readable(title):
    """A bookmark's title as a reader reads it: a compound's non-breaking hyphens (U+2011,
    that look like hyphens) as hyphens."""
    return title.replace("\u2011", "-")


def colours_painted(reader, page):
    """Every colour `page` paints with, as (colour space, operands), text apart: the fill
    colour of each text-showing operator, and the fill and stroke colours of the rest."""
    from pypdf.generic import ContentStream

    spaces = page["/Resources"].get_object().get("/ColorSpace")
    spaces = spaces.get_object() if spaces else {}
    text, graphics = [], []
    state = {"fill": ("/DeviceGray", (0,)), "stroke": ("/DeviceGray", (0,))}
    saved = []
    device = {b"rg": "/DeviceRGB", b"g": "/DeviceGray", b"k": "/DeviceCMYK"}
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"q":
            saved.append(dict(state))
        elif operator == b"Q":
            state = saved.pop()
        elif operator.lower() in device:
            key = "fill" if operator.islower() else "stroke"
            state[key] = (device[operator.lower()], tuple(float(v) for v in operands))
        elif operator in (b"cs", b"CS"):
            name = str(operands[0])
            named = spaces.get(name)
            if named is not None:  # a resource: its family and, for a separation, its name
                named = named.get_object()
                name = f"{named[0]}:{named[1]}" if str(named[0]) == "/Separation" else \
                    str(named[0])
            state["fill" if operator == b"cs" else "stroke"] = (name, ())
        elif operator in (b"scn", b"sc", b"SCN", b"SC"):
            key = "fill" if operator.islower() else "stroke"
            state[key] = (state[key][0], tuple(float(v) for v in operands))
        elif operator in (b"Tj", b"TJ", b"'", b'"'):
            text.append(state["fill"])
        elif operator in (b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"):
            graphics.append(state["fill"])
        if operator in (b"S", b"s", b"B", b"B*", b"b", b"b*"):
            graphics.append(state["stroke"])
    return text, graphics


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_print_pdfs_are_pdf_x4_for_coated_offset_with_an_embedded_profile(dist, lang):
    from conftest import REPO

    profile = (REPO / "styles" / "icc" / "coated-fogra39.icc").read_bytes()
    for slug in LEAFLETS:
        path = dist / lang / f"{slug}.print.pdf"
        reader = PdfReader(path)
        root = reader.trailer["/Root"]
        assert float(reader.pdf_header.removeprefix("%PDF-")) >= 1.6, path.name
        xmp = reader.xmp_metadata.stream.get_data().decode()
        assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp, path.name
        assert reader.metadata["/Trapped"] == "/False" and reader.metadata.title
        assert len(reader.trailer["/ID"]) == 2
        intents = root["/OutputIntents"]
        assert len(intents) == 1
        intent = intents[0].get_object()
        assert intent["/S"] == "/GTS_PDFX"
        assert intent["/OutputConditionIdentifier"] == "FOGRA39"
        embedded = intent["/DestOutputProfile"].get_object()
        data = embedded.get_data()
        # An output profile (prtr) of CMYK to Lab, with four components: the press's.
        assert (data[12:16], data[16:20], data[20:24]) == (b"prtr", b"CMYK", b"Lab ")
        assert embedded["/N"] == 4 and data[128:] == profile[128:]
        for page in reader.pages:
            trim, bleed, media = page.trimbox, page.bleedbox, page.mediabox
            assert "/TrimBox" in page and "/BleedBox" in page
            assert float(media.left) <= float(bleed.left) <= float(trim.left)
            assert float(trim.top) <= float(bleed.top) <= float(media.top)
            # PDF/X allows no annotation (a link) on the page, inside the bleed.
            assert "/Annots" not in page, path.name
        fonts = pdf_fonts(path)
        assert fonts and all(font["embedded"] for font in fonts), path.name


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_print_pdfs_paint_in_cmyk_text_in_black_ink_and_marks_on_every_plate(dist, lang):
    for slug in LEAFLETS:
        path = dist / lang / f"{slug}.print.pdf"
        reader = PdfReader(path)
        text_colours, graphics_colours = Counter(), Counter()
        for page in reader.pages:
            text, graphics = colours_painted(reader, page)
            text_colours.update(text)
            graphics_colours.update(graphics)
            # No image could bring its own RGB either: the QR code is drawn, not pictured.
            xobjects = page["/Resources"].get_object().get("/XObject") or {}
            for xobject in xobjects.values():
                assert xobject.get_object().get("/Subtype") != "/Image", path.name
        # Every colour is one the press prints: CMYK, or the registration colour of the marks.
        for space, _ in text_colours + graphics_colours:
            assert space in ("/DeviceCMYK", "/Separation:/All"), (path.name, space)
        # Body text in black ink alone, not a four-colour black.
        (commonest, _), *_ = text_colours.most_common(1)
        assert commonest == ("/DeviceCMYK", (0, 0, 0, 1)), (path.name, text_colours)
        # Crop marks on every plate, so that each plate can be trimmed to them.
        assert graphics_colours[("/Separation:/All", (1,))] == 8 * len(reader.pages), path.name


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_print_pdfs_say_which_file_they_are_in_a_slug_line_outside_the_trim(dist, lang):
    from conftest import REPO

    for slug in LEAFLETS:
        path = dist / lang / f"{slug}.print.pdf"
        head = (REPO / "content" / lang / f"{slug}.md").read_text().split("---")[1]
        updated = re.search(r"^updated: *['\"]?([\d-]+)", head, re.M).group(1)
        reader = PdfReader(path)
        for page, runs in zip(reader.pages, pdf_text_runs(path, whole_sheet=True), strict=True):
            slug_runs = [run for run in runs if run.y < float(page.trimbox.bottom)]
            line = "".join(run.text for run in sorted(slug_runs, key=lambda run: run.x))
            assert line.startswith(f"{slug}.print.pdf · {lang} · "), (path.name, line)
            assert updated in line and "PDF/X-4, FOGRA39" in line, (path.name, line)
            for run in slug_runs:  # beyond the bleed, on the sheet
                assert float(page.mediabox.bottom) < run.y < float(page.bleedbox.bottom)


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


@pytest.mark.parametrize("lang, note", [
    ("fr", "Pour imprimer ce livret : recto verso, retournement sur le bord court. Pliez "
           "ensuite les feuilles au milieu."),
    ("en", "To print this booklet: double-sided, flip on the short edge. Then fold the "
           "sheets in the middle."),
])
def test_booklet_says_how_to_print_it_in_the_first_sheets_margin(dist, lang, note):
    for slug in LEAFLETS:
        path = dist / lang / f"{slug}.booklet.pdf"
        sheets = pdf_text_runs(path)
        height = float(PdfReader(path).pages[0].mediabox.height)
        width = float(PdfReader(path).pages[0].mediabox.width)
        # Above the pages' text (their top margin is 16 mm), in the left half of the sheet.
        margin = [run for run in sheets[0] if run.y > height - 16 * MM]
        assert all(run.x < width / 2 for run in margin)
        lines = {}
        for run in margin:
            lines.setdefault(round(run.y), []).append(run)
        text = " ".join("".join(run.text for run in sorted(line, key=lambda r: r.x)).strip()
                        for _, line in sorted(lines.items(), reverse=True))
        assert plain_words(text) == note, (slug, text)
        assert all(run.size >= 10 - 0.01 for run in margin)
        for sheet in sheets[1:]:  # said once
            assert not [run for run in sheet if run.y > height - 16 * MM], slug


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


def source_compounds():
    """Every hyphenated compound the publication's sources write, in any language: the
    content, the catalogs, the templates and the publication file ("Posez-lui")."""
    from conftest import REPO

    files = [*(REPO / "content").rglob("*.md"), *(REPO / "locales").rglob("*.po"),
             *(REPO / "templates").glob("*"), REPO / "publication.yml"]
    text = "\n".join(path.read_text() for path in files).replace("\u2019", "'")
    return {match.lower() for match in re.findall(r"\w+(?:-\w+)+", text)}


def line_end_breaks(path):
    """(word before the line's final hyphen, word starting the next line, the next line)
    of every line of `path` that ends with a hyphen after a letter."""
    breaks = []
    for lines in pdf_lines(path):
        for line, following in itertools.pairwise(lines):
            ending = re.search(r"(\w+)-$", line)
            starting = re.match(r"\w+", following)
            if ending and starting:
                breaks.append((ending.group(1), starting.group(), following))
    return breaks


def unimposed_pdfs(dist, lang):
    return [path for path in sorted((dist / lang).glob("*.pdf"))
            if not path.name.endswith(".booklet.pdf")]  # the same pages as <doc>.pdf


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_line_of_any_pdf_ends_inside_a_hyphenated_compound_of_the_source(dist, lang):
    # "Posez-/lui" or "image-/guided" reads as a word cut in two.
    compounds = source_compounds()
    assert {"posez-lui", "est-à-dire", "image-guided"} <= compounds
    parts = {(a, b) for compound in compounds
             for a, b in zip(compound.split("-"), compound.split("-")[1:], strict=False)}
    for path in unimposed_pdfs(dist, lang):
        for before, after, _ in line_end_breaks(path):
            assert (before.lower(), after.lower()) not in parts, (path.name, before, after)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_paragraph_ends_with_a_hyphenated_stub_alone_on_its_last_line(dist, lang):
    # "herniec-/tomy." or "profes-/seur.": the paragraph's last word is never hyphenated.
    for path in unimposed_pdfs(dist, lang):
        for before, _after, following in line_end_breaks(path):
            alone = re.fullmatch(r"\w+[\u00a0\u202f ]?[.!?;:)»\u201d]*", following)
            assert not alone, (path.name, f"{before}-", following)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_hyphenation_breaks_the_languages_exceptions_only_where_marked(dist, lang):
    from leaflets.languages import rules_for

    exceptions = {entry.replace("·", ""): {len(part) for part in re.findall(
        r"(?=((?:[^·]+·)+))", entry) for part in [part.replace("·", "")]}
        for entry in rules_for(lang).hyphenation}
    assert lang == "fr" or "osteoarthritis" in exceptions
    seen = 0
    for path in unimposed_pdfs(dist, lang):
        for before, after, _ in line_end_breaks(path):
            word = (before + after).lower()
            if word in exceptions:
                seen += 1
                assert len(before) in exceptions[word], (path.name, f"{before}-{after}")
    assert lang == "fr" or seen  # the English pages do break such words, where allowed


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_line_stops_after_one_short_word_in_mid_sentence(dist, lang):
    # WeasyPrint 70 once broke "These / procedures can help..." and "In the / lower / back"
    # where an inline element followed (breaks.py works around it).
    import itertools
    import statistics

    for path in unimposed_pdfs(dist, lang):
        for lines in pdf_lines(path):
            if len(lines) < 5:
                continue
            usual = statistics.median(len(line) for line in lines if len(line) > 3)
            for line, following in itertools.pairwise(lines):
                alone = re.fullmatch(r"[^\W\d_][\w'\u2019]{0,7}", line)
                assert not (alone and usual > 40 and re.match(r"[^\W\d_]", following) and
                            following[0].islower()), (path.name, line, following[:40])


def markdown_lists(text):
    """The lists of a Markdown text, each as its items' plain words."""
    lists, current = [], []
    for line in [*text.splitlines(), ""]:
        item = re.match(r"\s*(?:[-*]|\d+\.)\s+(.*)", line)
        if item:
            current.append(re.sub(r"\]\([^)]*\)|[*_\[\]]", "", item.group(1)))
        elif line.strip() and current and line.startswith("  "):
            continue  # an item's continued line
        else:
            if current:
                lists.append(current)
            current = []
    return lists


def plain_words(text):
    text = text.replace("\u2019", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("profile", ["", ".print", ".large"])
def test_a_list_of_three_items_or_fewer_is_never_split_across_pages(dist, lang, profile):
    from conftest import REPO

    checked = 0
    for slug in LEAFLETS:
        text = (REPO / "content" / lang / f"{slug}.md").read_text().split("---", 2)[2]
        pages = [plain_words(page) for page in pdf_pages_text(dist / lang /
                                                               f"{slug}{profile}.pdf")]
        for items in markdown_lists(text):
            if len(items) > 3:
                continue
            starts = [" ".join(plain_words(item).split()[:4]) for item in items]
            assert any(all(start in page for start in starts) for page in pages), \
                (slug, profile, starts)
            checked += 1
    assert checked >= 3


@pytest.mark.parametrize("lang, caption, address", [
    ("fr", "Scannez pour lire en ligne", "En ligne : https://"),
    ("en", "Scan to read online", "Online: https://"),
])
@pytest.mark.parametrize("profile", ["", ".print", ".large"])
def test_the_lines_about_a_leaflet_stay_together_at_its_end(dist, lang, caption, address,
                                                            profile):
    # Large print once left "Online: ..." alone on a last page, and a QR code apart from its
    # caption.
    for slug in LEAFLETS:
        pages = [plain_words(page) for page in pdf_pages_text(dist / lang /
                                                               f"{slug}{profile}.pdf")]
        about = [page for page in pages if caption in page]
        assert len(about) == 1 and address in about[0], (slug, profile)
        assert about[0] in pages[-2:], (slug, profile)
        assert len(pages[-1].split()) > 12, (slug, profile, pages[-1])  # never a stray line


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
        pages = pdf_text_runs(path, whole_sheet=True)
        for number, runs in enumerate(pages, start=1):
            # The print shop's slug line lies below the trim, beyond the bleed, on purpose.
            runs = [run for run in runs if not (profile == ".print" and run.y < -3 * MM)]
            for run in runs:
                assert 0 <= run.x < width and 0 < run.y < height, (slug, number, run)
            body = [run for run in runs if run.y > FOOTER_ZONE[profile]]
            if number == len(pages) or not body:
                continue
            last_line = min(body, key=lambda run: run.y)
            assert round(last_line.size) not in HEADING_SIZES[profile], \
                f"{path.name} page {number} ends with the heading '{last_line.text}'"


@pytest.mark.parametrize("lang, address", [
    ("fr", "https://leaflets.example.org/algoradiologie/fr/cancers.html"),
    ("en", "https://leaflets.example.org/algoradiologie/en/cancers.html"),
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
    titles = [readable(item.title).replace("\u00a0", " ") for item in outline]
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
        " ".join(readable(item.title).split()) in pages[-1] for item in chapters)
    for start, end in zip(openers, [*openers[1:], len(pages)], strict=True):
        chapter_pages[start] = range(start, end)
    for opener, numbers in chapter_pages.items():
        title = next(readable(item.title) for item in chapters
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
