"""The key terms for terminology tools: TBX-Basic (ISO 30042) and CSV.

Each entry holds the French term (its plural, its definition from the glossary) and its
approved rendering in one language, with the forbidden renderings as deprecated terms. A
term with a plural is a noun; for the others the part of speech is not known, and not given.

Translate Toolkit's TBX model holds a term and its translation only (no definition, part of
speech or status): the file is written with lxml, to the TBX-Basic structure, and the tests
read it back with Translate Toolkit.
"""

from __future__ import annotations

import csv
import io

from lxml import etree

from .catalogs import TERMINOLOGY, po_path, read_catalog
from .errors import LeafletError
from .project import Project
from .terminology import ApprovedTerm, approved_terms, read_glossary

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PREFERRED, DEPRECATED = "preferredTerm-admn-sts", "deprecatedTerm-admn-sts"
# A cell a spreadsheet would read as a formula starts with one of these: it is prefixed
# with an apostrophe, so that a term can never run as one.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _entries(project: Project, lang: str) -> list[ApprovedTerm]:
    publication = project.publication
    glossary = project.contents.get(publication.source_language, publication.glossary or "")
    if glossary is None:
        raise LeafletError(publication.path, None, "no glossary: the publication names no "
                           "`glossary:` document, so it has no key terms to export")
    path = po_path(publication, lang, TERMINOLOGY)
    catalog = read_catalog(path, lang, publication.root) if path.exists() else None
    return approved_terms(read_glossary(glossary), catalog)


def terms_tbx(project: Project, lang: str) -> bytes:
    """TBX-Basic: one termEntry per key term, a langSet per language."""
    publication = project.publication
    source = publication.source_language
    root = etree.Element("martif", {"type": "TBX-Basic", XML_LANG: source})
    header = etree.SubElement(root, "martifHeader")
    description = etree.SubElement(header, "fileDesc")
    title = etree.SubElement(etree.SubElement(description, "titleStmt"), "title")
    title.text = f"{publication.book.title}: key terms, {source} and {lang}"
    source_description = etree.SubElement(etree.SubElement(description, "sourceDesc"), "p")
    source_description.text = (f"From {publication.glossary}.md (the {publication.source_name} "
                               f"glossary) and locales/{lang}/LC_MESSAGES/terminology.po")
    encoding = etree.SubElement(etree.SubElement(header, "encodingDesc"), "p",
                                {"type": "XCSURI"})
    encoding.text = "TBXBasicXCSV02.xcs"
    body = etree.SubElement(etree.SubElement(root, "text"), "body")
    for number, entry in enumerate(_entries(project, lang), start=1):
        term = entry.term
        element = etree.SubElement(body, "termEntry", {"id": f"term-{number}"})
        french = etree.SubElement(element, "langSet", {XML_LANG: source})
        if term.definition:
            definition = etree.SubElement(french, "descrip", {"type": "definition"})
            definition.text = term.definition
        _tig(french, term.source, "singular" if term.plural else None, PREFERRED)
        if term.plural:
            _tig(french, term.plural, "plural", PREFERRED)
        if entry.singular is None and not entry.forbidden:
            continue
        translated = etree.SubElement(element, "langSet", {XML_LANG: lang})
        if entry.singular is not None:
            _tig(translated, entry.singular, "singular" if entry.plural else None, PREFERRED)
            if entry.plural and entry.plural != entry.singular:
                _tig(translated, entry.plural, "plural", PREFERRED)
        for variant in entry.forbidden:
            _tig(translated, variant, None, DEPRECATED)
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                 pretty_print=True)
    return data


def _tig(parent: etree._Element, text: str, number: str | None, status: str) -> None:
    tig = etree.SubElement(parent, "tig")
    etree.SubElement(tig, "term").text = text
    if number is not None:  # a term with a plural form is a noun
        etree.SubElement(tig, "termNote", {"type": "partOfSpeech"}).text = "noun"
        etree.SubElement(tig, "termNote", {"type": "grammaticalNumber"}).text = number
    etree.SubElement(tig, "termNote", {"type": "administrativeStatus"}).text = status


def terms_csv(project: Project, lang: str) -> bytes:
    """One row per key term, for spreadsheets: UTF-8 with a byte order mark (so that
    spreadsheet programs read the accents), every cell quoted."""
    source = project.publication.source_language
    output = io.StringIO()
    writer = csv.writer(output, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([f"{source} term", f"{source} plural", f"{source} definition",
                     f"{lang} term", f"{lang} plural", f"{lang} forbidden"])
    for entry in _entries(project, lang):
        writer.writerow([_cell(value) for value in (
            entry.term.source, entry.term.plural or "", entry.term.definition,
            entry.singular or "", entry.plural or "", "; ".join(entry.forbidden))])
    return ("\ufeff" + output.getvalue()).encode("utf-8")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value
