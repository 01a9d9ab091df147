"""What is already built, kept in dist/.build-state.sqlite: for each output its key, the
hash of its file, its page count and the inputs its making read; for each set of options,
its outputs and the fingerprint of the input when they were all made.

The record is read whole when a build starts, and each output made is written as one row
of its own, committed at once: the cost of recording an output is the same at 10 outputs
and at 5,000, and a build killed at any point (SIGKILL included) leaves a record that
describes only outputs already whole on disk. SQLite's write-ahead log keeps it consistent
through a kill; the worst a power cut can do is lose the last rows, which remakes those
outputs. A record that is damaged, or of another version, is set aside and rebuilt.
"""

from __future__ import annotations

import errno
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

STATE_FILE = ".build-state.sqlite"
SCHEMA_VERSION = 3
# The JSON record of earlier versions: removed when the new one is first written.
EARLIER_STATE_FILES = (".build-state.json",)

SCHEMA = """
CREATE TABLE outputs (name TEXT PRIMARY KEY, key TEXT NOT NULL, sha256 TEXT NOT NULL,
                      pages INTEGER, reads TEXT NOT NULL);
CREATE TABLE plans (options TEXT PRIMARY KEY, fingerprint TEXT NOT NULL,
                    outputs TEXT NOT NULL, libraries TEXT NOT NULL);
CREATE TABLE libraries (kind TEXT PRIMARY KEY, code TEXT NOT NULL, versions TEXT NOT NULL);
"""


@dataclass(frozen=True)
class OutputRecord:
    """One output as it was made: from which key, with which bytes, reading what."""

    key: str
    sha256: str
    pages: int | None  # a PDF's, which the page budgets and the release gate read
    reads: tuple[str, ...]  # the inputs its making read (see keys.read_entries)


@dataclass(frozen=True)
class PlanRecord:
    """The outputs one set of options made, all current when the input had `fingerprint`;
    `libraries` are the distributions (name: version) their making used."""

    fingerprint: str
    outputs: tuple[str, ...]
    libraries: dict[str, str]


class BuildState:
    """The record of one dist/ folder, held in memory, each change written through.

    Nothing is created on disk until something is recorded: a build that stops on bad input
    leaves no record behind."""

    def __init__(self, dist: Path, outputs: dict[str, OutputRecord],
                 plans: dict[str, PlanRecord],
                 libraries: dict[str, tuple[str, dict[str, str]]] | None = None) -> None:
        self.dist = dist
        self.outputs = outputs
        self.plans = plans
        # For each kind of output, the distributions its making imports (name: version),
        # found for the pipeline's code of that hash: finding them again takes a tenth of
        # a second, checking their versions a hundredth.
        self.libraries = libraries or {}
        self._connection: sqlite3.Connection | None = None

    @property
    def path(self) -> Path:
        return self.dist / STATE_FILE

    def record(self, name: str, record: OutputRecord) -> None:
        """Record output `name`, whose file is already whole on disk. The plans that list it
        no longer hold: it was made from another input than theirs (a build of one
        language, then the source put back, must not leave that language's outputs
        standing as current)."""
        self.outputs[name] = record
        self._write("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?, ?)",
                    (name, record.key, record.sha256, record.pages, json.dumps(record.reads)))
        for options in [options for options, plan in self.plans.items()
                        if name in plan.outputs]:
            del self.plans[options]
            self._write("DELETE FROM plans WHERE options = ?", (options,))

    def forget(self, name: str) -> None:
        """Take output `name` out of the record (its file is gone, or going)."""
        if self.outputs.pop(name, None) is not None:
            self._write("DELETE FROM outputs WHERE name = ?", (name,))

    def record_plan(self, options: str, plan: PlanRecord) -> None:
        self.plans[options] = plan
        self._write("INSERT OR REPLACE INTO plans VALUES (?, ?, ?, ?)",
                    (options, plan.fingerprint, json.dumps(plan.outputs),
                     json.dumps(plan.libraries, sort_keys=True)))

    def record_libraries(self, kind: str, code: str, versions: dict[str, str]) -> None:
        self.libraries[kind] = code, versions
        self._write("INSERT OR REPLACE INTO libraries VALUES (?, ?, ?)",
                    (kind, code, json.dumps(versions, sort_keys=True)))

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> BuildState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write(self, statement: str, values: tuple[object, ...]) -> None:
        with _machine_errors(self.path):
            connection = self._connection or self._open_for_writing()
            with connection:  # one transaction, committed here
                connection.execute(statement, values)

    def _open_for_writing(self) -> sqlite3.Connection:
        self.dist.mkdir(parents=True, exist_ok=True)
        for earlier in EARLIER_STATE_FILES:
            (self.dist / earlier).unlink(missing_ok=True)
        # Missing, damaged or another version's: made again from what is in memory.
        _remove_database(self.path)
        connection = sqlite3.connect(self.path)
        connection.executescript(SCHEMA + f"PRAGMA user_version = {SCHEMA_VERSION};")
        _tune(connection)
        if self.outputs or self.plans or self.libraries:
            with connection:
                connection.executemany(
                    "INSERT INTO outputs VALUES (?, ?, ?, ?, ?)",
                    [(name, r.key, r.sha256, r.pages, json.dumps(r.reads))
                     for name, r in self.outputs.items()])
                connection.executemany(
                    "INSERT INTO plans VALUES (?, ?, ?, ?)",
                    [(options, p.fingerprint, json.dumps(p.outputs),
                      json.dumps(p.libraries, sort_keys=True))
                     for options, p in self.plans.items()])
                connection.executemany(
                    "INSERT INTO libraries VALUES (?, ?, ?)",
                    [(kind, code, json.dumps(versions, sort_keys=True))
                     for kind, (code, versions) in self.libraries.items()])
        self._connection = connection
        return connection


def load_state(dist: Path) -> BuildState:
    """The recorded state of `dist` (empty when missing, damaged or of another version),
    to be closed after use (`with load_state(dist) as state:`)."""
    connection = _connect(dist / STATE_FILE)
    if connection is None:
        return BuildState(dist, {}, {})
    try:
        outputs = dict(_output_rows(connection))
        plans = dict(_plan_rows(connection))
        libraries = dict(_library_rows(connection))
    except sqlite3.DatabaseError:  # damaged past its header: set aside at the first write
        connection.close()
        return BuildState(dist, {}, {})
    state = BuildState(dist, outputs, plans, libraries)
    state._connection = connection
    return state


def _output_rows(connection: sqlite3.Connection) -> Iterator[tuple[str, OutputRecord]]:
    for name, key, sha256, pages, reads in connection.execute(
            "SELECT name, key, sha256, pages, reads FROM outputs"):
        entries = _json_list(reads)
        if isinstance(name, str) and isinstance(key, str) and isinstance(sha256, str) \
                and (pages is None or isinstance(pages, int)) and entries is not None:
            yield name, OutputRecord(key, sha256, pages, entries)


def _plan_rows(connection: sqlite3.Connection) -> Iterator[tuple[str, PlanRecord]]:
    for options, fingerprint, outputs, libraries in connection.execute(
            "SELECT options, fingerprint, outputs, libraries FROM plans"):
        names = _json_list(outputs)
        try:
            versions = json.loads(libraries)
        except (TypeError, ValueError):
            continue
        if isinstance(options, str) and isinstance(fingerprint, str) and names is not None \
                and isinstance(versions, dict) and \
                all(isinstance(value, str) for value in versions.values()):
            yield options, PlanRecord(fingerprint, names, versions)


def _library_rows(connection: sqlite3.Connection
                  ) -> Iterator[tuple[str, tuple[str, dict[str, str]]]]:
    for kind, code, versions in connection.execute("SELECT kind, code, versions FROM libraries"):
        try:
            found = json.loads(versions)
        except (TypeError, ValueError):
            continue
        if isinstance(kind, str) and isinstance(code, str) and isinstance(found, dict) and \
                all(isinstance(value, str) for value in found.values()):
            yield kind, (code, found)


def _json_list(text: object) -> tuple[str, ...] | None:
    """A JSON list of strings, or None for anything else (a row damaged by hand)."""
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return None
    return tuple(value)


def _connect(path: Path) -> sqlite3.Connection | None:
    """A connection to the record at `path` when it is one of this version, else None."""
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(path)
    except sqlite3.Error:
        return None
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version == SCHEMA_VERSION and tables == {"outputs", "plans", "libraries"}:
            _tune(connection)
            return connection
    except sqlite3.Error:
        pass
    connection.close()
    return None


def _tune(connection: sqlite3.Connection) -> None:
    # The log survives the process being killed; NORMAL syncs at checkpoints, which is all
    # a record that can always be remade needs (each output's file is synced before).
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")


def _remove_database(path: Path) -> None:
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm", f"{path.name}-journal"):
        (path.parent / name).unlink(missing_ok=True)


@contextmanager
def _machine_errors(path: Path) -> Iterator[None]:
    """SQLite's complaints about the machine (a full disk, a read-only folder) as the
    OSError the command line reports in one line."""
    try:
        yield
    except sqlite3.OperationalError as error:
        text = str(error)
        code = errno.ENOSPC if "full" in text else errno.EACCES if "readonly" in text \
            or "read-only" in text or "unable to open" in text else errno.EIO
        raise OSError(code, _STRERROR.get(code, text), str(path)) from None


_STRERROR = {errno.ENOSPC: "No space left on device", errno.EACCES: "Permission denied"}
