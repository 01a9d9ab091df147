"""What decides whether an output is up to date, and whether a build has anything to do.

An output's key hashes what making it actually read, as ninja's depfiles record a
compiler's includes: the files the template loader, WeasyPrint's fetcher and the e-book
read while making it (recorded by `inputs.recording`), as they are now; and the values its
kind declares (which documents, their review dates and draft marks, the date the book
carries), the pipeline's own code, and the versions of the third-party distributions its
making imports, found from the code's imports and importlib.metadata rather than listed.

A build with nothing to do must be quick: the input's fingerprint (every input file, the
pipeline's code, the environment the outputs read, the libraries' versions) lets it stop
before reading the project. This module imports nothing heavy for that reason.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import sys
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from pathlib import Path

from .inputs import Reads

# Where the inputs live, relative to the project; compiled .mo files are not inputs.
INPUT_FOLDERS = ("content", "locales", "templates", "styles")
INPUT_FILES = ("publication.yml",)
# What outputs read from the environment (the date the books carry).
ENVIRONMENT = ("SOURCE_DATE_EPOCH",)
PACKAGE = Path(__file__).parent
LISTING = "glob:"  # a read entry that is a folder's listing, not a file


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


class FileHashes:
    """File hashes memoised for one build: many outputs read the same stylesheets."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.known: dict[str, str] = {}

    def of(self, entry: str) -> str:
        """The hash of a read entry (see `read_entries`): a file's, or a listing's."""
        if entry not in self.known:
            if entry.startswith(LISTING):
                folder, _, pattern = entry[len(LISTING):].rpartition("/")
                names = sorted(path.name for path in (self.root / folder).glob(pattern))
                self.known[entry] = hashlib.sha256("\0".join(names).encode()).hexdigest()
            else:
                self.known[entry] = file_hash(self.root / entry)
        return self.known[entry]


def read_entries(reads: Reads, root: Path) -> tuple[str, ...]:
    """`reads` as the record keeps them: paths relative to the project, listings as
    "glob:FOLDER/PATTERN", sorted."""
    def relative(path: Path) -> str:
        absolute = Path(os.path.abspath(path))
        return absolute.relative_to(root).as_posix() if absolute.is_relative_to(root) \
            else absolute.as_posix()
    entries = {relative(path) for path in reads.files}
    entries |= {f"{LISTING}{relative(folder)}/{pattern}" for folder, pattern in reads.listings}
    return tuple(sorted(entries))


def output_key(declared: Iterable[str], reads: Iterable[str], hashes: FileHashes) -> str:
    """The key of an output: its declared values and the current hash of each input it
    read."""
    digest = hashlib.sha256()
    for value in declared:
        digest.update(value.encode() + b"\0")
    digest.update(b"\1reads\0")
    for entry in reads:
        digest.update(f"{entry}={hashes.of(entry)}\0".encode())
    return digest.hexdigest()


def pipeline_code() -> str:
    """A hash of the pipeline's own code (every module of the package)."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def environment() -> dict[str, str]:
    """The values of the environment variables that outputs read."""
    return {name: os.environ.get(name, "") for name in ENVIRONMENT}


def input_fingerprint(root: Path, code: str, libraries: dict[str, str]) -> str:
    """A hash of every input file of the project, of the pipeline's code `code`, of the
    environment outputs read and of `libraries` (distribution: version)."""
    return fingerprint_of(input_files(root), code, libraries)


def input_files(root: Path) -> list[tuple[str, str]]:
    """Every input file of the project, as it is now: its path from `root` and its hash,
    in order."""
    paths = [root / name for name in INPUT_FILES]
    for folder in INPUT_FOLDERS:
        paths += _files_under(root / folder)
    return [(path.relative_to(root).as_posix(), file_hash(path)) for path in sorted(paths)]


def fingerprint_of(files: list[tuple[str, str]], code: str, libraries: dict[str, str]) -> str:
    """input_fingerprint of the input files `files` (see input_files)."""
    digest = hashlib.sha256(code.encode())
    for name, value in sorted(environment().items()):
        digest.update(f"{name}={value}\0".encode())
    for name, version in sorted(libraries.items()):
        digest.update(f"{name}=={version}\0".encode())
    for path, sha256 in files:
        digest.update(path.encode() + b"\0")
        digest.update(sha256.encode())
    return digest.hexdigest()


def _files_under(folder: Path) -> list[Path]:
    found = []
    for directory, _, names in os.walk(folder):
        found += [Path(directory) / name for name in names if not name.endswith(".mo")]
    return found


def installed_versions(names: Iterable[str]) -> dict[str, str]:
    """The installed version of each distribution of `names` ("" when not installed)."""
    from importlib import metadata

    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = ""
    return versions


class InstalledVersions:
    """Installed versions, read again only when a folder distributions are installed in
    changed (an install or an uninstall adds or removes entries there): reading them takes
    a while, and `watch` asks on every save."""

    def __init__(self) -> None:
        self.stamp: tuple[int, ...] = ()
        self.known: dict[str, str] = {}

    def of(self, names: Iterable[str]) -> dict[str, str]:
        stamp = _installation_stamp()
        if stamp != self.stamp:
            self.stamp, self.known = stamp, {}
        wanted = list(names)
        self.known.update(installed_versions(name for name in wanted if name not in self.known))
        return {name: self.known[name] for name in wanted}


def _installation_stamp() -> tuple[int, ...]:
    stamps = []
    for entry in sys.path:
        try:
            stamps.append(os.stat(entry or ".").st_mtime_ns)
        except OSError:
            stamps.append(-1)
    return tuple(stamps)


def libraries_of(module: str) -> dict[str, str]:
    """The third-party distributions (name: version) that making with the pipeline's
    module `module` can import: those its code imports, found by reading the import
    statements of every module of the package it reaches, and everything they require."""

    top_level = set()
    for path in _package_modules_reached(module):
        top_level |= _third_party_imports(path)
    installation = _installation_stamp()  # what is cached below is read again after an install
    providers = _providers(installation)
    names = {_normalised(dist) for name in top_level for dist in providers.get(name, ())}
    found: dict[str, str] = {}
    while names:
        name = names.pop()
        if name in found:
            continue
        installed = _distribution(name, installation)
        if installed is None:
            continue
        found[name], requires = installed
        names.update(requires)
    return dict(sorted(found.items()))


@cache
def _distribution(name: str, installation: tuple[int, ...]
                  ) -> tuple[str, tuple[str, ...]] | None:
    """The installed version of the distribution `name`, and the distributions it requires
    (not those of its extras); None when it is not installed. Once per installation."""
    from importlib import metadata

    try:
        distribution = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return None
    return distribution.version, tuple(
        _normalised(match.group()) for requirement in distribution.requires or ()
        if "extra ==" not in requirement and (match := REQUIREMENT.match(requirement)))


@cache
def _providers(installation: tuple[int, ...]) -> Mapping[str, list[str]]:
    """The distributions providing each top-level module: read once per installation (see
    _installation_stamp), for it reads every installed distribution's records."""
    from importlib import metadata

    return metadata.packages_distributions()


REQUIREMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _package_modules_reached(module: str) -> list[Path]:
    """The files of the package's modules that `module` imports, directly or not (imports
    inside functions, and for type checking, included)."""
    seen: dict[str, Path] = {}
    pending = [module]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        path = _module_path(name)
        if path is None:
            continue
        seen[name] = path
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for level, imported, names in _imports(path.read_text(encoding="utf-8")):
            if level > 0:
                base = package
                for _ in range(level - 1):
                    base = base.rpartition(".")[0]
                target = f"{base}.{imported}" if imported else base
                pending.append(target)
                pending += [f"{target}.{alias}" for alias in names]
            elif level == 0 and imported and imported.startswith(f"{PACKAGE.name}."):
                pending.append(imported)
    return list(seen.values())


def _module_path(name: str) -> Path | None:
    parts = name.split(".")
    if parts[0] != PACKAGE.name:
        return None
    base = PACKAGE.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _third_party_imports(path: Path) -> set[str]:
    """The top-level names of what `path` imports from outside the package and the
    standard library."""
    found = set()
    for level, imported, names in _imports(path.read_text(encoding="utf-8")):
        if level < 0:
            found |= {alias.split(".")[0] for alias in names}
        elif level == 0 and imported:
            found.add(imported.split(".")[0])
    return {name for name in found
            if name != PACKAGE.name and name not in sys.stdlib_module_names}


@lru_cache(maxsize=256)
def _imports(source: str) -> tuple[tuple[int, str | None, tuple[str, ...]], ...]:
    """The import statements of a module's source, anywhere in it: (level, module, names)
    for `from ... import`, (-1, None, modules) for `import`. Kept per process by the
    source's text: the kinds of one build share most of their modules."""
    found: list[tuple[int, str | None, tuple[str, ...]]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.append((-1, None, tuple(alias.name for alias in node.names)))
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module, tuple(alias.name for alias in node.names)))
    return tuple(found)
