"""The errors a user or translator can cause, and the findings of quality checks.

Every error carries the file and the 1-based line it is about; the command line prints it as
`path:line: message` and exits with status 2. Anything else escaping is a bug in the pipeline.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .files import shown_path


class LeafletError(Exception):
    """A problem in the project's input, located in a file (and a line when known).

    The one exception a user or translator can cause. Several problems found in one pass
    travel together as one LeafletError (see `problems` and `raise_if_any`): a caller
    catches this type alone, and reports every problem it carries."""

    def __init__(self, path: Path | str | None, line: int | None, message: str) -> None:
        super().__init__(message)
        self.path = Path(path) if path is not None else None
        self.line = line
        self.message = message

    @property
    def problems(self) -> tuple[LeafletError, ...]:
        """Each problem this error reports, one line each: itself, or those it gathers."""
        return (self,)

    def __reduce__(self) -> tuple[object, ...]:
        # Made in a worker process, reported by the main one: pickled with all three fields.
        return self.__class__, (self.path, self.line, self.message)

    def location(self, root: Path | None = None) -> str:
        """Return `path:line` (path relative to `root` when it lies under it)."""
        if self.path is None:
            return ""
        shown = self.path
        if root is not None:
            # The path as the project names it: a link is shown where it is, not where it
            # leads (which may be outside the project, nowhere, or a loop).
            absolute = Path(os.path.abspath(self.path))
            for base in (root, root.resolve()):
                if absolute.is_relative_to(base):
                    shown = absolute.relative_to(base)
                    break
        return f"{shown}:{self.line}" if self.line else str(shown)

    def describe(self, root: Path | None = None) -> str:
        """One line for the user: `path:line: message`, or the message alone if no file."""
        if self.path is None:
            return one_line(self.message)
        return one_line(f"{self.location(root)}: {self.message}")


class ConfigError(LeafletError):
    """The publication file is missing, malformed or holds a bad value."""


class ContentError(LeafletError):
    """A content file (front matter or Markdown) is malformed."""


class CatalogError(LeafletError):
    """A gettext catalog cannot be read or compiled."""


class RenderError(LeafletError):
    """A page cannot be rendered (template error, refused resource, missing font)."""


class SystemLibraryError(LeafletError):
    """A library the system must provide (Pango, for WeasyPrint) is missing."""


class InputErrors(LeafletError):
    """Several problems found in one pass, reported together; it stands where its first
    problem is."""

    def __init__(self, errors: Sequence[LeafletError]) -> None:
        gathered = tuple(problem for error in errors for problem in error.problems)
        first = gathered[0]
        super().__init__(first.path, first.line, first.message)
        self.errors = gathered

    @property
    def problems(self) -> tuple[LeafletError, ...]:
        return self.errors

    def __reduce__(self) -> tuple[object, ...]:
        return self.__class__, (list(self.errors),)


def raise_if_any(errors: Sequence[LeafletError]) -> None:
    """Raise the problems of `errors` as one LeafletError, unless there are none."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputErrors(errors)


@dataclass(frozen=True)
class Finding:
    """One result of a quality check: where, which rule, what is wrong."""

    path: Path
    line: int
    rule: str
    message: str
    severity: str = "error"  # "error" or "warning"

    def describe(self, root: Path | None = None) -> str:
        """One line: `path:line: severity: message`, the path relative to `root`."""
        shown = shown_path(self.path, root) if root is not None else str(self.path)
        return one_line(f"{shown}:{self.line}: {self.severity}: {self.message}")


def one_line(text: str) -> str:
    """`text` on one line: control and format characters quoted from the input are shown
    escaped ("\\r", "\\u202e"), so that each problem stays one line of the report, in the
    order it was written."""
    return "".join(char.encode("unicode_escape").decode("ascii")
                   if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") else char
                   for char in text)


def first_of(names: list[str], shown: int = 10) -> str:
    """`names` for a one-line message: the first `shown`, then how many more (a hospital
    group's publication has hundreds of documents)."""
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f" and {more} more" if more > 0 else "")


def excerpt(text: str, width: int = 60) -> str:
    """`text` cut to `width` characters for a one-line message."""
    return text if len(text) <= width else text[:width - 1] + "…"
