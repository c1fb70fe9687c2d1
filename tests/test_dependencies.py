"""Every third-party module the package imports at run time comes from a declared
distribution: a new user's ``pip install`` must bring everything the tool needs."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "verify"


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str:
    return _canonical(re.split(r"[\s<>=!~;\[]", requirement.strip(), maxsplit=1)[0])


def _guarded(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Inside a ``try`` whose handlers catch ImportError (an optional feature)."""
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.Try):
            for handler in node.handlers:
                names = ast.unparse(handler.type) if handler.type is not None else ""
                if "ImportError" in names or "ModuleNotFoundError" in names:
                    return True
    return False


def third_party_imports(package: Path = PACKAGE) -> dict[str, list[tuple[str, bool]]]:
    """Top-level module name -> [(file:line, guarded)] for every absolute import of a
    module that is neither the standard library nor the package itself."""
    found: dict[str, list[tuple[str, bool]]] = {}
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        parents = {
            child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == package.name:
                    continue
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found.setdefault(top, []).append((where, _guarded(node, parents)))
    return found


def _project() -> dict:  # type: ignore[type-arg]
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)["project"]


def test_the_walker_sees_the_imports_it_must_see():
    found = third_party_imports()
    # the export path imports these inside a function; a walker that missed them would
    # let the very bug this test guards against through
    for module in ("onnx", "torch", "onnxruntime", "rapidfuzz", "typer"):
        assert module in found, module
    assert "os" not in found and "verify" not in found


def test_every_runtime_import_is_a_declared_dependency():
    project = _project()
    required = {_requirement_name(r) for r in project["dependencies"]}
    optional = {
        _requirement_name(r)
        for extra, reqs in project.get("optional-dependencies", {}).items()
        if extra != "test"
        for r in reqs
    }
    owners = packages_distributions()
    problems = []
    for module, places in sorted(third_party_imports().items()):
        dists = {_canonical(d) for d in owners.get(module, [])}
        if not dists:
            problems.append(
                f"{module} ({places[0][0]}): not installed, so no distribution provides it"
            )
            continue
        if dists & required:
            continue
        if dists & optional and all(guarded for _, guarded in places):
            continue  # an optional extra, imported only where its absence is handled
        where = ", ".join(w for w, _ in places[:3])
        problems.append(f"{module} ({where}): from {sorted(dists)}, not in [project.dependencies]")
    assert not problems, "undeclared run-time imports:\n" + "\n".join(problems)


def test_a_removed_dependency_is_caught(tmp_path):
    """The check above fails when a run-time import loses its declaration."""
    project = _project()
    without = [r for r in project["dependencies"] if _requirement_name(r) != "onnx"]
    assert len(without) == len(project["dependencies"]) - 1
    owners = packages_distributions()
    declared = {_requirement_name(r) for r in without}
    missing = [
        m
        for m, places in third_party_imports().items()
        if not {_canonical(d) for d in owners.get(m, [])} & declared
        and not all(guarded for _, guarded in places)  # an optional extra (ray) stays allowed
    ]
    assert missing == ["onnx"]
