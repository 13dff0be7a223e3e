"""The shape of the code (docs/ARCHITECTURE.md): only ``tipdash/web/`` imports streamlit, no import
circle between tipdash modules, no package attribute hiding a module of the same name, modules
under 400 lines, functions under 60, thin pages. Each check is a function of a source tree, run
on the real one and, so that it can fail, on a small tree written with one fault of each kind.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
MAX_PAGE_LINES = 150
#: ``path:function`` allowed over MAX_FUNCTION_LINES, each with its reason. Keep it empty.
FUNCTION_ALLOW: dict[str, str] = {}


def modules(root: Path, package: str = "tipdash") -> dict[str, Path]:
    """Dotted module name -> file (a package is named by its ``__init__.py``)."""
    out = {}
    for f in sorted((root / package).rglob("*.py")):
        name = ".".join(f.relative_to(root).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = f
    return out


def imports(name: str, path: Path, mods: dict[str, Path]) -> set[str]:
    """The tipdash modules ``name`` imports, anywhere in the file (lazy imports included):
    ``from pkg import sub`` is an edge to the module ``pkg.sub``, ``from pkg import name`` to
    ``pkg`` itself (its ``__init__``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name in mods}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            for a in node.names:
                target = f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base
                if target in mods and target != name:
                    out.add(target)
    return out


def import_circles(root: Path) -> list[list[str]]:
    """Every import circle between modules, each as the list of modules around it."""
    mods = modules(root)
    graph = {m: imports(m, f, mods) for m, f in mods.items()}
    circles, state, stack = [], {}, []

    def visit(m: str) -> None:
        state[m] = "open"
        stack.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == "open":
                circles.append(stack[stack.index(n):] + [n])
            elif n not in state:
                visit(n)
        stack.pop()
        state[m] = "done"

    for m in sorted(graph):
        if m not in state:
            visit(m)
    return circles


def streamlit_outside_web(root: Path) -> list[str]:
    """Modules outside ``tipdash/web/`` that import streamlit."""
    out = []
    for name, path in modules(root).items():
        if name == "tipdash.web" or name.startswith("tipdash.web."):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            if any(n == "streamlit" or n.startswith("streamlit.") for n in names):
                out.append(name)
                break
    return out


def shadowed_modules(root: Path) -> list[str]:
    """``pkg.sub`` where the package's ``__init__`` binds ``sub`` to something else (a function
    ``pkg.sub`` would hide the module ``pkg.sub`` from ``from pkg import sub``)."""
    mods = modules(root)
    out = []
    for pkg, path in mods.items():
        if path.name != "__init__.py":
            continue
        subs = {m.rpartition(".")[2] for m in mods if m.rpartition(".")[0] == pkg}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom):
                bound = [(a.asname or a.name, f"{node.module}.{a.name}") for a in node.names]
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                bound = [(node.name, None)]
            elif isinstance(node, ast.Assign):
                bound = [(t.id, None) for t in node.targets if isinstance(t, ast.Name)]
            else:
                continue
            out += [f"{pkg}.{b}" for b, source in bound if b in subs and source != f"{pkg}.{b}"]
    return out


def long_modules(root: Path) -> list[str]:
    return [f"{f.relative_to(root)} ({n} lines)" for f in modules(root).values()
            if (n := len(f.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]


def long_functions(root: Path, dirs=("tipdash", "pages"), extra=("app.py",)) -> list[str]:
    files = [f for d in dirs for f in sorted((root / d).rglob("*.py"))]
    files += [root / e for e in extra if (root / e).exists()]
    out = []
    for f in files:
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                key = f"{f.relative_to(root)}:{node.name}"
                if n > MAX_FUNCTION_LINES and key not in FUNCTION_ALLOW:
                    out.append(f"{key} ({n} lines)")
    return out


def long_pages(root: Path) -> list[str]:
    return [f"{f.relative_to(root)} ({n} lines)" for f in sorted((root / "pages").glob("*.py"))
            if (n := len(f.read_text(encoding="utf-8").splitlines())) > MAX_PAGE_LINES]


# ------------------------------------------------------------------------------ the real tree

def test_only_tipdash_web_imports_streamlit():
    assert streamlit_outside_web(ROOT) == []


def test_no_import_circle():
    assert import_circles(ROOT) == []


def test_no_package_attribute_hides_a_module():
    assert shadowed_modules(ROOT) == []


def test_modules_are_short():
    assert long_modules(ROOT) == []


def test_functions_are_short():
    assert long_functions(ROOT) == []


def test_pages_are_thin():
    assert long_pages(ROOT) == []


def test_the_checks_see_the_whole_package():
    mods = modules(ROOT)
    assert {"tipdash.ingest.load", "tipdash.indicators.sql", "tipdash.note.generate", "tipdash.web.auth",
            "tipdash.privacy", "tipdash.values"} <= set(mods)
    # a lazy import inside a function counts too
    assert "tipdash.ingest" in imports("tipdash.web.cache", mods["tipdash.web.cache"], mods)


# ------------------------------------------------------------------------------ a tree with faults

def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def bad_tree(tmp_path) -> Path:
    write(tmp_path, "tipdash/__init__.py", "")
    write(tmp_path, "tipdash/good.py", "import os\n")
    write(tmp_path, "tipdash/charts.py", "def draw():\n    import streamlit as st\n    st.write(1)\n")
    write(tmp_path, "tipdash/web/__init__.py", "import streamlit\n")
    write(tmp_path, "tipdash/a.py", "from tipdash import b\n")
    write(tmp_path, "tipdash/b.py", "def f():\n    from tipdash.a import g\n")
    write(tmp_path, "tipdash/pkg/__init__.py", "from tipdash.pkg.sub import sub\nfrom tipdash.pkg.ok import run\n")
    write(tmp_path, "tipdash/pkg/sub.py", "def sub():\n    pass\n")
    write(tmp_path, "tipdash/pkg/ok.py", "from tipdash import pkg\n\n\ndef run():\n    pass\n")
    write(tmp_path, "tipdash/big.py", "x = 1\n" * (MAX_MODULE_LINES + 1))
    write(tmp_path, "tipdash/slow.py", "def long():\n" + "    x = 1\n" * MAX_FUNCTION_LINES)
    write(tmp_path, "pages/fat.py", "import streamlit as st\n" + "st.write(1)\n" * MAX_PAGE_LINES)
    write(tmp_path, "pages/thin.py", "import streamlit as st\n")
    return tmp_path


def test_checks_find_each_fault(bad_tree):
    assert streamlit_outside_web(bad_tree) == ["tipdash.charts"]
    circles = import_circles(bad_tree)
    assert ["tipdash.a", "tipdash.b", "tipdash.a"] in circles
    assert ["tipdash.pkg", "tipdash.pkg.ok", "tipdash.pkg"] in circles   # a module importing its own package
    assert len(circles) == 2
    assert shadowed_modules(bad_tree) == ["tipdash.pkg.sub"]
    assert long_modules(bad_tree) == [f"tipdash/big.py ({MAX_MODULE_LINES + 1} lines)"]
    assert long_functions(bad_tree) == [f"tipdash/slow.py:long ({MAX_FUNCTION_LINES + 1} lines)"]
    assert long_pages(bad_tree) == [f"pages/fat.py ({MAX_PAGE_LINES + 1} lines)"]

