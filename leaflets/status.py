"""`build.py status`: every translation's state and every catalog's progress, as a table or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from .catalogs import CatalogCounts, catalog_counts
from .config import Publication
from .files import shown_path
from .translation import MISSING, TranslationStatus, translation_statuses


@dataclass(frozen=True)
class StatusReport:
    publication: Publication
    documents: dict[str, list[TranslationStatus]]  # by target language
    catalogs: dict[str, list[CatalogCounts]]

    def as_json(self) -> str:
        root = self.publication.root
        data = {
            "source_language": self.publication.source_language,
            "languages": {
                lang: {
                    "documents": [
                        {"document": status.slug, "state": status.state,
                         "review": status.review, "file": shown_path(status.path, root),
                         "draft_mark": not status.printable_clean and status.state != MISSING,
                         "problem": status.problem}
                        for status in statuses],
                    "catalogs": [
                        {**{key: value for key, value in asdict(counts).items()
                            if key not in ("path", "lang")},
                         "file": shown_path(counts.path, root)}
                        for counts in self.catalogs[lang]],
                }
                for lang, statuses in self.documents.items()},
        }
        return json.dumps(data, ensure_ascii=False, indent=2)

    def as_table(self) -> list[str]:
        languages = list(self.documents)
        if not languages:
            return ["No translation: the publication has no target language "
                    "(build.py new-language CODE adds one)."]
        slugs = list(dict.fromkeys(status.slug for statuses in self.documents.values()
                                   for status in statuses))
        cells = {(status.lang, status.slug): _cell(status)
                 for statuses in self.documents.values() for status in statuses}
        first = max(len("document"), *(len(slug) for slug in slugs))
        widths = {lang: max(len(lang), *(len(cells.get((lang, slug), "")) for slug in slugs))
                  for lang in languages}
        lines = ["  ".join(["document".ljust(first),
                            *(lang.ljust(widths[lang]) for lang in languages)]).rstrip()]
        for slug in slugs:
            lines.append("  ".join([slug.ljust(first), *(cells.get((lang, slug), "").ljust(
                widths[lang]) for lang in languages)]).rstrip())
        lines.append("")
        for lang, statuses in self.documents.items():
            lines += _summary(lang, statuses)
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
        return lines


def status_report(publication: Publication, languages: tuple[str, ...] = ()) -> StatusReport:
    chosen = [lang for lang in publication.target_languages
              if not languages or lang in languages]
    return StatusReport(publication,
                        {lang: translation_statuses(publication, lang) for lang in chosen},
                        {lang: catalog_counts(publication, lang) for lang in chosen})


def _cell(status: TranslationStatus) -> str:
    if status.state == MISSING:
        return MISSING
    return f"{status.state}, {status.review or 'unreadable'}"


def _summary(lang: str, statuses: list[TranslationStatus]) -> list[str]:
    present = [status for status in statuses if status.state != MISSING]
    clean = sum(status.printable_clean for status in present)
    counts = {state: sum(status.state == state for status in statuses)
              for state in ("up to date", "outdated", "missing", "orphan")}
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
