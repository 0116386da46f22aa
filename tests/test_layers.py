"""The layers: imports go one way, down, and form no cycle, imports inside functions included.

core < extract < mapping < scenes < renderer < app < app.batch < cli; training beside app (neither
imports the other). An import inside a function stands only at a declared boundary, with a
`# lazy:` comment saying why (torch, librosa, Dask, matplotlib…).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LAYERS = {  # package below `deepviz` → rank; a module belongs to its longest listed prefix
    "": 0,  # the package's face: __init__ (its version)
    "core": 1,
    "extract": 2,
    "mapping": 3,
    "scenes": 4,
    "renderer": 5,
    "training": 6,
    "app": 6,
    "app.batch": 7,
    "cli": 8,
    "__main__": 9,
}
STAGES = ("core", "extract", "mapping", "scenes", "renderer", "training", "app", "cli")


def module_name(path: Path) -> str:
    """deepviz.x.y of a file below the repo root."""
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(("deepviz", *parts)).removesuffix(".__init__")


def package_modules() -> dict[str, Path]:
    """Every module of the installed package (tests and tools are not part of it)."""
    files = [REPO / "__init__.py", REPO / "__main__.py"]
    for stage in STAGES:
        files += sorted((REPO / stage).rglob("*.py"))
    return {module_name(f): f for f in files}


def layer_of(module: str) -> str:
    """The longest LAYERS key that `module` (deepviz.…) lies in."""
    rest = module.removeprefix("deepviz").removeprefix(".")
    keys = [k for k in LAYERS if k and (rest == k or rest.startswith(k + "."))]
    return max(keys, key=len) if keys else ""


def imported_names(tree: ast.AST) -> set[str]:
    """Every module name an import anywhere in a module (functions included) may mean."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return found


def imported(tree: ast.AST, known: set[str]) -> set[str]:
    """The deepviz modules a module imports anywhere in it (functions included)."""
    return imported_names(tree) & known


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module → the deepviz modules it imports, each file read with `ast`."""
    known = set(modules)
    graph = {}
    for name, path in modules.items():
        graph[name] = imported(ast.parse(path.read_text(encoding="utf-8")), known) - {name}
    return graph


def wrong_way(graph: dict[str, set[str]]) -> list[str]:
    """Edges that go up a layer, or sideways between two layers of the same rank."""
    bad = []
    for source, targets in graph.items():
        here = layer_of(source)
        for target in targets:
            there = layer_of(target)
            if LAYERS[there] > LAYERS[here] or (LAYERS[there] == LAYERS[here] and there != here):
                bad.append(f"{source} ({here or 'root'}) imports {target} ({there or 'root'})")
    return sorted(bad)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def undeclared_lazy_imports(path: Path) -> list[str]:
    """Functions that import without a `# lazy:` comment on or just above their first import."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    bad = []
    for fn in ast.walk(ast.parse(source)):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        inner = [n for n in ast.walk(fn) if isinstance(n, (ast.Import, ast.ImportFrom))]
        if inner:
            first = min(n.lineno for n in inner)
            if not any("lazy:" in lines[i - 1] for i in (first, first - 1)):
                where = path.relative_to(REPO) if path.is_relative_to(REPO) else path
                bad.append(f"{where}:{first} in {fn.name}()")
    return bad


def test_the_repo_root_holds_only_the_package_face():
    assert sorted(p.name for p in REPO.glob("*.py")) == ["__init__.py", "__main__.py"]


def test_no_import_goes_up_a_layer():
    assert wrong_way(import_graph(package_modules())) == []


def test_nothing_of_the_package_imports_the_tools():
    tools = set()
    for path in package_modules().values():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        tools |= {n for n in imported_names(tree) if n.split(".")[0] == "tools"}
    assert tools == set()


def test_the_imports_form_no_cycle():
    assert cycles(import_graph(package_modules())) == []


def test_every_import_inside_a_function_is_a_declared_boundary():
    bad = [line for p in package_modules().values() for line in undeclared_lazy_imports(p)]
    assert bad == []


@pytest.mark.parametrize(
    "source, target",
    [
        ("deepviz.core.errors", "deepviz.app.plan"),  # up
        ("deepviz.extract.decode", "deepviz.mapping.fitted"),  # up
        ("deepviz.app.render", "deepviz.app.batch.run"),  # app never imports its batch
        ("deepviz.app.plan", "deepviz.training.fma"),  # sideways between siblings
        ("deepviz.training.train", "deepviz.cli.training"),  # up from beside app
    ],
)
def test_the_checker_finds_a_wrong_way_import(source, target):
    graph = import_graph(package_modules())
    graph[source] = graph[source] | {target}
    assert wrong_way(graph) == [
        f"{source} ({layer_of(source)}) imports {target} ({layer_of(target)})"
    ]


def test_the_checker_finds_a_cycle_through_a_function_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from deepviz.extract.decode import probe\n")
    assert undeclared_lazy_imports(module) == [f"{module}:2 in f()"]  # and it says no why
    tree = ast.parse(module.read_text())
    assert imported(tree, {"deepviz.extract.decode"}) == {"deepviz.extract.decode"}
    graph = {"deepviz.extract.decode": {"deepviz.extract.audio"}, "deepviz.extract.audio": set()}
    graph["deepviz.extract.audio"] |= imported(tree, set(graph))
    assert cycles(graph) == [["deepviz.extract.audio", "deepviz.extract.decode"]]
