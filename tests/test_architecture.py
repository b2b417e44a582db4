"""The package layout keeps its promises: imports run one way, stage by stage, with no cycle.

Every import counts, also those inside functions (a lazy import is still a dependency);
only imports under ``if TYPE_CHECKING:`` do not, since they never run.
The stages are those of docs/architecture.md; a module may import its own stage and the
stages before it, never a later one.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from attune_testkit import REPO

PACKAGES = ("attune_lint", "pytest_attune")

# Stage of a module, by its longest matching dotted prefix. Lower stages never import higher.
STAGES: dict[str, int] = {
    # foundation: records and vocabulary every stage shares
    "attune_lint": 0, "attune_lint.diagnostics": 0, "attune_lint.rule": 0, "attune_lint.limits": 0,
    "attune_lint.exit_status": 0, "attune_lint.spelling": 0, "attune_lint.files": 0,
    "attune_lint.expressions": 0, "attune_lint.schemas": 0, "attune_lint.catalogs": 0,
    "attune_lint.schemas.compiled": 0,  # generated validity checks (schemas/generate.py)
    "attune_lint.settings": 0, "attune_lint.settings.record": 0,
    # bytes -> positioned tree
    "attune_lint.document": 1,
    # paths -> packs, targets, workflow files
    "attune_lint.workspace": 2, "attune_lint.workspace.context": 2,
    # workspace -> diagnostics
    "attune_lint.check": 3, "attune_lint.rules": 3,
    # how a run executes; the registrar consumes loaded workflows
    "attune_lint.run": 4, "attune_lint.registrar": 4,
    # what reads a run's result or drives runs: reporters, configuration files, git hooks
    "attune_lint.report": 5, "attune_lint.settings.file": 5, "attune_lint.settings.locator": 5,
    "attune_lint.graph": 5,  # draws workflows from run results and the registrar's normalisation
    "attune_lint.githooks": 5, "attune_lint.fix": 5,
    # the command line
    "attune_lint.commands": 6, "attune_lint.cli": 6, "attune_lint.__main__": 6,
    # the pytest plugin sits on top of the library
    "pytest_attune": 7,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for package in PACKAGES for p in (REPO / package).rglob("*.py")}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules ``name`` imports (``from a import b`` counts ``a.b`` when that is a module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:  # import a.b.c of a package: the deepest module we have
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node but those under ``if TYPE_CHECKING:``."""
    nodes: list[ast.AST] = []
    pending = [tree]
    while pending:
        node = pending.pop()
        nodes.append(node)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            pending.extend(node.orelse)
            continue
        pending.extend(ast.iter_child_nodes(node))
    return nodes


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _stage(module: str) -> int:
    best = max((prefix for prefix in STAGES if module == prefix or module.startswith(prefix + ".")), key=len)
    return STAGES[best]


def test_every_module_has_a_stage() -> None:
    for module in _modules():
        _stage(module)  # raises ValueError (max of nothing) for a module outside every stage


def test_imports_follow_the_stage_order() -> None:
    upward = [f"{module} (stage {_stage(module)}) imports {target} (stage {_stage(target)})"
              for module, targets in sorted(_graph().items()) for target in sorted(targets)
              if _stage(target) > _stage(module)]
    assert upward == []


def test_no_import_cycle() -> None:
    graph = _graph()
    cycles = [sorted(component) for component in _strongly_connected(graph) if len(component) > 1]
    assert cycles == []


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iteratively (no recursion limit on a long import chain)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                components.append(component)
    return components


@pytest.mark.parametrize("graph, expected", [
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}, [["a", "b", "c"]]),
    ({"a": {"b"}, "b": set()}, []),
])
def test_the_cycle_finder_finds_cycles(graph: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert sorted(sorted(c) for c in _strongly_connected(graph) if len(c) > 1) == expected


def test_the_stage_check_sees_a_function_level_import(tmp_path: Path) -> None:
    source = tmp_path / "attune_lint" / "document" / "reader.py"
    source.parent.mkdir(parents=True)
    source.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from attune_lint.check import checker\n"
                      "def f():\n    from attune_lint.run import runner\n", encoding="utf-8")
    known = {"attune_lint.document.reader", "attune_lint.run", "attune_lint.run.runner", "attune_lint.check",
             "attune_lint.check.checker"}
    assert _imports("attune_lint.document.reader", source, known) == {"attune_lint.run.runner"}


def test_documentation_stays_inside_the_repository() -> None:
    """A clone has no ../shared: the README and docs/ must not send readers there."""
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    outside = [page.name for page in pages if "../shared" in page.read_text(encoding="utf-8")]
    assert outside == []


def test_architecture_doc_names_every_stage_folder() -> None:
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    folders = sorted(p.name for p in (REPO / "attune_lint").iterdir()
                     if p.is_dir() and (p / "__init__.py").exists())
    assert [f for f in folders if f"`{f}/" not in text] == []
