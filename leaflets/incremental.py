"""What is already built: a content hash per output, kept in dist/.build-state.json.

Each target's key hashes everything its bytes depend on (see `make.target_key`). A target
whose key is unchanged and whose output file still has the recorded hash is up to date.

A build with nothing to do must be quick, so the whole input also has a fingerprint: when it
and every recorded output are unchanged, the build stops before reading the project. This
module imports nothing heavy for that reason.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .files import write_atomically

STATE_FILE = ".build-state.json"
STATE_VERSION = 2
# Where the inputs live, relative to the project; compiled .mo files are not inputs.
INPUT_FOLDERS = ("content", "locales", "templates", "styles")
INPUT_FILES = ("publication.yml",)
# Libraries whose version changes what the outputs hold.
LIBRARIES = ("weasyprint", "pydyf", "pypdf", "ebooklib", "segno", "markdown", "babel",
             "jinja2", "pillow", "fonttools", "pyphen")


@dataclass
class BuildState:
    """What the last builds made: each output's target key and file hash, and for each set of
    options, its outputs and the input's fingerprint when they were all made."""

    plans: dict[str, dict] = field(default_factory=dict)  # options -> fingerprint, outputs
    # path -> key, sha256 and, for a PDF, pages (what the release gate's budgets read)
    outputs: dict[str, dict] = field(default_factory=dict)

    def is_current(self, output: str, key: str, dist: Path) -> bool:
        """`output` was made from `key` and its file is intact."""
        record = self.outputs.get(output)
        return (record is not None and record["key"] == key
                and file_hash(dist / output) == record["sha256"])

    def record(self, output: str, key: str, data: bytes, pages: int | None = None) -> None:
        self.outputs[output] = {"key": key, "sha256": hashlib.sha256(data).hexdigest()}
        if pages is not None:
            self.outputs[output]["pages"] = pages


def load_state(dist: Path) -> BuildState:
    """The recorded state (empty when missing, unreadable or of another version)."""
    try:
        data = json.loads((dist / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return BuildState()
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        return BuildState()
    plans, outputs = data.get("plans"), data.get("outputs")
    # A record damaged by hand, or by a disk, is ignored where it is wrong: the outputs it
    # described are made again.
    return BuildState(
        {key: plan for key, plan in plans.items() if isinstance(plan, dict)
         and isinstance(plan.get("outputs"), list)
         and all(isinstance(output, str) for output in plan["outputs"])}
        if isinstance(plans, dict) else {},
        {name: record for name, record in outputs.items() if isinstance(record, dict)
         and isinstance(record.get("key"), str) and isinstance(record.get("sha256"), str)}
        if isinstance(outputs, dict) else {})


def save_state(dist: Path, state: BuildState) -> None:
    """Write the state atomically: never ahead of the outputs, never half-written."""
    data = {"version": STATE_VERSION, "plans": state.plans,
            "outputs": dict(sorted(state.outputs.items()))}
    write_atomically(dist / STATE_FILE, json.dumps(data, indent=1).encode("utf-8"))


def nothing_to_do(dist: Path, options_key: str, fingerprint: str) -> list[str] | None:
    """The outputs of these options, when the input is unchanged since they were all made
    and each is intact; None when the project must be read."""
    state = load_state(dist)
    plan = state.plans.get(options_key)
    if not isinstance(plan, dict) or plan.get("fingerprint") != fingerprint:
        return None
    for output in plan.get("outputs", []):
        record = state.outputs.get(output)
        if record is None or file_hash(dist / output) != record["sha256"]:
            return None
    return list(plan["outputs"])


def input_fingerprint(root: Path, pipeline: str) -> str:
    """A hash of every input file of the project and of `pipeline`, the pipeline's version."""
    digest = hashlib.sha256(pipeline.encode())
    paths = [root / name for name in INPUT_FILES]
    for folder in INPUT_FOLDERS:
        paths += _files_under(root / folder)
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(file_hash(path).encode())
    return digest.hexdigest()


def pipeline_version() -> str:
    """A hash of the pipeline's own code and of the libraries' versions."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    for library in LIBRARIES:
        try:
            digest.update(f"{library}={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library}=none".encode())
    return digest.hexdigest()


def file_hash(path: Path) -> str:
    """The SHA-256 of a regular file, read in chunks; of a link, its text (what it points
    to is read, if ever, through the input checks); "" for anything else or unreadable. A
    link to /dev/zero must not be read to the end of memory."""
    try:
        if path.is_symlink():
            return hashlib.sha256(b"link:" + os.readlink(path).encode()).hexdigest()
        if not path.is_file():
            return ""
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return ""


def _files_under(folder: Path) -> list[Path]:
    found = []
    for directory, _, names in os.walk(folder):
        found += [Path(directory) / name for name in names if not name.endswith(".mo")]
    return found
