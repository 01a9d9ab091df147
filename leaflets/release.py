"""The release gate: everything that makes the publication unfit to hand to patients.

`build.py check --release` lists it; `build.py --release` builds only the outputs that no
blocker touches and removes the others from dist/. A blocker is a finding with the outputs it
keeps from patients: all of them (a placeholder address, the department's details), one
language's (its catalogs), or one document's, in one language or in all (a French document
whose review is overdue holds back its translations too, and every book that holds it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from .catalogs import (
    DOMAIN,
    TERMINOLOGY,
    expected_messages,
    message_text,
    po_path,
    read_catalog,
    template_path,
)
from .config import Publication
from .content import front_matter_line
from .errors import Finding, excerpt
from .project import Project
from .translation import NOT_ACCEPTED, OUTDATED, UP_TO_DATE

# Addresses reserved for examples and tests (RFC 2606, RFC 6761): never a real reader's.
PLACEHOLDER_HOST = re.compile(r"(?:^|\.)(?:example\.(?:org|com|net)|localhost|"
                              r"[^.]+\.(?:test|invalid|example|localhost))\.?$|^localhost$|"
                              r"^127\.|^\[?::1\]?$", re.IGNORECASE)
DEPARTMENT_DETAILS = ("name", "phone", "hours", "urgent", "before", "after", "feedback")


@dataclass(frozen=True)
class Blocker:
    """One reason that keeps outputs from patients, and which outputs it keeps."""

    finding: Finding
    lang: str | None = None  # None: every language
    slug: str | None = None  # None: every document (and book) of `lang`

    def blocks(self, lang: str, slugs: tuple[str, ...]) -> bool:
        """Whether it keeps from patients an output of `lang` made of the documents `slugs`
        (one for a leaflet, all of the language's for a book)."""
        return (self.lang in (None, lang)) and (self.slug is None or self.slug in slugs)


def is_placeholder_address(address: str) -> bool:
    """An address on a host reserved for examples (example.org, .test, localhost...)."""
    host = address.rsplit("@", 1)[1] if "@" in address and "://" not in address \
        else urlsplit(address).hostname or ""
    return bool(PLACEHOLDER_HOST.search(host))


def placeholder_findings(publication: Publication) -> list[Finding]:
    """The online address and the department's details, when they are missing or still the
    repository's sample values."""
    path = publication.path
    findings = []
    if is_placeholder_address(publication.online_url):
        findings.append(Finding(path, publication.key_line("online_url"), "placeholder",
                                f"online_url: '{publication.online_url}' is a placeholder: set "
                                "the address where the leaflets are offered (every QR code and "
                                "printed address leads there)"))
    department = publication.department
    if department is None:
        findings.append(Finding(path, 1, "placeholder", "department: missing: add the "
                                "department's name, phone, hours, urgent, before, after and "
                                "feedback, printed on every leaflet"))
        return findings
    if department.sample:
        findings.append(Finding(path, publication.key_line("department.sample"), "placeholder",
                                "department: these are sample values (sample: true): enter "
                                "the department's own details, then remove `sample: true`"))
    for key in DEPARTMENT_DETAILS:
        if not getattr(department, key):
            findings.append(Finding(path, publication.key_line("department"), "placeholder",
                                    f"department.{key}: missing"))
    digits = re.sub(r"\D", "", department.phone)
    if department.phone and set(digits) <= {"0"}:
        findings.append(Finding(path, publication.key_line("department.phone"), "placeholder",
                                f"department.phone: '{department.phone}' is not a real number"))
    if department.feedback and is_placeholder_address(department.feedback):
        findings.append(Finding(path, publication.key_line("department.feedback"),
                                "placeholder", f"department.feedback: '{department.feedback}' "
                                "is a placeholder address"))
    return findings


def release_blockers(project: Project, findings: list[Finding],
                     pages: dict[tuple[str, str], tuple[Path, int]] | None = None
                     ) -> list[Blocker]:
    """Everything that keeps outputs from patients: the placeholders, `findings` (what
    `check` reports, warnings included), translations in draft or out of date, catalogs not
    fully translated, French documents changed since their last review and, when `pages`
    gives each leaflet's A5 pages, page budgets exceeded.
    Every finding here is an error: the gate lets nothing through."""
    publication = project.publication
    blockers = [Blocker(finding) for finding in placeholder_findings(publication)]
    blockers += [_scoped(project, finding) for finding in findings]
    for lang in publication.target_languages:
        blockers += [Blocker(finding, lang) for finding in _catalog_findings(publication, lang)]
        for slug in publication.documents:
            status = project.statuses.get((lang, slug))
            if status is not None and status.state in (UP_TO_DATE, OUTDATED, NOT_ACCEPTED):
                blockers += [Blocker(finding, lang, slug)
                             for finding in _translation_findings(
                                 publication, status.path, lang, slug, status.state,
                                 status.review)]
    for source in project.contents.documents(publication.source_language):
        if source.last_review is not None and source.updated > source.last_review:
            line = front_matter_line(source.path.read_text(encoding="utf-8"), "last_review")
            blockers.append(Blocker(Finding(
                source.path, line, "review", f"updated on {source.updated}, after its last "
                f"review ({source.last_review}): have the changes reviewed, then set "
                "last_review"), None, source.slug))
    for (lang, slug), (output, count) in sorted((pages or {}).items()):
        document = project.contents.get(lang, slug)
        if document is not None and document.pages is not None and count > document.pages:
            line = front_matter_line(document.path.read_text(encoding="utf-8"), "pages")
            blockers.append(Blocker(Finding(
                document.path, line, "pages", f"{output.relative_to(publication.root)} has "
                f"{count} A5 pages, over its budget of {document.pages}"), lang, slug))
    return [replace(blocker, finding=replace(blocker.finding, severity="error"))
            for blocker in blockers]


def _scoped(project: Project, finding: Finding) -> Blocker:
    """A finding of `check` with the outputs it touches, from the file it is about."""
    publication = project.publication
    try:
        parts = finding.path.resolve().relative_to(publication.root.resolve()).parts
    except ValueError:
        return Blocker(finding)
    if len(parts) == 3 and parts[0] == "content" and parts[2].endswith(".md"):
        lang, slug = parts[1], parts[2].removesuffix(".md")
        # A French document's problem is every translation's too.
        return Blocker(finding, None if lang == publication.source_language else lang, slug)
    if parts[:1] == ("locales",) and len(parts) > 1:
        return Blocker(finding, parts[1])
    return Blocker(finding)


def _translation_findings(publication: Publication, path: Path, lang: str, slug: str,
                          state: str, review: str | None) -> list[Finding]:
    text = path.read_text(encoding="utf-8")
    findings = []
    if state == OUTDATED:
        findings.append(Finding(path, front_matter_line(text, "follows"), "outdated",
                                f"the {publication.source_name} changed since this "
                                "translation was accepted: "
                                f"update it (`build.py diff {lang}/{slug}`), then accept it"))
    elif state == NOT_ACCEPTED:
        findings.append(Finding(path, 1, "outdated", "never accepted: check it against the "
                                f"{publication.source_name}, then `build.py accept "
                                f"{lang}/{slug}`"))
    if review != "reviewed":
        findings.append(Finding(path, front_matter_line(text, "review"), "draft",
                                "review: draft: a reviewer (not its translator) checks the "
                                "translation, then runs `build.py accept --reviewed --reviewer "
                                f"NAME {lang}/{slug}`"))
    return findings


def _catalog_findings(publication: Publication, lang: str) -> list[Finding]:
    """Each entry of `lang`'s catalogs that is not translated, or only fuzzily."""
    findings = []
    for domain in (DOMAIN, TERMINOLOGY):
        path = po_path(publication, lang, domain)
        if not path.exists():
            if template_path(publication, domain).exists():
                findings.append(Finding(path, 1, "catalog", "catalog missing: "
                                        "`build.py catalogs` creates it"))
            continue
        catalog = read_catalog(path, lang, publication.root)
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy or not all(strings):
                state = "fuzzy (to check)" if message.fuzzy else "not translated"
                findings.append(Finding(path, message.lineno or 1, "catalog",
                                        f"'{excerpt(message_text(message.id), 50)}' is {state}"))
        findings += [Finding(path, 1, "catalog", f"'{excerpt(message_text(message_id), 50)}' "
                             "is missing: `build.py catalogs` adds it")
                     for message_id in expected_messages(publication, domain)
                     if catalog.get(message_id) is None]
    return findings
