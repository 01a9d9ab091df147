"""OPDS 1.2 catalogs (Atom feeds) of the web edition, for e-book readers that subscribe to
a catalog (Thorium, KOReader, Calibre, Apple Books): a navigation feed leading to one
acquisition feed per language, whose entries are the book and the leaflets, each with its
files (media type, size), language, summary, cover and date.

Links inside the site are relative, so that the folder works wherever it is copied; the
ids are the entries' web addresses, which stay the same from one build to the next.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/terms/"
OPDS = "http://opds-spec.org/2010/catalog"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPEN_ACCESS = "http://opds-spec.org/acquisition/open-access"
IMAGE = "http://opds-spec.org/image"
THUMBNAIL = "http://opds-spec.org/image/thumbnail"


@dataclass(frozen=True)
class Link:
    rel: str
    href: str
    media_type: str
    title: str | None = None
    length: int | None = None  # bytes, for a file to download


@dataclass(frozen=True)
class Entry:
    id: str  # an absolute address
    title: str
    updated: datetime.date
    links: tuple[Link, ...]
    lang: str | None = None  # BCP 47
    summary: str | None = None  # plain text
    categories: tuple[tuple[str, str], ...] = ()  # (term, label)


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    updated: datetime.date
    author: str
    links: tuple[Link, ...]
    entries: tuple[Entry, ...]
    lang: str | None = None


def feed_xml(feed: Feed) -> bytes:
    """`feed` as an Atom document with the OPDS and Dublin Core namespaces."""
    root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM, "dc": DC, "opds": OPDS})
    if feed.lang:
        root.set(XML_LANG, feed.lang)
    _text(root, "id", feed.id)
    _text(root, "title", feed.title)
    _text(root, "updated", _timestamp(feed.updated))
    author = etree.SubElement(root, f"{{{ATOM}}}author")
    _text(author, "name", feed.author)
    for link in feed.links:
        _link(root, link)
    for entry in feed.entries:
        element = etree.SubElement(root, f"{{{ATOM}}}entry")
        if entry.lang:
            element.set(XML_LANG, entry.lang)
        _text(element, "title", entry.title)
        _text(element, "id", entry.id)
        _text(element, "updated", _timestamp(entry.updated))
        if entry.lang:
            etree.SubElement(element, f"{{{DC}}}language").text = entry.lang
        for term, label in entry.categories:
            etree.SubElement(element, f"{{{ATOM}}}category", {"term": term, "label": label})
        if entry.summary:
            _text(element, "summary", entry.summary).set("type", "text")
        for link in entry.links:
            _link(element, link)
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                 pretty_print=True)
    return data


def _text(parent: etree._Element, name: str, text: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM}}}{name}")
    element.text = text
    return element


def _link(parent: etree._Element, link: Link) -> None:
    attributes = {"rel": link.rel, "href": link.href, "type": link.media_type}
    if link.title:
        attributes["title"] = link.title
    if link.length is not None:
        attributes["length"] = str(link.length)
    etree.SubElement(parent, f"{{{ATOM}}}link", attributes)


def _timestamp(day: datetime.date) -> str:
    """A date as Atom writes it (RFC 3339): the day, at midnight UTC."""
    return f"{day.isoformat()}T00:00:00Z"
