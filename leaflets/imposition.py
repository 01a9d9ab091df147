"""Booklet imposition with pypdf: A5 pages two-up on A4 landscape, in saddle-stitch order.

Printed double-sided (flip on the short edge), stacked and folded, the sheets read 1, 2, 3...
"""

from __future__ import annotations

import io

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import NameObject, TextStringObject

A4_LANDSCAPE = (841.89, 595.28)  # points


def saddle_stitch_order(pages: int) -> list[tuple[int | None, int | None]]:
    """The (left, right) page numbers of each sheet side, front then back, sheet by sheet;
    None is a blank page added to reach a multiple of 4."""
    total = -(-pages // 4) * 4
    sides = []
    for sheet in range(total // 4):
        low, high = 2 * sheet + 1, total - 2 * sheet
        sides.append((high, low))  # front: last page on the left, first on the right
        sides.append((low + 1, high - 1))  # back
    return [tuple(number if number <= pages else None for number in side) for side in sides]


def impose_booklet(pdf: bytes, lang: str, title: str) -> tuple[bytes, int]:
    """The booklet PDF of an A5 PDF, and the A5 PDF's number of pages."""
    reader = PdfReader(io.BytesIO(pdf))
    width, height = A4_LANDSCAPE
    writer = PdfWriter()
    for left, right in saddle_stitch_order(len(reader.pages)):
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
        writer.add_page(sheet)
    writer.add_metadata({"/Title": title, "/Producer": "leaflets (pypdf imposition)"})
    writer.root_object[NameObject("/Lang")] = TextStringObject(lang)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue(), len(reader.pages)
