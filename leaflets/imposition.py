"""Print-shop preparation with pypdf: crop marks outside the bleed, and booklet imposition
(A5 pages two-up on A4 landscape, in saddle-stitch order: printed double-sided, flipped on the
short edge, stacked and folded, the sheets read 1, 2, 3...).
"""

from __future__ import annotations

import io

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DictionaryObject,
    NameObject,
    NumberObject,
    RectangleObject,
    TextStringObject,
)

A4_LANDSCAPE = (841.89, 595.28)  # points
MM = 72 / 25.4
# Crop marks start 1 mm beyond the 3 mm bleed, so that no trimming drift shows them and
# no background running into the bleed hides them, and are 5 mm long.
MARK_GAP, MARK_LENGTH = 4 * MM, 5 * MM
MARK_MARGIN = MARK_GAP + MARK_LENGTH + 1 * MM  # around the trim, for the marks


def prepare_for_press(pdf: bytes) -> bytes:
    """`pdf` (trim and bleed boxes set) ready for a print shop: its media box grown to hold
    crop marks drawn outside the bleed at each corner of the trim, in registration colour
    (on every plate), and no link annotations, which PDF/X allows only outside the bleed.
    The marks are artifacts: the tagged structure is unchanged."""
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header  # PDF/X-4 is PDF 1.6; pypdf would write 1.3
    registration = ArrayObject([
        NameObject("/Separation"), NameObject("/All"), NameObject("/DeviceCMYK"),
        writer._add_object(DictionaryObject({
            NameObject("/FunctionType"): NumberObject(2),
            NameObject("/Domain"): ArrayObject([NumberObject(0), NumberObject(1)]),
            NameObject("/C0"): ArrayObject([NumberObject(0)] * 4),
            NameObject("/C1"): ArrayObject([NumberObject(1)] * 4),
            NameObject("/N"): NumberObject(1)}))])
    for page in writer.pages:
        left, bottom, right, top = (float(value) for value in page.trimbox)
        page.mediabox = RectangleObject([left - MARK_MARGIN, bottom - MARK_MARGIN,
                                         right + MARK_MARGIN, top + MARK_MARGIN])
        lines = []
        for x, outward in ((left, -1), (right, 1)):
            for y, upward in ((bottom, -1), (top, 1)):
                near, far = MARK_GAP, MARK_GAP + MARK_LENGTH
                lines.append((x + outward * near, y, x + outward * far, y))  # along the trim's y
                lines.append((x, y + upward * near, x, y + upward * far))
        assert page.get_contents() is not None, "WeasyPrint draws every page"
        resources = page["/Resources"].get_object()
        assert isinstance(resources, DictionaryObject)
        colour_spaces = resources.setdefault(NameObject("/ColorSpace"), DictionaryObject())
        colour_spaces.get_object()[NameObject("/Registration")] = registration
        _draw_marks(writer, page, lines, "/Registration CS 1 SCN 0.25 w")
        page.compress_content_streams()
        if "/Annots" in page:
            del page["/Annots"]
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def saddle_stitch_order(pages: int, right_to_left: bool = False
                        ) -> list[tuple[int | None, int | None]]:
    """The (left, right) page numbers of each sheet side, front then back, sheet by sheet;
    None is a blank page added to reach a multiple of 4. A booklet read right to left is
    bound on the right: each side mirrored, page 1 on the left half of the first."""
    total = -(-pages // 4) * 4
    sides = []
    for sheet in range(total // 4):
        low, high = 2 * sheet + 1, total - 2 * sheet
        sides.append((high, low))  # front: last page on the left, first on the right
        sides.append((low + 1, high - 1))  # back
    if right_to_left:
        sides = [(right, left) for left, right in sides]
    return [(left if left <= pages else None, right if right <= pages else None)
            for left, right in sides]


def impose_booklet(pdf: bytes, lang: str, title: str, note: bytes,
                   right_to_left: bool = False) -> tuple[bytes, int]:
    """The booklet PDF of an A5 PDF, and the A5 PDF's number of pages. The first page of
    `note`, a sheet as large as the booklet's, is laid over its first sheet: how to print
    it."""
    reader = PdfReader(io.BytesIO(pdf))
    width, height = A4_LANDSCAPE
    writer = PdfWriter()
    for left, right in saddle_stitch_order(len(reader.pages), right_to_left):
        sheet = PageObject.create_blank_page(width=width, height=height)
        for number, column in ((left, 0), (right, 1)):
            if number is None:
                continue
            page = reader.pages[number - 1]
            page_width = float(page.mediabox.width)
            page_height = float(page.mediabox.height)
            # The two pages meet at the fold, in the middle of the sheet.
            x = width / 2 - page_width if column == 0 else width / 2
            y = (height - page_height) / 2
            sheet.merge_transformed_page(page, Transformation().translate(x, y))
        if not writer.pages:
            sheet.merge_page(PdfReader(io.BytesIO(note)).pages[0])
        writer.add_page(sheet)
        _add_fold_marks(writer, writer.pages[-1])
    writer.add_metadata({"/Title": title, "/Producer": "leaflets (pypdf imposition)"})
    writer.root_object[NameObject("/Lang")] = TextStringObject(lang)
    # The print dialog's default: both sides, turned over on the short edge.
    preferences = writer.create_viewer_preferences()
    preferences[NameObject("/Duplex")] = NameObject("/DuplexFlipShortEdge")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue(), len(reader.pages)


# Where to fold: a short line at the fold, in the white margin at the top and the bottom of
# the sheet, clear of the 5 mm an office printer cannot print and of the pages' text.
FOLD_MARK_FROM, FOLD_MARK_TO = 6 * MM, 10 * MM


def _add_fold_marks(writer: PdfWriter, sheet: PageObject) -> None:
    width, height = (float(value) for value in sheet.mediabox[2:])
    fold = width / 2
    lines = [(fold, height - FOLD_MARK_FROM, fold, height - FOLD_MARK_TO),
             (fold, FOLD_MARK_FROM, fold, FOLD_MARK_TO)]
    _draw_marks(writer, sheet, lines, "0.4 0.4 0.4 RG 0.5 w [2 2] 0 d")


def _draw_marks(writer: PdfWriter, page: PageObject,
                lines: list[tuple[float, float, float, float]], style: str) -> None:
    """Draw `lines` (x1, y1, x2, y2 in the page's default space) on `page`, a page of
    `writer`, in the graphics `style` given, as artifacts: the tagged structure is
    unchanged."""
    operations = "".join(f"{x1:.3f} {y1:.3f} m {x2:.3f} {y2:.3f} l S\n"
                         for x1, y1, x2, y2 in lines)
    marks = f"/Artifact BMC q {style}\n{operations}Q EMC\n".encode()
    # The page's own drawing first, in its own graphics state (WeasyPrint sets a
    # transformation at the top level), then the marks in the page's default space.
    content = ContentStream(None, writer)
    drawing = page.get_contents()
    content.set_data((b"q\n" + drawing.get_data() + b"\nQ\n" if drawing is not None else b"")
                     + marks)
    page.replace_contents(content)
