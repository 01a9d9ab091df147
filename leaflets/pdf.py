"""HTML pages into PDF bytes with WeasyPrint, fetching only the project's own files.

WeasyPrint is imported here and only when a PDF is made: a build with no PDF to make, and
every other command, never pay for the import.
"""

from __future__ import annotations

import base64
import contextlib
import io
import logging
import mimetypes
import re
import shutil
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from .breaks import hold_breaks
from .config import Publication
from .errors import RenderError, SystemLibraryError
from .files import shown_path, temporary_files_in
from .inputs import Reads, note_read, note_reads, recording, stamp

PDF_VARIANT = "pdf/ua-1"
# The print shop's files: PDF/X-4, whose output intent is the press profile print.css names.
PRESS_VARIANT = "pdf/x-4"
PRESS_PROFILE = "--press"
PRESS_CONDITION = "FOGRA39"  # ICC's registered name of that printing condition


@dataclass(frozen=True)
class PdfJob:
    """One HTML page to lay out: its text, where relative URLs start, who may be fetched."""

    html: str
    root: Path  # the project folder
    base_dir: Path  # where the page's relative URLs start, under `root`
    allowed_dirs: tuple[Path, ...]
    source: Path  # the content file, named in errors
    output: Path  # the PDF it makes, named with WeasyPrint's warnings
    # The page's stylesheets, in order, under `root`: parsed once per process (PdfStyles)
    # rather than linked from the page, which would parse them for every PDF.
    stylesheets: tuple[Path, ...] = ()
    for_press: bool = False  # PDF/X-4 for a print shop, rather than tagged PDF/UA-1


def pdf_job(publication: Publication, html: str, lang: str, source: Path, output: Path,
            stylesheets: tuple[str, ...], for_press: bool = False) -> PdfJob:
    """The layout of a page in `lang` made from the content file `source` into `output`,
    styled by `stylesheets` (names under styles/): its links start from the content file's
    folder, only content and styles may be fetched, and its lines and pages break where a
    reader expects (breaks.py)."""
    return PdfJob(html=hold_breaks(html, lang), root=publication.root,
                  base_dir=source.parent, source=source,
                  output=output, allowed_dirs=(publication.content_dir.resolve(),
                                               publication.styles_dir.resolve()),
                  stylesheets=tuple(publication.styles_dir / name for name in stylesheets),
                  for_press=for_press)


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int


def write_pdf(job: PdfJob, styles: PdfStyles | None = None) -> RenderedPdf:
    """Lay out `job.html` and return the tagged PDF with its number of pages: PDF/UA-1, or
    for the press PDF/X-4 with the output intent of the page's `--press` colour profile.
    `styles`: the parsed stylesheets and fonts this process keeps between PDFs.

    Raises RenderError when the page asks for a file outside `job.allowed_dirs` or a file
    that does not exist (a missing font, image or stylesheet).
    """
    try:
        load_weasyprint()
    except OSError as error:  # WeasyPrint loads Pango when imported
        raise SystemLibraryError(
            None, None, f"WeasyPrint cannot load a system library ({error}): install Pango "
            "with `sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0`, or run `make`"
        ) from None
    from weasyprint import CSS, HTML
    from weasyprint.css.counters import CounterStyle

    fetcher = _project_fetcher(job.root.resolve(), job.allowed_dirs)
    warnings = _WarningCollector()
    try:
        with _collecting(warnings):
            base_url = f"file://{VIRTUAL_ROOT}/{job.base_dir.relative_to(job.root).as_posix()}/"
            page, rules = _own_rules(job.html)
            html = HTML(string=page, base_url=base_url, url_fetcher=fetcher)
            kept = (styles or PdfStyles()).parsed(job, fetcher)
            warnings.said.update(dict.fromkeys(kept.warnings))
            if job.for_press:
                options: dict[str, Any] = {"pdf_variant": PRESS_VARIANT, "pdf_tags": True,
                                           "output_intent": PRESS_PROFILE}
                finisher = _press_finisher(job)
            else:
                options, finisher = {"pdf_variant": PDF_VARIANT}, None
            # The page's own rules come last, as they did in its <head>. Like the kept sheets,
            # they are user stylesheets for WeasyPrint: the cascade between them is unchanged.
            # What they add (counter styles, colour profiles, layers) goes to copies. A colour
            # profile is read again: writing a PDF changes it.
            counter_styles = CounterStyle(kept.counter_styles)
            profiles = {name: _read_again(profile, fetcher)
                        for name, profile in kept.profiles.items()}
            own = CSS(string=rules, base_url=base_url, url_fetcher=fetcher,
                      font_config=kept.fonts, counter_style=counter_styles,
                      color_profiles=profiles, layers=list(kept.layers))
            document = html.render(font_config=kept.fonts, stylesheets=[*kept.sheets, own],
                                   counter_style=counter_styles, color_profiles=profiles,
                                   **options)
            return RenderedPdf(document.write_pdf(finisher=finisher, **options),
                               len(document.pages))
    except _RefusedResource as refused:
        raise RenderError(job.source, None, str(refused)) from None
    finally:
        for message in warnings.messages:
            logging.getLogger("leaflets").warning("%s: WeasyPrint: %s", shown_path(
                job.output, job.root), message)


def load_weasyprint() -> None:
    """Import WeasyPrint, which loads Pango and the libraries it draws text with. Raises
    OSError when one cannot be loaded.

    WeasyPrint asks for each library under the names it has on every platform, in turn,
    and cffi passes each name the system's loader does not know to ctypes.util.find_library,
    which on Linux runs ldconfig, gcc and ld: about 50 processes at every import
    (WeasyPrint's issue 1125), which took 0.50 to 0.63 s here, 0.27 to 0.39 s without.
    Each of those libraries is also asked for by its Linux file name (libpango-1.0.so.0,
    ...), which the loader finds: on Linux that search is left out, and made only if the
    import fails without it.
    """
    if "weasyprint" not in sys.modules:  # every PDF asks: the search is not left out again
        _import_weasyprint()
    _unsized_subset_arrays()


def _import_weasyprint() -> None:
    if sys.platform.startswith("linux"):
        # The failed import's message to stdout is WeasyPrint's, said again below if due.
        with contextlib.suppress(OSError), _without_library_search(), \
                contextlib.redirect_stdout(io.StringIO()):
            import weasyprint
            return
    import weasyprint  # noqa: F401


SIZED_ARRAY = re.compile(r"(\w+)\[(\d+)\]")


class _UnsizedArrays:
    """cffi as WeasyPrint's font subsetting asks it for arrays, each time of its values'
    count (`hb_codepoint_t[78]`, then `[1481]`...): cffi parses each new count's
    declaration again with pycparser, 3 ms each, and each PDF's fonts have counts of their
    own. Asked for `T[N]` with N values, this asks for `T[]` with them, which cffi parsed
    once: the same array."""

    def __init__(self, ffi: Any) -> None:
        self.ffi = ffi

    def new(self, cdecl: str, init: Any = None) -> Any:
        sized = SIZED_ARRAY.fullmatch(cdecl)
        if sized is not None and isinstance(init, list | tuple) and \
                len(init) == int(sized[2]):
            cdecl = f"{sized[1]}[]"
        return self.ffi.new(cdecl, init)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ffi, name)


def _unsized_subset_arrays() -> None:
    """Give WeasyPrint's font subsetting _UnsizedArrays (once a process)."""
    fonts = sys.modules.get("weasyprint.pdf.fonts")
    ffi = getattr(fonts, "ffi", None)
    if ffi is not None and not isinstance(ffi, _UnsizedArrays):
        fonts.ffi = _UnsizedArrays(ffi)  # type: ignore[union-attr]


@contextmanager
def _without_library_search() -> Iterator[None]:
    """ctypes.util.find_library finds nothing while the block runs (no thread of the
    pipeline looks for a library meanwhile)."""
    import ctypes.util

    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = search


@dataclass
class _Parsed:
    """A page's stylesheets as WeasyPrint parsed them, with what parsing read and warned."""

    sheets: list[Any]  # weasyprint.CSS
    fonts: Any  # the weasyprint.text.fonts.FontConfiguration their @font-face rules filled
    folder: Path  # where WeasyPrint copied those fonts
    counter_styles: Any  # their @counter-style rules (weasyprint.css.counters.CounterStyle)
    profiles: dict[str, Any]  # their @color-profile rules
    layers: list[str]  # their cascade layers, in order
    reads: Reads
    warnings: tuple[str, ...]
    stamp: tuple[object, ...]

    def is_current(self) -> bool:
        return self.folder.is_dir() and self.stamp == stamp(self.reads)


class PdfStyles:
    """The stylesheets of the PDFs one process lays out, each set parsed once with the
    fonts it declares: WeasyPrint would otherwise do both for every PDF, a quarter of its
    time on a leaflet. Every PDF made with them records what parsing read (stylesheets,
    fonts) and says what it warned, as if it had parsed them itself.

    A set is parsed again, its fonts too, when one of those files changed, or when the
    folder where WeasyPrint copied the fonts is gone: a process kept between builds
    (`watch`) outlives each build's temporary folders."""

    def __init__(self) -> None:
        self.kept: dict[tuple[Path, tuple[Path, ...], tuple[Path, ...]], _Parsed] = {}

    def parsed(self, job: PdfJob, fetcher: Any) -> _Parsed:
        from weasyprint import CSS
        from weasyprint.css.counters import CounterStyle
        from weasyprint.text.fonts import FontConfiguration

        key = (job.root, job.allowed_dirs, job.stylesheets)
        kept = self.kept.get(key)
        if kept is None or not kept.is_current():
            if kept is not None:
                shutil.rmtree(kept.folder, ignore_errors=True)
            folder = Path(tempfile.mkdtemp(prefix="fonts-"))
            fonts, counter_styles = FontConfiguration(), CounterStyle()
            profiles: dict[str, Any] = {}
            layers: list[str] = []
            warnings = _WarningCollector()
            with recording() as reads, _collecting(warnings), temporary_files_in(folder):
                sheets = [CSS(url=_virtual_url(path, job.root), url_fetcher=fetcher,
                              font_config=fonts, counter_style=counter_styles,
                              color_profiles=profiles, layers=layers)
                          for path in job.stylesheets]
            kept = _Parsed(sheets, fonts, folder, counter_styles, profiles, layers, reads,
                           tuple(warnings.messages), stamp(reads))
            self.kept[key] = kept
        note_reads(kept.reads)
        return kept


@contextmanager
def _collecting(warnings: _WarningCollector) -> Iterator[None]:
    weasy_logger = logging.getLogger("weasyprint")
    weasy_logger.addHandler(warnings)
    try:
        yield
    finally:
        weasy_logger.removeHandler(warnings)


# The templates' <style> elements in a page's <head>: the content cannot bring one (the
# cleaning of raw HTML drops them), and the page's text never holds "</head>" unescaped.
_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def _own_rules(html: str) -> tuple[str, str]:
    """The page without the <style> elements of its head, and their rules."""
    head, end, body = html.partition("</head>")
    rules = "\n".join(_STYLE.findall(head))
    return _STYLE.sub("", head) + end + body, rules


def _read_again(profile: Any, fetcher: Any) -> Any:
    """A new copy of a parsed @color-profile (weasyprint.css.ColorProfile)."""
    from weasyprint.css import ColorProfile
    from weasyprint.urls import fetch

    with fetch(fetcher, profile.src) as response:
        return ColorProfile(response, profile.src, profile.rendering_intent, profile.components)


def _virtual_url(path: Path, root: Path) -> str:
    return f"file://{VIRTUAL_ROOT}/{path.relative_to(root).as_posix()}"


def _press_finisher(job: PdfJob) -> Any:
    """What WeasyPrint leaves to do in a PDF/X-4 file before it is written."""
    import pydyf

    def finish(document: Any, pdf: Any) -> None:
        intents = pdf.catalog.get("OutputIntents")
        if not intents:
            raise RenderError(job.source, None, "the print profile's stylesheet names no "
                              f"{PRESS_PROFILE} colour profile: the PDF/X file would have "
                              "no output intent")
        # Preflight tools identify the condition by its registered name.
        intents[0]["OutputConditionIdentifier"] = pydyf.String(PRESS_CONDITION)
        intents[0]["OutputCondition"] = intents[0]["Info"]
        intents[0]["RegistryName"] = pydyf.String("http://www.color.org")
        # WeasyPrint gives the XMP a random document ID, so that the same sources would
        # never give the same bytes; the file's own name identifies it as well.
        number = int(pdf.catalog["Metadata"].split()[0])
        metadata = pdf.objects[number]
        name = shown_path(job.output, job.root)
        identifier = f"xmp.did:{uuid.uuid5(uuid.NAMESPACE_URL, f'leaflets:{name}')}"
        metadata.stream = [re.sub(rb"xmp\.did:[0-9a-f-]+", identifier.encode(), part)
                           for part in metadata.stream]

    return finish


class _RefusedResource(BaseException):
    """Stops WeasyPrint at the first resource the page must not have."""


# The project's files are addressed from this fixed root, whatever folder the project is in:
# WeasyPrint names images after their URL, and the same sources must give the same bytes.
VIRTUAL_ROOT = "/project"


def _project_fetcher(root: Path, allowed_dirs: tuple[Path, ...]) -> Any:
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class ProjectFetcher(URLFetcher):
        """Serves files under the allowed folders; refuses everything else, network included."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"file"}, allow_redirects=False)

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
            if url.startswith(SVG_DATA):
                return URLFetcherResponse(url, body=_data_url_bytes(url),
                                          headers={"Content-Type": "image/svg+xml"})
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                raise Refused(f"refused resource {url}: only the project's own files are used")
            virtual = unquote(parts.path)
            if not virtual.startswith(f"{VIRTUAL_ROOT}/"):
                raise Refused(f"refused resource {url}: it lies outside the project's "
                              "content, styles and fonts")
            path = (root / virtual[len(VIRTUAL_ROOT) + 1:]).resolve()
            if not any(path.is_relative_to(folder) for folder in allowed_dirs):
                raise Refused(f"refused resource {path}: it lies outside the project's "
                              "content, styles and fonts")
            if not path.is_file():
                raise Refused(f"missing file {path}")
            note_read(path)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(),
                                      headers={"Content-Type": content_type})

    class Refused(_RefusedResource, FatalURLFetchingError):
        pass

    return ProjectFetcher()


# The QR codes the templates draw. Content cannot bring data: URLs (markup refuses them in
# images, and the cleaning of raw HTML drops them), so these are the pipeline's own.
SVG_DATA = "data:image/svg+xml"


def _data_url_bytes(url: str) -> bytes:
    header, _, payload = url.partition(",")
    return base64.b64decode(payload) if header.endswith(";base64") else unquote_to_bytes(payload)


# WeasyPrint warns once per character no font has: thousands of lines when a font is
# missing. They are reported as one line per output.
_MISSING_GLYPH = re.compile(r"\.notdef glyph rendered for Unicode string unsupported by "
                            r"fonts: (?P<text>.*)$", re.DOTALL)


class _WarningCollector(logging.Handler):
    """WeasyPrint's warnings for one output, each said once."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.said: dict[str, None] = {}
        self.missing_glyphs: dict[str, None] = {}

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        missing = _MISSING_GLYPH.match(message)
        if missing:
            self.missing_glyphs[missing["text"]] = None
        else:
            self.said[message] = None

    @property
    def messages(self) -> list[str]:
        messages = list(self.said)
        if self.missing_glyphs:
            shown = ", ".join(list(self.missing_glyphs)[:8])
            more = len(self.missing_glyphs) - 8
            messages.append(f"{len(self.missing_glyphs)} character(s) no font has, printed "
                            f"as empty boxes: {shown}" + (f" and {more} more" if more > 0
                                                          else ""))
        return messages
