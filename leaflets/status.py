"""`build.py status`: every translation's state, every catalog's progress and the reviews
falling due, as a table or JSON."""

from __future__ import annotations

import datetime
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from .catalogs import CatalogCounts, catalog_counts
from .config import Publication
from .content import front_matter_line, read_document
from .errors import LeafletError
from .files import shown_path
from .translation import MISSING, TranslationStatus, WorkLeft, translation_statuses, work_left

REVIEW_NOTICE_DAYS = 30  # reviews due this soon are listed


@dataclass(frozen=True)
class ReviewDue:
    """A French document whose review is due soon, or overdue."""

    slug: str
    path: Path
    line: int  # of its review_due
    due: datetime.date
    days_left: int  # negative: overdue


@dataclass(frozen=True)
class StatusReport:
    publication: Publication
    documents: dict[str, list[TranslationStatus]]  # by target language
    catalogs: dict[str, list[CatalogCounts]]
    versions: dict[str, str | None]  # each French document's version
    reviews: list[ReviewDue]
    work: dict[tuple[str, str], WorkLeft | None]  # by (language, document)
    # What `check` finds in each translation; None when the project does not load.
    findings: dict[tuple[str, str], int] | None

    def words_left(self, lang: str) -> int:
        return sum(work.words for (code, _), work in self.work.items()
                   if code == lang and work is not None)

    def as_json(self) -> str:
        root = self.publication.root
        data = {
            "source_language": self.publication.source_language,
            "languages": {
                lang: {
                    "documents": [
                        {"document": status.slug, "state": status.state,
                         "review": status.review, "file": shown_path(status.path, root),
                         "version": status.source_version, "follows": status.follows,
                         "draft_mark": not status.printable_clean and status.state != MISSING,
                         "problem": status.problem, "translator": status.translator,
                         "reviewer": status.reviewer,
                         **self._work_fields(lang, status.slug)}
                        for status in statuses],
                    "words_to_translate": self.words_left(lang),
                    "catalogs": [
                        {**{key: value for key, value in asdict(counts).items()
                            if key not in ("path", "lang")},
                         "file": shown_path(counts.path, root)}
                        for counts in self.catalogs[lang]],
                }
                for lang, statuses in self.documents.items()},
            "reviews_due": [{"document": review.slug, "file": shown_path(review.path, root),
                             "review_due": review.due.isoformat(),
                             "days_left": review.days_left} for review in self.reviews],
        }
        return json.dumps(data, ensure_ascii=False, indent=2)

    def _work_fields(self, lang: str, slug: str) -> dict[str, int | None]:
        work = self.work.get((lang, slug))
        return {"changed_blocks": work.changed if work else None,
                "new_blocks": work.new if work else None,
                "words_to_translate": work.words if work else None,
                "findings": None if self.findings is None else self.findings.get((lang, slug),
                                                                                 0)}

    def as_table(self) -> list[str]:
        languages = list(self.documents)
        reviews = self._reviews_table()
        if not languages:
            return ["No translation: the publication has no target language "
                    "(build.py new-language CODE adds one).", *reviews]
        source = self.publication.source_language
        slugs = list(dict.fromkeys(status.slug for statuses in self.documents.values()
                                   for status in statuses))
        cells = {(status.lang, status.slug): _cell(status)
                 for statuses in self.documents.values() for status in statuses}
        cells.update({(source, slug): version or "" for slug, version in self.versions.items()})
        columns = [source, *languages]
        first = max(len("document"), *(len(slug) for slug in slugs))
        widths = {lang: max(len(lang), *(len(cells.get((lang, slug), "")) for slug in slugs))
                  for lang in columns}
        lines = ["  ".join(["document".ljust(first),
                            *(lang.ljust(widths[lang]) for lang in columns)]).rstrip()]
        for slug in slugs:
            lines.append("  ".join([slug.ljust(first), *(cells.get((lang, slug), "").ljust(
                widths[lang]) for lang in columns)]).rstrip())
        name = self.publication.source_name
        lines.append(f"({source}: the {name} version of each document; each translation: "
                     f"its state, the {name} version it follows, its review)")
        lines.append("")
        for lang, statuses in self.documents.items():
            lines += _summary(lang, statuses)
            lines += self._work_lines(lang, statuses)
        problems = [status for statuses in self.documents.values() for status in statuses
                    if status.problem]
        for status in problems:
            lines.append(f"  {shown_path(status.path, self.publication.root)}: {status.problem}")
        lines.append("")
        lines.append("catalog" + " " * 40 + "translated  fuzzy  untranslated")
        for lang in languages:
            for counts in self.catalogs[lang]:
                name = shown_path(counts.path, self.publication.root)
                if not counts.exists:
                    name += " (missing)"
                lines.append(f"{name:<47}{counts.translated:>10}{counts.fuzzy:>7}"
                             f"{counts.untranslated:>14}")
        return lines + reviews

    def _work_lines(self, lang: str, statuses: list[TranslationStatus]) -> list[str]:
        """What is left to do in `lang`, document by document, with `check`'s findings and
        who translated and reviewed."""
        lines = []
        for status in statuses:
            work = self.work.get((lang, status.slug))
            parts = []
            if work is not None and (work.changed or work.new):
                parts.append(f"{work.changed} block(s) changed, {work.new} new: {work.words} "
                             f"{self.publication.source_name} words to translate or review")
            found = self.findings.get((lang, status.slug), 0) if self.findings else 0
            if found:
                parts.append(f"{found} `check` finding(s)")
            people = [f"{role} {name}" for role, name in (("translated by", status.translator),
                                                          ("reviewed by", status.reviewer))
                      if name]
            if parts or people:
                lines.append(f"    {status.slug}: {'; '.join(parts + people)}")
        if any(work is not None for (code, _), work in self.work.items() if code == lang):
            lines.append(f"    words to translate or review in {lang}: "
                         f"{self.words_left(lang)}")
        return lines

    def _reviews_table(self) -> list[str]:
        if not self.reviews:
            return []
        lines = ["", f"reviews due within {REVIEW_NOTICE_DAYS} days, or overdue:"]
        for review in self.reviews:
            when = (f"overdue since {review.due}" if review.days_left < 0 else
                    f"due on {review.due} (in {review.days_left} day"
                    f"{'s' if review.days_left != 1 else ''})")
            lines.append(f"  {shown_path(review.path, self.publication.root)}:{review.line}: "
                         f"review {when}")
        return lines


def status_report(publication: Publication, languages: tuple[str, ...] = (),
                  today: datetime.date | None = None) -> StatusReport:
    chosen = [lang for lang in publication.target_languages
              if not languages or lang in languages]
    versions: dict[str, str | None] = {}
    reviews = []
    for slug in publication.documents:
        path = publication.content_dir / publication.source_language / f"{slug}.md"
        try:  # status shows what it can read; `check` reports the rest
            source = read_document(path, publication.source_language, False,
                                   root=publication.root)
        except (LeafletError, OSError):
            versions[slug] = None
            continue
        versions[slug] = source.version
        if today is not None and source.review_due is not None:
            days_left = (source.review_due - today).days
            if days_left <= REVIEW_NOTICE_DAYS:
                line = front_matter_line(path.read_text(encoding="utf-8"), "review_due")
                reviews.append(ReviewDue(slug, path, line, source.review_due, days_left))
    from .project import acceptance_findings, load_project

    try:  # the whole project, for `check`'s findings (and the states it has read)
        project = load_project(publication.root)
    except LeafletError:  # a broken file: status still shows what it can read
        project = None
    if project is not None:
        statuses = {lang: [status for (code, _), status in project.statuses.items()
                           if code == lang] for lang in chosen}
        findings: dict[tuple[str, str], int] | None = {
            (lang, slug): len(acceptance_findings(project, lang, slug))
            for lang in chosen for slug in project.slugs_in(lang)}
    else:
        statuses = {lang: translation_statuses(publication, lang) for lang in chosen}
        findings = None
    work = {(lang, status.slug): work_left(publication, lang, status.slug)
            for lang in chosen for status in statuses[lang] if status.slug in versions}
    return StatusReport(publication, statuses,
                        {lang: catalog_counts(publication, lang) for lang in chosen},
                        versions, sorted(reviews, key=lambda review: review.due), work,
                        findings)


def _cell(status: TranslationStatus) -> str:
    if status.state == MISSING:
        return MISSING
    follows = f", follows {status.follows}" if status.follows else ""
    return f"{status.state}{follows}, {status.review or 'unreadable'}"


def _summary(lang: str, statuses: list[TranslationStatus]) -> list[str]:
    present = [status for status in statuses if status.state != MISSING]
    clean = sum(status.printable_clean for status in present)
    counts = {state: sum(status.state == state for status in statuses)
              for state in ("up to date", "outdated", "not accepted", "missing", "orphan")}
    parts = [f"{count} {state}" for state, count in counts.items() if count]
    lines = [f"{lang}: {len(present)} of {len(statuses)} documents translated: "
             f"{', '.join(parts)}"]
    if clean < len(present):
        lines.append(f"    {len(present) - clean} print with a draft mark (draft or outdated), "
                     f"{clean} print clean")
    elif present:
        lines.append("    all print clean")
    if counts["missing"]:
        lines.append("    its leaflets and e-book leave out the missing ones")
    return lines
