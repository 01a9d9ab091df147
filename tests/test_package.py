"""The package as a whole: what it imports is declared."""

import ast
import sys
import tomllib
from importlib import metadata

from conftest import REPO

PACKAGE = REPO / "leaflets"


def imported_top_level_names():
    names = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names.add(node.module.split(".")[0])
    return {name for name in names if name != "leaflets" and name not in sys.stdlib_module_names}


def normalised(name):
    return name.lower().replace("_", "-").replace(".", "-")


def test_pyproject_declares_every_distribution_the_package_imports():
    declared = {normalised(requirement.split(">")[0].split("=")[0].split("<")[0])
                for requirement in tomllib.loads((REPO / "pyproject.toml").read_text())
                ["project"]["dependencies"]}
    providers = metadata.packages_distributions()
    needed = {normalised(providers[name][0]) for name in imported_top_level_names()}
    assert needed <= declared, needed - declared



# The layers of README.md's architecture picture, from the bottom: a module imports from its
# own layer or from those below, never above.
LAYERS = [
    ("sources", {"errors", "files", "inputs", "characters", "fonts", "config", "content",
                 "languages"}),
    ("text", {"typography", "breaks", "sanitise", "markup", "blocks", "readability",
              "placeholders"}),
    ("translation", {"catalogs", "terminology", "structure", "translation", "status",
                     "new_language", "project", "release", "exchange",
                     "terminology_export"}),
    ("kinds of output", {"render", "pdf", "imposition", "epub", "cover", "opds", "outputs"}),
    ("driver", {"keys", "state", "workers", "driver", "watch", "cluster"}),
    ("command line", {"cli", "preload"}),
]


def layer_of(module):
    top = module.split(".")[0]
    return next(index for index, (_, names) in enumerate(LAYERS) if top in names)


def package_imports(path):
    """The package's modules that the file at `path` imports, as dotted names under it."""
    relative = path.relative_to(PACKAGE).with_suffix("")
    package = list(relative.parts[:-1])  # an __init__ is its own package: the same
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - (node.level - 1)] if node.level > 1 else package
            target = [*base, *(node.module.split(".") if node.module else [])]
            if target:
                found.add(".".join(target))
            else:  # from . import x
                found |= {alias.name for alias in node.names}
    return found


def test_every_module_has_a_layer_and_imports_point_down():
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        if module == "__init__":
            continue
        own = layer_of(module)
        for imported in package_imports(path):
            assert layer_of(imported) <= own, (
                f"{module} ({LAYERS[own][0]}) imports {imported} "
                f"({LAYERS[layer_of(imported)][0]})")
