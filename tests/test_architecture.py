"""The house map of ARCHITECTURE.md, enforced: a back-import, a cycle or a view reaching into
another app's models fails here, before review.

The packages of hogo stand in one order, bottom first (FLOORS). A module may import only its
own package and packages below it: no import of an app above, so no cycle between apps. Tests
and migrations are not counted (a test may drive the whole stack). Imports inside functions
count too: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "hogo"

# Bottom to top. Keep in step with the table in ARCHITECTURE.md.
FLOORS: tuple[str, ...] = (
    # libraries without Django (FRAMEWORK_FREE), then small Django helpers importing no app
    "__version__", "clock", "rules", "video", "storage", "redact", "export", "kit", "jobs",
    # the base every app stands on
    "audit", "accounts", "alerts",
    # the domain, in the order its nouns depend on each other
    "registry", "footage", "media", "copies", "processing", "incidents", "provision",
    "requests", "complaints", "notice", "holdings", "oversight", "accountability",
    # entry points: the API, the UI shell, settings and commands
    "api", "urls", "wsgi", "web", "settings", "cli", "testing",
)
FRAMEWORK_FREE = ("clock", "rules", "video", "storage", "redact", "export")
VIEW_MODULES = ("views", "api", "tus")  # modules that answer requests (also views/*.py)


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. hogo.footage.ingest
    target: str  # what it imports, e.g. hogo.alerts.services
    line: int
    type_only: bool = False  # under `if TYPE_CHECKING:` (annotations, not a dependency)


def package_of(module: str) -> str:
    """`hogo.footage.ingest` -> `footage`; `hogo.clock` -> `clock`."""
    return module.split(".")[1]


def modules(root: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if "tests" in parts or "migrations" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if name != root.name:
            yield name, path


def imports(root: Path) -> Iterator[Import]:
    """Every import of a hogo module by a hogo module under `root` (at any depth)."""
    prefix = root.name + "."
    for name, path in modules(root):
        tree = ast.parse(path.read_text(), str(path))
        type_only = {id(inner) for node in ast.walk(tree) if isinstance(node, ast.If)
                     and getattr(node.test, "id", "") == "TYPE_CHECKING"
                     for inner in ast.walk(node)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from hogo.footage import objects` imports hogo.footage.objects
                targets = [f"{node.module}.{alias.name}" for alias in node.names]
                if node.module == root.name:
                    targets = [f"{root.name}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in targets:
                if target.startswith(prefix):
                    yield Import(name, target, node.lineno, id(node) in type_only)


def back_imports(root: Path, floors: tuple[str, ...]) -> list[str]:
    """Each import of a package that is not below the importer's, as a sentence."""
    order = {package: index for index, package in enumerate(floors)}
    found = []
    for item in imports(root):
        importer, imported = package_of(item.module), package_of(item.target)
        if importer == imported:
            continue
        if importer not in order or imported not in order:
            unknown = importer if importer not in order else imported
            found.append(f"{item.module}:{item.line}: package {unknown!r} has no floor "
                         "(add it to FLOORS and ARCHITECTURE.md)")
        elif order[imported] > order[importer]:
            found.append(f"{item.module}:{item.line} imports {item.target}: "
                         f"{imported} stands above {importer}")
    return found


def views_reaching_into_models(root: Path) -> list[str]:
    """A view asks another app's services; it never imports that app's models."""
    found = []
    for item in imports(root):
        parts = item.module.split(".")
        is_view = parts[-1] in VIEW_MODULES or parts[-1].endswith("_views") or (
            len(parts) > 3 and parts[-2] == "views")
        target = item.target.split(".")
        reaches = len(target) > 2 and target[2] == "models" and not item.type_only
        if is_view and reaches and package_of(item.target) != package_of(item.module):
            found.append(f"{item.module}:{item.line} imports {item.target}")
    return found


def module_cycles(root: Path) -> list[list[str]]:
    """Import circles between modules (a module-level import of a package counts as an
    import of its __init__)."""
    names = {name for name, _ in modules(root)}
    graph: dict[str, set[str]] = {name: set() for name in names}
    for item in imports(root):
        target = item.target
        while target not in names and "." in target:
            target = target.rsplit(".", 1)[0]  # `from hogo.x.y import func`
        if target in names and target != item.module:
            graph[item.module].add(target)
    cycles, state = [], dict.fromkeys(graph, 0)  # 0 new, 1 on the path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state[nxt] == 1:
                cycles.append(path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt])
            elif state[nxt] == 0:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(graph):
        if state[start] == 0:
            visit(start, [start])
    # a package importing its own submodules (hogo.jobs -> hogo.jobs.declarations) is no circle
    return [c for c in cycles if not all(c[0].startswith(n) or n.startswith(c[0]) for n in c)]


def test_every_package_has_a_floor():
    packages = {package_of(name) for name, _ in modules(ROOT)}
    assert packages <= set(FLOORS), sorted(packages - set(FLOORS))


def test_no_package_imports_one_above_it():
    assert back_imports(ROOT, FLOORS) == []


def test_no_view_imports_another_apps_models():
    assert views_reaching_into_models(ROOT) == []


def test_no_import_circle_between_modules():
    assert module_cycles(ROOT) == []


@pytest.mark.parametrize("package", FRAMEWORK_FREE)
def test_framework_free_packages_import_no_django(package):
    found = [f"{item.module} imports {item.target}" for item in imports(ROOT)
             if package_of(item.module) == package and package_of(item.target) not in
             FRAMEWORK_FREE[:FRAMEWORK_FREE.index(package) + 1]]
    assert found == []
    module = f"hogo.{package}"
    code = (f"import sys, importlib, pkgutil; m = importlib.import_module({module!r});"
            "[importlib.import_module(i.name) for i in pkgutil.walk_packages("
            f"getattr(m, '__path__', []), {module + '.'!r}) if '.tests' not in i.name];"
            "print(sorted(n for n in sys.modules if n.split('.')[0] == 'django'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


# The checks themselves must be able to fail: a small tree with each fault in it.

def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "hogo"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_a_back_import_is_caught(tmp_path):
    root = _tree(tmp_path, {
        "__init__.py": "", "footage/__init__.py": "", "copies/__init__.py": "",
        "copies/services.py": "from hogo.footage.models import Segment\n",
        # the kind of back-import this map exists to stop: a domain app calling the UI shell
        "footage/retention.py": "def f():\n    from hogo.web.alerts import raise_alert\n",
        "web/__init__.py": "", "web/alerts.py": "",
    })
    found = back_imports(root, ("footage", "copies", "web"))
    assert found == ["hogo.footage.retention:2 imports hogo.web.alerts.raise_alert: "
                     "web stands above footage"]
    assert "has no floor" in back_imports(root, ("footage", "copies"))[0]


def test_a_view_importing_another_apps_models_is_caught(tmp_path):
    root = _tree(tmp_path, {
        "__init__.py": "", "copies/__init__.py": "", "media/__init__.py": "",
        "copies/views.py": "from hogo.media.models import Medium\nfrom hogo.copies import x\n",
        "copies/services.py": "from hogo.media.models import Medium\n",
    })
    assert views_reaching_into_models(root) == [
        "hogo.copies.views:1 imports hogo.media.models.Medium"]


def test_an_import_circle_is_caught(tmp_path):
    root = _tree(tmp_path, {
        "__init__.py": "", "footage/__init__.py": "",
        "footage/ingest.py": "from hogo.footage.retention import sweep\n",
        "footage/retention.py": "def f():\n    from hogo.footage import ingest\n",
    })
    assert module_cycles(root) == [["hogo.footage.ingest", "hogo.footage.retention",
                                    "hogo.footage.ingest"]]
