"""The package's shape: no import cycles between its modules (lazy imports counted too),
and no report format imports another."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "verify"


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    """verify module -> the verify modules it imports anywhere in its body."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for mod, path in modules.items():
        package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(
                        package.split(".")[: len(package.split(".")) - node.level + 1]
                        + ([base] if base else [])
                    )
                targets = [
                    f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                    for a in node.names
                ]
            for t in targets:
                while t and t not in modules:
                    t = t.rpartition(".")[0]
                if t and t != mod and t.startswith("verify"):
                    graph[mod].add(t)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_package_root_only_re_exports():
    """``verify/__init__`` imports the API; nothing inside the package imports ``verify`` itself."""
    graph = import_graph()
    assert [m for m, deps in graph.items() if "verify" in deps] == []


def test_no_import_cycles():
    graph = import_graph()
    graph["verify"] = set()  # the root only re-exports (checked above)
    assert cycles(graph) == []


def test_report_formats_do_not_import_each_other():
    graph = import_graph()
    formats = {
        m
        for m in graph
        if m.startswith("verify.report.")
        and m not in ("verify.report.view", "verify.report.findings")
    }
    for m in sorted(formats):
        assert not (graph[m] & formats), (m, sorted(graph[m] & formats))


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


#: The size caps: no module over MAX_MODULE_LINES lines, no function over MAX_FUNCTION_LINES,
#: but for the few named in ALLOWED, each with its reason.
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 80
ALLOWED = {
    "verify/quotes.py:extract_quotes": "one pass over the paragraphs that carries the open "
    "quotation across them",
}


def oversized(package: Path | None = None) -> list[str]:
    root = package or PACKAGE
    out = []
    for path in sorted(root.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        name = path.relative_to(root.parent).as_posix()
        if len(source.splitlines()) > MAX_MODULE_LINES and name not in ALLOWED:
            out.append(f"{name}: {len(source.splitlines())} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES and f"{name}:{node.name}" not in ALLOWED:
                    out.append(f"{name}:{node.lineno} {node.name}: {length} lines")
    return out


def test_modules_and_functions_keep_to_the_caps():
    assert oversized() == []


def test_the_allow_list_names_only_what_is_still_over_the_caps():
    for entry in ALLOWED:
        path, _, func = entry.partition(":")
        source = (PACKAGE.parent / path).read_text(encoding="utf-8")
        lengths = [
            (n.end_lineno or n.lineno) - n.lineno + 1
            for n in ast.walk(ast.parse(source))
            if isinstance(n, ast.FunctionDef) and n.name == func
        ]
        assert lengths and max(lengths) > MAX_FUNCTION_LINES, entry


def test_the_size_check_finds_a_long_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES + 1))
    (tmp_path / "verify").mkdir()
    (tmp_path / "verify" / "m.py").write_text(
        f'def f():\n    """Long because a waiver no longer counts."""\n{body}\n', encoding="utf-8"
    )
    assert [line.split(" ")[1] for line in oversized(tmp_path / "verify")] == ["f:"]


def _mentions(path: Path, name: str) -> bool:
    """Whether the module's code (not its docstrings or comments) names ``name``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        (isinstance(n, ast.Attribute) and n.attr == name)
        or (isinstance(n, ast.Name) and n.id == name)
        for n in ast.walk(tree)
    )


def test_only_the_backend_creates_an_onnx_session():
    makers = sorted(
        p.relative_to(PACKAGE.parent).as_posix()
        for p in PACKAGE.rglob("*.py")
        if _mentions(p, "InferenceSession")
    )
    assert makers and all(m.startswith("verify/backend/") for m in makers), makers


def test_the_session_check_sees_a_session_outside_the_backend(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import onnxruntime as ort\ns = ort.InferenceSession('x')\n")
    assert _mentions(module, "InferenceSession")


def test_the_cli_imports_neither_ray_nor_an_engine():
    graph = import_graph()
    reached = graph["verify.cli"]
    assert not {m for m in reached if m == "verify.rayengine" or m.startswith("verify.claims")}
    tree = ast.parse((PACKAGE / "cli.py").read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names} | {
        n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
    }
    assert not {m for m in imported if m.split(".")[0] == "ray"}


def test_training_is_outside_the_runtime_import_graph():
    graph = import_graph()
    runtime = {m for m in graph if not m.startswith("verify.training")}
    assert [
        m for m in sorted(runtime) if any(d.startswith("verify.training") for d in graph[m])
    ] == []
