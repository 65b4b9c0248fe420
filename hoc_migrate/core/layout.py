"""Where a project's top-level packages live (its source roots), and why we think so.

The project's own packaging metadata decides first (setuptools, hatch, flit, poetry, pdm,
maturin, in `pyproject.toml`, `setup.cfg` or a literal `setup.py`); without any, the tree
does (a `src/` folder holding packages, packages or modules at the root). Every answer
carries its reason, so `dry-run` and `plan explain` can say which roots were used and why.

Pure: the callers hand in file contents (bytes) and a way to ask the tree about folders.
"""

from __future__ import annotations

import ast
import configparser
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from hoc_migrate.core.modules import normalize_root

# Folders at the root that hold tooling, not the project's importable code.
_NOT_CODE = frozenset({"docs", "doc", "examples", "example", "benchmarks", "bench", "scripts"})


@dataclass(frozen=True)
class SourceRoot:
    root: str  # repository-relative folder; '' is the repository root
    reason: str

    @property
    def shown(self) -> str:
        return self.root or "."


@dataclass(frozen=True)
class Layout:
    """The source roots found, each with the reason it was chosen."""

    roots: tuple[SourceRoot, ...]

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(r.root for r in self.roots)

    def describe(self) -> list[str]:
        return [f"{r.shown} ({r.reason})" for r in self.roots]


def given(roots: Iterable[str], reason: str) -> Layout:
    return Layout(tuple(SourceRoot(normalize_root(r), reason) for r in dict.fromkeys(roots)))


@dataclass(frozen=True)
class Metadata:
    """The packaging files of a project, as bytes (None: absent)."""

    pyproject: bytes | None = None
    setup_cfg: bytes | None = None
    setup_py: bytes | None = None


# A question about the tree: is this repository-relative path a folder / a file?
Probe = Callable[[str], bool]


def metadata_roots(meta: Metadata, is_dir: Probe, is_file: Probe) -> list[SourceRoot]:
    """The roots the project's packaging metadata names (possibly none)."""
    found: list[SourceRoot] = []
    if meta.pyproject is not None:
        found += _pyproject_roots(_toml(meta.pyproject), is_dir, is_file)
    if not found and meta.setup_cfg is not None:
        found += _setup_cfg_roots(meta.setup_cfg)
    if not found and meta.setup_py is not None:
        found += _setup_py_roots(meta.setup_py)
    return _existing(found, is_dir)


def tree_roots(
    top_level: Mapping[str, list[str]],
    is_file: Probe,
    holds_python: Probe,
    where: str = "the repository root",
) -> list[SourceRoot]:
    """Roots seen in the tree: `top_level` maps a folder ('' or 'src') to its entries.

    `src/` holding a package or module is a src layout: a folder there holding Python files
    is a package even without `__init__.py` (a namespace package; nothing but code goes in
    `src/`). Packages (folders with an `__init__.py`) or modules at the root make the root
    a source root too: a bare folder there may be tests or scripts. `where` names the root
    in the reasons (a project in a subfolder has its own)."""
    found: list[SourceRoot] = []
    src = [e for e in top_level.get("src", []) if _is_code_entry("src", e, is_file)]
    namespaces = [
        e
        for e in top_level.get("src", [])
        if e not in src and e.isidentifier() and holds_python(f"src/{e}")
    ]
    if src or namespaces:
        plural = "s" if len(namespaces) > 1 else ""
        kind = f"; namespace package{plural}: {_names(namespaces)}" if namespaces else ""
        shown = _names(src + namespaces)
        found.append(SourceRoot("src", f"src/ holds {shown} (a src layout{kind})"))
    root = [
        e
        for e in top_level.get("", [])
        if e not in _NOT_CODE and e != "src" and _is_code_entry("", e, is_file)
    ]
    packages = [e for e in root if not e.endswith(".py")]
    if packages:
        found.append(SourceRoot("", f"packages at {where}: {_names(packages)}"))
    elif root and not found:
        found.append(SourceRoot("", f"modules at {where}: {_names(root)}"))
    return found


def is_project(meta: Metadata) -> bool:
    """Whether the packaging files describe a project (not only tool settings): a
    `[project]`, `[build-system]` or poetry table, setup.cfg's `[metadata]` or `[options]`,
    or a setup.py."""
    if meta.setup_py is not None:
        return True
    if meta.pyproject is not None:
        data = _toml(meta.pyproject)
        if any(_table(data, *keys) for keys in (("project",), ("build-system",))):
            return True
        if _table(data, "tool", "poetry"):
            return True
    if meta.setup_cfg is not None:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(meta.setup_cfg.decode("utf-8"))
        except (UnicodeDecodeError, configparser.Error):
            return False
        return parser.has_section("metadata") or parser.has_section("options")
    return False


def _names(entries: list[str]) -> str:
    shown = ", ".join(sorted(entries)[:4])
    return shown + (", ..." if len(entries) > 4 else "")


def _is_code_entry(folder: str, entry: str, is_file: Probe) -> bool:
    prefix = f"{folder}/" if folder else ""
    if entry.endswith(".py"):
        return entry[:-3].isidentifier() and entry not in ("setup.py", "conftest.py")
    return entry.isidentifier() and is_file(f"{prefix}{entry}/__init__.py")


def _existing(found: list[SourceRoot], is_dir: Probe) -> list[SourceRoot]:
    out: dict[str, SourceRoot] = {}
    for item in found:
        root = normalize_root(item.root)
        if ".." in root.split("/") or root.startswith("/"):
            continue
        if (root == "" or is_dir(root)) and root not in out:
            out[root] = SourceRoot(root, item.reason)
    return list(out.values())


def _toml(data: bytes) -> dict[str, Any]:
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def _table(data: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    current: Any = data
    for key in keys:
        current = current.get(key) if isinstance(current, Mapping) else None
    return dict(current) if isinstance(current, Mapping) else {}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _parent(path: str) -> str:
    return normalize_root(path).rpartition("/")[0]


def _import_name(project_name: str) -> str:
    return re.sub(r"[-.]+", "_", project_name).lower()


def _default_package(
    data: Mapping[str, Any], is_dir: Probe, is_file: Probe, tool: str
) -> list[SourceRoot]:
    """Where a backend that finds the package by the project's name would find it."""
    name = _table(data, "project").get("name") or _table(data, "tool", "poetry").get("name")
    if not isinstance(name, str):
        return []
    module = _import_name(name)
    for root in ("src", ""):
        prefix = f"{root}/" if root else ""
        if is_dir(f"{prefix}{module}") or is_file(f"{prefix}{module}.py"):
            where = f"{prefix}{module}"
            return [SourceRoot(root, f"{tool} finds the project's package at {where}")]
    return []


def _pyproject_roots(data: dict[str, Any], is_dir: Probe, is_file: Probe) -> list[SourceRoot]:
    found: list[SourceRoot] = []
    setuptools = _table(data, "tool", "setuptools")
    package_dir = setuptools.get("package-dir")
    if isinstance(package_dir, Mapping) and isinstance(package_dir.get(""), str):
        reason = "pyproject.toml [tool.setuptools] package-dir"
        found.append(SourceRoot(package_dir[""], reason))
    find = _table(data, "tool", "setuptools", "packages", "find")
    for where in _strings(find.get("where")):
        found.append(SourceRoot(where, "pyproject.toml [tool.setuptools.packages.find] where"))
    if not found and isinstance(setuptools.get("packages"), list):
        found.append(SourceRoot("", "pyproject.toml [tool.setuptools] packages"))
    for keys in (("tool", "hatch", "build", "targets", "wheel"), ("tool", "hatch", "build")):
        hatch = _table(data, *keys)
        section = "[" + ".".join(keys) + "]"
        for package in _strings(hatch.get("packages")):
            found.append(SourceRoot(_parent(package), f"pyproject.toml {section} packages"))
        sources = hatch.get("sources")
        if isinstance(sources, list):
            for source in _strings(sources):
                found.append(SourceRoot(source, f"pyproject.toml {section} sources"))
        elif isinstance(sources, Mapping):
            for source, prefix in sources.items():
                if prefix == "" and isinstance(source, str):
                    found.append(SourceRoot(source, f"pyproject.toml {section} sources"))
    poetry = _table(data, "tool", "poetry")
    for package in poetry.get("packages") or []:
        if isinstance(package, Mapping) and isinstance(package.get("include"), str):
            where = package.get("from", "")
            found.append(
                SourceRoot(
                    where if isinstance(where, str) else "", "pyproject.toml [tool.poetry] packages"
                )
            )
    pdm_dir = _table(data, "tool", "pdm", "build").get("package-dir")
    if isinstance(pdm_dir, str):
        found.append(SourceRoot(pdm_dir, "pyproject.toml [tool.pdm.build] package-dir"))
    maturin = _table(data, "tool", "maturin").get("python-source")
    if isinstance(maturin, str):
        found.append(SourceRoot(maturin, "pyproject.toml [tool.maturin] python-source"))
    flit = _table(data, "tool", "flit", "module").get("name")
    if isinstance(flit, str):
        for root in ("src", ""):
            prefix = f"{root}/" if root else ""
            if is_dir(f"{prefix}{flit}") or is_file(f"{prefix}{flit}.py"):
                found.append(SourceRoot(root, "pyproject.toml [tool.flit.module] name"))
                break
    if found:
        return found
    backend = _table(data, "build-system").get("build-backend")
    tools = {
        "hatchling.build": "hatchling",
        "flit_core.buildapi": "flit",
        "poetry.core.masonry.api": "poetry",
        "pdm.backend": "pdm",
        "setuptools.build_meta": "setuptools",
    }
    tool = tools.get(backend) if isinstance(backend, str) else None
    if tool is not None:
        return _default_package(data, is_dir, is_file, tool)
    return []


def _setup_cfg_roots(data: bytes) -> list[SourceRoot]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(data.decode("utf-8"))
    except (UnicodeDecodeError, configparser.Error):
        return []
    found: list[SourceRoot] = []
    if parser.has_option("options", "package_dir"):
        for line in parser.get("options", "package_dir").splitlines():
            key, sep, value = line.partition("=")
            if sep and not key.strip() and value.strip():
                found.append(SourceRoot(value.strip(), "setup.cfg [options] package_dir"))
    if parser.has_option("options.packages.find", "where"):
        for where in parser.get("options.packages.find", "where").split():
            found.append(SourceRoot(where, "setup.cfg [options.packages.find] where"))
    if not found and parser.has_option("options", "packages"):
        found.append(SourceRoot("", "setup.cfg [options] packages"))
    return found


def _setup_py_roots(data: bytes) -> list[SourceRoot]:
    """`package_dir={"": "src"}` or `packages=find_packages("src")` in a literal `setup()`."""
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return []
    found: list[SourceRoot] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _called(node) == "setup"):
            continue
        for keyword in node.keywords:
            value = keyword.value
            if keyword.arg == "package_dir" and isinstance(value, ast.Dict):
                for key, target in zip(value.keys, value.values, strict=True):
                    if _constant(key) == "" and isinstance(_constant(target), str):
                        found.insert(0, SourceRoot(str(_constant(target)), "setup.py package_dir"))
            elif keyword.arg == "packages":
                found.append(_setup_py_packages(value))
    return found[:1]


def _setup_py_packages(value: ast.expr) -> SourceRoot:
    if isinstance(value, ast.Call) and _called(value) in (
        "find_packages",
        "find_namespace_packages",
    ):
        where = value.args[0] if value.args else None
        for keyword in value.keywords:
            if keyword.arg == "where":
                where = keyword.value
        if isinstance(_constant(where), str):
            return SourceRoot(str(_constant(where)), f"setup.py {_called(value)}(where)")
        return SourceRoot("", f"setup.py {_called(value)}()")
    return SourceRoot("", "setup.py packages")


def _called(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _constant(node: ast.AST | None) -> object:
    return node.value if isinstance(node, ast.Constant) else None
