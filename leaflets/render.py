"""Whole pages from documents, Jinja2 templates and the catalogs' labels."""

from __future__ import annotations

import datetime
import gettext
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import jinja2
import segno
from babel import Locale
from babel.dates import format_date
from babel.units import format_unit
from jinja2 import meta
from markupsafe import Markup as SafeHtml
from markupsafe import escape

from .config import Publication
from .errors import RenderError
from .inputs import checked_path, note_read
from .languages import babel_identifier, rules_for
from .markup import Markup
from .typography import apply, keep_last_two_words, typography_for


@dataclass(frozen=True)
class DocumentRecord:
    """What a page says of its document's history: when it was updated, which French version
    it is or follows, the French document's review dates, and its draft mark."""

    updated: datetime.date  # the document's own (a translation's: the translation's)
    version: str | None  # French: its version; a translation: the French version it follows
    last_review: datetime.date | None  # the French document's, printed in every language
    review_due: datetime.date | None
    draft_mark: str | None = None  # "draft" or "outdated": a translation not fit to print clean


@dataclass(frozen=True)
class PageContext:
    """What every page of one language needs besides its own document."""

    publication: Publication
    lang: str
    translations: gettext.NullTranslations


class CompiledTemplates(jinja2.BytecodeCache):
    """The templates as Jinja2 compiled them, kept in memory and shared by the renderers of
    every language in a process: each would compile them again otherwise. Jinja2 compiles
    a template again when its text changed."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


class Renderer:
    """Renders the templates of one language. One instance per language and process;
    `compiled` and `templates_read` (see template_files), shared by them all."""

    def __init__(self, context: PageContext, compiled: CompiledTemplates | None = None,
                 templates_read: dict[str, list[Path]] | None = None) -> None:
        self.context = context
        self.lang = context.lang
        self.environment = jinja2.Environment(
            loader=ProjectTemplateLoader(context.publication),
            extensions=["jinja2.ext.i18n"], autoescape=True, bytecode_cache=compiled,
            undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        # Catalogs come from outside the hospital: a translation is text, never markup. Jinja's
        # new-style _() marks what gettext returns as safe, so it is escaped here first; the
        # placeholders' values are escaped by Markup's own formatting.
        translations = context.translations
        self.environment.install_gettext_callables(  # type: ignore[attr-defined]
            lambda message: escape(translations.gettext(message)),
            lambda singular, plural, count: escape(translations.ngettext(singular, plural,
                                                                         count)),
            newstyle=True)
        self.environment.filters.update(
            typeset=self.typeset, title_text=self.title_text, long_date=self.long_date,
            css_string=css_string,
            page_counter_css=page_counter_css, language_name=self.language_name,
            own_language_name=own_language_name, address=printed_address, phone=printed_phone,
            language_list=lambda codes: language_list(
                codes, self.context.publication.rtl_languages,
                typography_for(self.lang).punctuation.get(",", ",")),
            feedback_link=feedback_link, translate=self.translate, file_size=self.file_size)
        self.templates_read = {} if templates_read is None else templates_read

    def translate(self, text: str) -> SafeHtml:
        """A text of the publication file (the book's title, the department's details) in the
        page's language: looked up in the catalog like a label, but never a format string, so
        that a "%" in it prints as it is."""
        return escape(self.context.translations.gettext(text))

    def typeset(self, text: str) -> SafeHtml:
        """Set a label in the page language's typography (labels are typed plain too)."""
        return escape(self.plain(_text_of(text)))

    def title_text(self, text: str) -> SafeHtml:
        """A title set like a label, its last line never one word alone."""
        return escape(keep_last_two_words(self.plain(_text_of(text))))

    def plain(self, text: str) -> str:
        """`text` in the page language's typography, as plain text (the e-book's metadata,
        a PDF's title): never markup, whatever it holds."""
        return apply(text, typography_for(self.lang))

    def long_date(self, value: datetime.date) -> str:
        """`value` as the page's locale writes it in full ("24 novembre 2026"), the first of
        the month as the language writes it where CLDR does not (French "1er décembre")."""
        written = format_date(value, format="long",
                              locale=self.context.publication.locale(self.lang))
        first = rules_for(self.lang).first_of_month
        if first and value.day == 1 and written.startswith("1 "):
            written = first + written[1:]
        return written

    def language_name(self, code: str) -> str:
        """`code`'s name in the page's language ("anglais" on a French page)."""
        return Locale.parse(babel_identifier(code)).get_language_name(
            babel_identifier(self.lang)) or code

    def page(self, template_name: str, **values: object) -> str:
        """Render `template_name` with the language's common values and `values`."""
        publication = self.context.publication
        try:
            note_read(*self.template_files(template_name))
            return self.environment.get_template(template_name).render(**self._common(),
                                                                       **values)
        except jinja2.TemplateSyntaxError as error:
            raise RenderError(error.filename, error.lineno, f"template: {error.message}") from None
        except jinja2.TemplateError as error:
            path = publication.templates_dir / template_name
            raise RenderError(path, None, f"template: {error}") from None

    def _common(self) -> dict[str, object]:
        """What every template may use."""
        publication = self.context.publication
        return {"lang": self.lang, "direction": publication.direction(self.lang),
                "source_language": publication.source_language, "book": publication.book,
                "department": publication.department}

    def macro_text(self, template_name: str, macro: str, *arguments: object) -> str:
        """What a macro of `template_name` prints, as plain text: the same label in a page
        and in a file that is not HTML (the OPDS feed's names of the files offered)."""
        note_read(*self.template_files(template_name))
        module = self.environment.get_template(template_name).make_module(self._common())
        printed = getattr(module, macro)(*arguments)
        return " ".join(escape(printed).striptags().split())

    def file_size(self, size: int) -> str:
        """A file's size as the page's language writes it ("34 ko", "1,2 Mo"): kilobytes
        under a megabyte, else megabytes to a tenth (decimal units, as browsers show)."""
        locale = self.context.publication.locale(self.lang)
        if size < 1_000_000:
            return format_unit(max(1, round(size / 1000)), "digital-kilobyte", length="short",
                               locale=locale)
        return format_unit(round(size / 1_000_000, 1), "digital-megabyte", length="short",
                           locale=locale, format="#,##0.0")

    def template_files(self, template_name: str) -> list[Path]:
        """The files of `template_name` and of every template it extends, includes or
        imports: what a page made from it reads (Jinja2 keeps templates once loaded, so
        its loader cannot tell each page)."""
        if template_name not in self.templates_read:
            names, pending = {template_name}, [template_name]
            while pending:
                source = self.environment.loader.get_source(  # type: ignore[union-attr]
                    self.environment, pending.pop())[0]
                for name in meta.find_referenced_templates(self.environment.parse(source)):
                    if name is not None and name not in names:
                        names.add(name)
                        pending.append(name)
            templates = self.context.publication.templates_dir
            self.templates_read[template_name] = [templates / name for name in sorted(names)]
        return self.templates_read[template_name]

    def leaflet(self, markup: Markup, record: DocumentRecord,
                languages: tuple[str, ...], for_press: bool = False) -> str:
        """The HTML page of one leaflet, for WeasyPrint; `languages` are those the leaflet
        exists in. `for_press`: the print shop's page, with its slug line and a QR code in
        black ink."""
        online_url = self.online_url(markup.document.slug)
        return self.page("leaflet.html", document=markup.document, body=SafeHtml(markup.html),
                         record=record, slug_line=for_press,
                         qr=qr_code_data_url(online_url, black_ink=for_press),
                         other_languages=[code for code in languages if code != self.lang],
                         online_url=online_url)

    def booklet_note(self) -> str:
        """The HTML page of the printing note laid over a booklet's first sheet."""
        return self.page("booklet_note.html")

    def book(self, chapters: list[BookChapter], modified: datetime.date) -> str:
        """The HTML page of the whole book, every leaflet a chapter, for WeasyPrint."""
        return self.page("book.html", chapters=chapters, modified=modified)

    def chapter(self, markup: Markup, record: DocumentRecord) -> str:
        """The XHTML page of one chapter of the e-book (the glossary's semantics its own)."""
        is_glossary = markup.document.slug == self.context.publication.glossary
        return self.page("chapter.xhtml", document=markup.document, body=SafeHtml(markup.html),
                         record=record, semantics="glossary" if is_glossary else "chapter")

    def online_url(self, slug: str) -> str:
        """The leaflet's page in the web edition, where its QR code leads."""
        return f"{self.context.publication.online_url}{self.lang}/{slug}.html"


class ProjectTemplateLoader(jinja2.FileSystemLoader):
    """The project's templates, each read only when its real path lies inside the project."""

    def __init__(self, publication: Publication) -> None:
        super().__init__(publication.templates_dir)
        self.publication = publication

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        path = self.publication.templates_dir / template
        if path.exists() or path.is_symlink():
            checked_path(path, self.publication.root, RenderError)
        return super().get_source(environment, template)


@dataclass(frozen=True)
class BookChapter:
    """One leaflet in the whole book's PDF."""

    markup: Markup  # rendered with ids prefixed, unique in the book
    anchor: str  # the id of its title
    record: DocumentRecord

    @property
    def body(self) -> SafeHtml:
        return SafeHtml(self.markup.html)

    @property
    def title(self) -> str:
        return self.markup.document.title

    @property
    def draft_mark(self) -> str | None:
        return self.record.draft_mark


def printed_address(url: str) -> SafeHtml:
    """A web address as printed: never hyphenated (a reader would type the hyphen), and
    allowed to break only after a slash, each part between slashes kept whole."""
    parts = [f"<span>{escape(part)}</span>" if part else "" for part in url.split("/")]
    # Left to right in any page: in an Arabic line, its parts would otherwise be laid out
    # right to left (".../ar/algoradiologie/leaflets.example.org//:https").
    return SafeHtml(f'<span class="address" dir="ltr">{"/<wbr/>".join(parts)}</span>')


def printed_phone(number: str) -> SafeHtml:
    """A phone number as printed: never broken across lines, a link that dials it."""
    dialled = re.sub(r"[^\d+]", "", number)
    return SafeHtml(f'<a class="phone" dir="ltr" href="tel:{escape(dialled)}">'
                    f'{escape(number.replace(" ", chr(0xA0)))}</a>')


def feedback_link(address: str) -> SafeHtml:
    """The department's feedback address (e-mail or web) as a printed link."""
    href = address if "://" in address else f"mailto:{address}"
    return SafeHtml(f'<a href="{escape(href)}">{printed_address(address)}</a>')


def qr_code_data_url(address: str, black_ink: bool = False) -> str:
    """A QR code of `address` as an SVG data: URL, quiet zone included; `black_ink`: drawn
    in the press's black (CMYK) rather than the screen's."""
    url = segno.make(address, error="m").svg_data_uri(scale=1, border=4)
    if black_ink:
        # segno knows only screen colours. Its one path is stroked; no fill is set either,
        # which WeasyPrint would otherwise set in RGB.
        screen_black = quote("stroke='#000'", safe="")
        assert url.count(screen_black) == 1, url[:200]
        url = url.replace(screen_black, quote("fill='none' stroke='device-cmyk(0 0 0 1)'",
                                              safe=""))
    return url


def language_list(codes: list[str], rtl_languages: frozenset[str],
                  comma: str = ",") -> SafeHtml:
    """The languages `codes`, each named in its own language and marked as such (its
    `lang` for a screen reader, its direction so that a name in another script keeps its
    letters in order), separated by the page language's `comma`."""
    return SafeHtml(f"{comma} ".join(
        f'<span lang="{escape(code)}" dir="{"rtl" if code in rtl_languages else "ltr"}">'
        f"{escape(own_language_name(code))}</span>" for code in codes))


def own_language_name(code: str) -> str:
    """`code`'s name in its own language, capitalised as a list entry ("Français")."""
    name = Locale.parse(babel_identifier(code)).get_language_name(
        babel_identifier(code)) or code
    return name[:1].upper() + name[1:]


def css_string(text: str) -> str:
    """`text` as a quoted CSS string. Every character that could end the string, the rule or
    the style element (quotes, backslashes, line breaks of any kind, control characters,
    "<" of "</style>") is written as a CSS escape: a translation stays text."""
    plain = _text_of(text)
    escaped = "".join(f"\\{ord(char):x} " if char in CSS_SPECIAL or
                      unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") else char
                      for char in plain)
    return SafeHtml(f'"{escaped}"')


CSS_SPECIAL = frozenset('"\'\\<>&')


def _text_of(value: str) -> str:
    """A label as the text it says: what Jinja marked safe (a catalog's message, escaped by
    the gettext callables) is unescaped first, so that it is escaped once, where it goes."""
    return value.unescape() if isinstance(value, SafeHtml) else str(value)


def page_counter_css(label: str) -> str:
    """CSS `content` from a label holding {page} and {pages}: "Page 2 of 4" made of counters."""
    plain = _text_of(label)
    parts = []
    for piece in re.split(r"(\{page\}|\{pages\})", plain):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            parts.append(css_string(piece))
    return SafeHtml(" ".join(parts))
