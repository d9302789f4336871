"""The package's layers, enforced: which stage may import which, and no import cycles.

Every ``import`` in ``src/fercnn`` counts, those inside functions too (they defer Keras, not
the dependency). The rules are the ones the package's layout promises:

- the face application's lower layers (``faces``, ``media``, ``runtime``) never import the
  research pipeline's ``training`` or ``evaluation``;
- nothing imports ``app`` (the programs), except the package's entry points;
- no module imports itself through others.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "fercnn"
ENTRY_POINTS = {"fercnn", "fercnn.__main__"}
NEVER_IMPORT = {
    "fercnn.faces": ("fercnn.training", "fercnn.evaluation", "fercnn.app"),
    "fercnn.media": ("fercnn.training", "fercnn.evaluation", "fercnn.app"),
    "fercnn.runtime": ("fercnn.training", "fercnn.evaluation", "fercnn.app"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """The fercnn modules that ``path`` imports, as absolute dotted names."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("fercnn")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("fercnn"):
                found.add(target)
    return {existing(target) for target in found} - {name}


def existing(target: str) -> str:
    """``target`` itself where it is a module, else the package it names an attribute of."""
    while target != "fercnn":
        path = PACKAGE.parent / target.replace(".", "/")
        if path.with_suffix(".py").is_file() or (path / "__init__.py").is_file():
            return target
        target = target.rpartition(".")[0]
    return target


def import_graph() -> dict[str, set[str]]:
    return {module_name(path): imports_of(path) for path in PACKAGE.rglob("*.py")}


def test_the_graph_sees_the_package():
    graph = import_graph()
    assert {"fercnn.app.cli", "fercnn.faces.pipeline", "fercnn.training.loop"} <= set(graph)
    assert "fercnn.faces.detection" in graph["fercnn.faces.pipeline"]


@pytest.mark.parametrize("layer", sorted(NEVER_IMPORT))
def test_lower_layers_never_import_the_research_pipeline_or_the_apps(layer):
    wrong = {
        (module, target)
        for module, targets in import_graph().items()
        if module == layer or module.startswith(layer + ".")
        for target in targets
        if target.startswith(NEVER_IMPORT[layer])
    }
    assert not wrong, f"{layer} must not import these: {sorted(wrong)}"


def test_nothing_but_the_entry_points_imports_the_apps():
    wrong = {
        (module, target)
        for module, targets in import_graph().items()
        if module not in ENTRY_POINTS and not module.startswith("fercnn.app")
        for target in targets
        if target.startswith("fercnn.app")
    }
    assert not wrong, f"only fercnn.app and the entry points may import fercnn.app: {sorted(wrong)}"


def test_no_import_cycles():
    graph = {name: targets - {"fercnn"} for name, targets in import_graph().items()}
    # a package's __init__ imports nothing but its docstring, so edges into one are no cycle
    cycles = []
    state = {}

    def visit(node, path):
        state[node] = "open"
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                cycles.append(path[path.index(target) :] + [target])
            elif target not in state:
                visit(target, [*path, target])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, f"import cycles: {cycles}"
