"""Random small packages and random valid plans over them, for the property tests.

A package lives under source root `src`: a top-level package `app` whose `__init__.py`
re-exports some modules (relative and absolute, with `__all__`), modules in HOC homes
(`app/hoc/<audience>/<domain>/engines|schemas`, with headers) and in plain homes
(`app/lib...`), and a test module `src/app_tests/test_generated.py` that imports them,
names them in `mock.patch` / `importlib.import_module` strings and checks their values.

Module k defines `V<k>` (a unique value), `K<k>` (a class), `f<k>()`, `total<k>()` (its
value plus the values of its top-level imports) and `lazy<k>()` (the values of modules it
imports inside the function). Module k imports, at module level, only modules of lower
index, in one of the forms the move step supports; inside functions and under
`TYPE_CHECKING` it may import any module. Only `app/__init__.py` re-exports, so importing
any module never meets a partially initialised module: the package imports in any order,
before and after any sequence of moves.

Plans are chains of file moves, package moves, moves back, `extract_schema` (modules with
a dataclass), `split_hybrid` (HYBRID modules doing database work) and `fix_header` (a
role, the layer from the folder). Moves keep HOC
modules in L5 homes and plain modules in plain homes, and never reuse a path a plan has
vacated except to move a file straight back, so a plan is idempotent and its inverse
(the moves reversed) is a plan too.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from codemods._dotted import relative_form

ROOT = "src"
TOP = "app"
TESTS = "src/app_tests/test_generated.py"

HOC_HOMES = (
    "app/hoc/cus/alpha/engines",
    "app/hoc/cus/alpha/schemas",
    "app/hoc/cus/beta/engines",
    "app/hoc/fdr/gamma/engines",
)
LIB_HOMES = ("app/lib", "app/lib/deep")
AUDIENCES = {"cus": "CUSTOMER", "fdr": "FOUNDER"}

# How module i imports module j at module level (and, but for `*`, inside functions).
MODULE_FORMS = ("import", "import_as", "from_pkg", "from_pkg_as", "rel_pkg")
NAME_FORMS = ("from_mod", "from_mod_as", "rel_mod", "star", "rel_star")
FORMS = MODULE_FORMS + NAME_FORMS
# What an expression reads through an import: the value, the function, the dataclass.
READS = ("V", "f", "D")


@dataclass(frozen=True)
class Dep:
    target: int
    form: str
    read: str  # one of READS ("D" only when the target has a dataclass)


@dataclass(frozen=True)
class Mod:
    key: int
    home: str
    deps: tuple[Dep, ...] = ()
    lazy: tuple[Dep, ...] = ()
    typing: tuple[tuple[int, str], ...] = ()  # (target, form) under TYPE_CHECKING
    dataclass: bool = False
    hybrid: bool = False

    @property
    def name(self) -> str:
        return f"m{self.key}"

    @property
    def value(self) -> int:
        return 7 * self.key + 3

    @property
    def hoc(self) -> bool:
        return self.home.startswith("app/hoc/")


@dataclass(frozen=True)
class Package:
    mods: tuple[Mod, ...]
    reexports: tuple[tuple[int, str], ...]  # (module, form) re-exported by app/__init__.py
    test_forms: tuple[str, ...]  # how the test module imports each module
    patched: tuple[int, ...]  # modules named in mock.patch strings

    def mod(self, key: int) -> Mod:
        return self.mods[key]

    def paths(self) -> dict[int, str]:
        return {m.key: f"{ROOT}/{m.home}/{m.name}.py" for m in self.mods}


# -- rendering ------------------------------------------------------------------------------
def dotted(path: str) -> str:
    """'src/app/lib/m1.py' -> 'app.lib.m1' ('__init__.py' -> its package)."""
    rel = path[len(ROOT) + 1 : -3]
    parts = rel.split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _parent(name: str) -> str:
    return name.rpartition(".")[0]


def _last(name: str) -> str:
    return name.rpartition(".")[2]


def _relative(target: str, package: str) -> str:
    form = relative_form(target, package)
    assert form is not None, (target, package)
    level, rest = form
    return "." * level + (rest or "")


def _import_lines(dep: Dep, importer: int, package: str, module: str) -> tuple[list[str], str]:
    """The import statement(s) for `dep` in a module of `package`, and the expression that
    reads the dependency's value through them."""
    j = dep.target
    parent, last = _parent(module), _last(module)
    attr = {"V": f"V{j}", "f": f"f{j}()", "D": f"D{j}().value"}[dep.read]
    name = {"V": f"V{j}", "f": f"f{j}", "D": f"D{j}"}[dep.read]
    tail = attr[len(name) :]  # "()" / "().value" / ""
    if dep.form == "import":
        return [f"import {module}"], f"{module}.{attr}"
    if dep.form == "import_as":
        alias = f"mod{j}_in{importer}"
        return [f"import {module} as {alias}"], f"{alias}.{attr}"
    if dep.form == "from_pkg":
        return [f"from {parent} import {last}"], f"{last}.{attr}"
    if dep.form == "from_pkg_as":
        alias = f"m{j}_alias{importer}"
        return [f"from {parent} import {last} as {alias}"], f"{alias}.{attr}"
    if dep.form == "rel_pkg":
        return [f"from {_relative(parent, package)} import {last}"], f"{last}.{attr}"
    if dep.form == "from_mod":
        return [f"from {module} import {name}"], f"{name}{tail}"
    if dep.form == "from_mod_as":
        alias = f"{name}_as{importer}"
        return [f"from {module} import {name} as {alias}"], f"{alias}{tail}"
    if dep.form == "rel_mod":
        return [f"from {_relative(module, package)} import {name}"], f"{name}{tail}"
    if dep.form == "star":
        return [f"from {module} import *"], f"{name}{tail}"
    if dep.form == "rel_star":
        return [f"from {_relative(module, package)} import *"], f"{name}{tail}"
    raise AssertionError(dep.form)


def header(home: str, *, hybrid: bool = False) -> str:
    if not home.startswith("app/hoc/"):
        return ""
    audience = AUDIENCES[home.split("/")[2]]
    if hybrid:
        return f"# Layer: L5/L6 — HYBRID\n# AUDIENCE: {audience}\n"
    kind = "Domain Schemas" if home.endswith("/schemas") else "Domain Engines"
    return f"# Layer: L5 — {kind}\n# AUDIENCE: {audience}\n"


def render_module(pkg: Package, mod: Mod, paths: dict[int, str]) -> str:
    me = dotted(paths[mod.key])
    package = _parent(me)
    out = [header(mod.home, hybrid=mod.hybrid), f'"""Module {mod.name}."""\n\n']
    out.append("from __future__ import annotations\n\n")
    std = ["from typing import TYPE_CHECKING"] if mod.typing else []
    if mod.dataclass:
        std.insert(0, "from dataclasses import dataclass")
    if std:
        out.append("\n".join(std) + "\n\n")
    exprs = []
    lines: list[str] = []
    for dep in mod.deps:
        imports, expr = _import_lines(dep, mod.key, package, dotted(paths[dep.target]))
        lines += imports
        exprs.append(expr)
    if lines:
        out.append("\n".join(lines) + "\n\n")
    if mod.typing:
        out.append("if TYPE_CHECKING:\n")
        for target, form in mod.typing:
            module = dotted(paths[target])
            where = _relative(module, package) if form == "rel_mod" else module
            out.append(f"    from {where} import K{target}\n")
        out.append("\n")
    out.append(f"V{mod.key} = {mod.value}\n\n\n")
    out.append(f'class K{mod.key}:\n    """A plain class."""\n\n\n')
    if mod.dataclass:
        out.append(f"@dataclass\nclass D{mod.key}:\n    value: int = {mod.value}\n\n\n")
    out.append(f"def f{mod.key}() -> int:\n    return V{mod.key}\n\n\n")
    out.append(f"def total{mod.key}() -> int:\n    return {' + '.join([f'V{mod.key}', *exprs])}\n")
    out.append(f"\n\ndef lazy{mod.key}() -> int:\n")
    lazy_exprs = []
    for dep in mod.lazy:
        imports, expr = _import_lines(dep, mod.key, package, dotted(paths[dep.target]))
        out.extend(f"    {line}\n" for line in imports)
        lazy_exprs.append(expr)
    out.append(f"    return {' + '.join(['0', *lazy_exprs])}\n")
    if mod.typing:
        params = ", ".join(f"item{t}: K{t} | None = None" for t, _ in mod.typing)
        out.append(f"\n\ndef typed{mod.key}({params}) -> int:\n    return 0\n")
    if mod.hybrid:
        k = mod.key
        out.append(
            f"\n\ndef record{k}(session, amount: int) -> None:\n"
            "    from sqlalchemy import text\n\n"
            f'    session.execute(text("INSERT INTO t{k} (amount) VALUES (:a)"), {{"a": amount}})\n'
            f"\n\ndef should{k}(amount: int) -> bool:\n    return amount > V{k}\n"
            f"\n\ndef act{k}(session, amount: int) -> bool:\n"
            f"    if not should{k}(amount):\n        return False\n"
            f"    record{k}(session, amount)\n    return True\n"
        )
    return "".join(out)


def total_of(pkg: Package, key: int) -> int:
    mod = pkg.mod(key)
    return mod.value + sum(pkg.mod(d.target).value for d in mod.deps)


def lazy_of(pkg: Package, key: int) -> int:
    return sum(pkg.mod(d.target).value for d in pkg.mod(key).lazy)


def render_init(pkg: Package, paths: dict[int, str]) -> str:
    lines = ['"""The generated app."""\n']
    names = []
    for key, form in pkg.reexports:
        module = dotted(paths[key])
        if form == "rel_name":
            lines.append(f"from {_relative(module, TOP)} import f{key}")
            names.append(f"f{key}")
        elif form == "abs_name":
            lines.append(f"from {module} import f{key} as f{key}")
            names.append(f"f{key}")
        else:  # rel_module
            lines.append(f"from {_relative(_parent(module), TOP)} import m{key}")
            names.append(f"m{key}")
    listed = ", ".join(f'"{n}"' for n in sorted(names))
    return "\n".join(lines) + f"\n\n__all__ = [{listed}]\n"


def render_tests(pkg: Package, paths: dict[int, str]) -> str:
    imports = ["import importlib", "from unittest import mock", "", "import app"]
    checks = []
    for mod, form in zip(pkg.mods, pkg.test_forms, strict=True):
        module = dotted(paths[mod.key])
        k = mod.key
        if form == "import":
            imports.append(f"import {module}")
            ref = f"{module}."
        elif form == "from_pkg":
            imports.append(f"from {_parent(module)} import {mod.name}")
            ref = f"{mod.name}."
        else:
            imports.append(f"from {module} import lazy{k}, total{k}")
            ref = ""
        checks.append(f"    assert {ref}total{k}() == {total_of(pkg, k)}")
        checks.append(f"    assert {ref}lazy{k}() == {lazy_of(pkg, k)}")
    text = "\n".join(imports) + "\n\n\n"
    text += "class FakeSession:\n    def __init__(self):\n        self.calls = 0\n\n"
    text += "    def execute(self, *args):\n        self.calls += 1\n\n\n"
    text += "def test_totals():\n" + "\n".join(checks) + "\n"
    text += "\n\ndef test_patch_strings():\n"
    for k in pkg.patched:
        module = dotted(paths[k])
        text += (
            f'    with mock.patch("{module}.V{k}", 1000):\n'
            f'        assert importlib.import_module("{module}").f{k}() == 1000\n'
        )
    text += "    assert True\n"
    text += "\n\ndef test_reexports():\n"
    for key, form in pkg.reexports:
        if form == "rel_module":
            text += f"    assert app.m{key}.f{key}() == {pkg.mod(key).value}\n"
        else:
            text += f"    assert app.f{key}() == {pkg.mod(key).value}\n"
    names = sorted(f"m{k}" if form == "rel_module" else f"f{k}" for k, form in pkg.reexports)
    text += f"    assert app.__all__ == {names!r}\n"
    hybrids = [m for m in pkg.mods if m.hybrid]
    text += "\n\ndef test_hybrids():\n"
    for mod in hybrids:
        module = dotted(paths[mod.key])
        k = mod.key
        text += (
            f'    engine = importlib.import_module("{module}")\n'
            "    session = FakeSession()\n"
            f"    assert engine.act{k}(session, {mod.value + 1})\n"
            f"    assert not engine.act{k}(session, 0)\n"
            "    assert session.calls == 1\n"
        )
    text += "    assert True\n"
    return text


def render(pkg: Package) -> dict[str, str]:
    """The package's files, by repository path."""
    paths = pkg.paths()
    files: dict[str, str] = {}
    folders = {TOP, "app_tests"}
    for mod in pkg.mods:
        parts = mod.home.split("/")
        folders.update("/".join(parts[: i + 1]) for i in range(len(parts)))
        files[paths[mod.key]] = render_module(pkg, mod, paths)
    for folder in sorted(folders):
        # Not the text hoc-migrate writes into folders it creates (those it may remove).
        files[f"{ROOT}/{folder}/__init__.py"] = f'"""Package {folder.replace("/", ".")}."""\n'
    files[f"{ROOT}/app/__init__.py"] = render_init(pkg, paths)
    files[TESTS] = render_tests(pkg, paths)
    files["README.md"] = "A generated package.\n"
    return files


# -- strategies -----------------------------------------------------------------------------
@st.composite
def packages(draw: st.DrawFn, max_modules: int = 7) -> Package:
    count = draw(st.integers(min_value=2, max_value=max_modules))
    homes = [draw(st.sampled_from(HOC_HOMES + LIB_HOMES)) for _ in range(count)]
    dataclass = [draw(st.booleans()) for _ in range(count)]
    hybrid = [h.endswith("/engines") and draw(st.integers(0, 2)) == 0 for h in homes]

    def dep(i: int, target: int, *, lazy: bool = False) -> Dep:
        reads = [r for r in READS if r != "D" or dataclass[target]]
        forms = [f for f in FORMS if not (lazy and "star" in f)]  # `import *` is module-level
        return Dep(target, draw(st.sampled_from(forms)), draw(st.sampled_from(reads)))

    mods = []
    for i in range(count):
        lower = draw(st.sets(st.integers(0, i - 1), max_size=3)) if i else set()
        others = [j for j in range(count) if j != i]
        lazy = draw(st.sets(st.sampled_from(others), max_size=2))
        typing = draw(st.sets(st.sampled_from(others), max_size=2))
        mods.append(
            Mod(
                key=i,
                home=homes[i],
                deps=tuple(dep(i, j) for j in sorted(lower)),
                lazy=tuple(dep(i, j, lazy=True) for j in sorted(lazy)),
                typing=tuple(
                    (j, draw(st.sampled_from(("from_mod", "rel_mod")))) for j in sorted(typing)
                ),
                dataclass=dataclass[i],
                hybrid=hybrid[i],
            )
        )
    reexported = draw(st.sets(st.integers(0, count - 1), max_size=3))
    reexports = tuple(
        (k, draw(st.sampled_from(("rel_name", "abs_name", "rel_module"))))
        for k in sorted(reexported)
    )
    test_forms = tuple(draw(st.sampled_from(("import", "from_pkg", "from_mod"))) for _ in mods)
    patched = tuple(sorted(draw(st.sets(st.integers(0, count - 1), max_size=3))))
    return Package(tuple(mods), reexports, test_forms, patched)


@dataclass
class _PlanState:
    """The tree as the plan's steps leave it (paths only)."""

    paths: dict[int, str]  # module key -> file path
    folders: set[str]  # package folders (repo paths)
    hoc: dict[int, bool]
    extracted: set[int] = field(default_factory=set)
    split: set[int] = field(default_factory=set)
    created: set[str] = field(default_factory=set)  # files made by extract/split
    # Folders the plan created (with hoc-migrate's __init__.py), current path -> where it was
    # made: the marker names its package, so only there is it recognised as one.
    made: dict[str, str] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)  # every path the plan has touched
    counter: Iterator[int] = field(default_factory=lambda: iter(range(100, 10_000)))

    def taken(self, path: str) -> bool:
        files = set(self.paths.values()) | self.created
        prefix = path + "/"
        return (
            path in files
            or path in self.folders
            or any(f.startswith(prefix) for f in files)
            or path in self.used
        )


def _domain(path: str) -> str:
    return "/".join(path.split("/")[:5])  # src/app/hoc/<aud>/<dom>


@st.composite
def plans(draw: st.DrawFn, pkg: Package, *, moves_only: bool = False) -> list[dict[str, Any]]:
    """A valid plan over `pkg`: 1 to 6 steps, each runnable where the steps before left it."""
    paths = pkg.paths()
    folders = {f"{ROOT}/{f}" for f in _folders(pkg)}
    state = _PlanState(dict(paths), folders, {m.key: m.hoc for m in pkg.mods})
    state.used = set(paths.values())
    steps: list[dict[str, Any]] = []
    kinds = ["move", "move", "package", "back"]
    if not moves_only:
        kinds += ["extract", "split", "header"]
    wanted = draw(st.integers(min_value=1, max_value=6))
    for _ in range(3 * wanted):  # a draw may not fit the tree: try another
        if len(steps) == wanted:
            break
        kind = draw(st.sampled_from(kinds))
        step = {
            "move": _file_move,
            "package": _package_move,
            "back": _move_back,
            "extract": _extract,
            "split": _split,
            "header": _header,
        }[kind](draw, pkg, state, steps)
        if step is not None:
            steps.append(step)
    if not steps:  # every draw was impossible: rename a module where it is
        key = min(state.paths)
        src = state.paths[key]
        dst = f"{src.rpartition('/')[0]}/{_fresh(state, 'n')}.py"
        state.paths[key] = dst
        steps.append({"move": {"from": src, "to": dst}})
    return steps


def _folders(pkg: Package) -> set[str]:
    out = {TOP, "app_tests"}
    for mod in pkg.mods:
        parts = mod.home.split("/")
        out.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    return out


def _fresh(state: _PlanState, stem: str) -> str:
    return f"{stem}{next(state.counter)}"


def _file_move(
    draw: st.DrawFn, pkg: Package, state: _PlanState, steps: Sequence[dict[str, Any]]
) -> dict[str, Any] | None:
    key = draw(st.sampled_from(sorted(state.paths)))
    src = state.paths[key]
    if state.hoc[key]:
        domains = sorted({_domain(f + "/x") for f in state.folders if f.count("/") >= 4})
        domains = [d for d in domains if d.startswith(f"{ROOT}/app/hoc/")]
        new_domain = f"{ROOT}/app/hoc/{draw(st.sampled_from(sorted(AUDIENCES)))}/" + _fresh(
            state, "d"
        )
        domain = draw(st.sampled_from([*domains, new_domain]))
        folder = draw(
            st.sampled_from([f"{domain}/engines", f"{domain}/schemas", f"{domain}/engines/sub"])
        )
    else:
        libs = sorted(f for f in state.folders if f.startswith(f"{ROOT}/app/lib"))
        folder = draw(st.sampled_from([*libs, f"{ROOT}/app/lib/{_fresh(state, 'q')}"]))
    name = draw(st.sampled_from([src.rpartition("/")[2][:-3], _fresh(state, "n")]))
    dst = f"{folder}/{name}.py"
    if dst == src or state.taken(dst) or state.taken(folder + ".py"):
        return None
    _add_folders(state, folder)
    state.paths[key] = dst
    state.used.add(dst)
    _prune(state, src)
    return {"move": {"from": src, "to": dst}}


def _add_folders(state: _PlanState, folder: str, *, made: bool = True) -> None:
    parts = folder.split("/")
    for i in range(2, len(parts) + 1):
        path = "/".join(parts[:i])
        if path not in state.folders:
            state.folders.add(path)
            if made:
                state.made[path] = path


def _prune(state: _PlanState, moved_from: str) -> None:
    """As the move step does: folders the plan created and a move emptied go away."""
    files = set(state.paths.values()) | state.created
    parts = moved_from.split("/")
    for i in range(len(parts) - 1, 1, -1):
        folder = "/".join(parts[:i])
        if state.made.get(folder) != folder or any(f.startswith(folder + "/") for f in files):
            break
        state.folders = {f for f in state.folders if f != folder and not f.startswith(folder + "/")}
        del state.made[folder]


def _package_move(
    draw: st.DrawFn, pkg: Package, state: _PlanState, steps: Sequence[dict[str, Any]]
) -> dict[str, Any] | None:
    candidates = sorted(
        f
        for f in state.folders
        if (f.startswith(f"{ROOT}/app/hoc/") and f.count("/") == 4)
        or (f.startswith(f"{ROOT}/app/lib/") and f.count("/") == 3)
    )
    if not candidates:
        return None
    src = draw(st.sampled_from(candidates))
    if src.startswith(f"{ROOT}/app/hoc/"):
        audience = draw(st.sampled_from(sorted(AUDIENCES)))
        dst = f"{ROOT}/app/hoc/{audience}/{_fresh(state, 'd')}"
    else:
        dst = draw(
            st.sampled_from(
                [f"{ROOT}/app/lib/{_fresh(state, 'p')}", f"{ROOT}/app/{_fresh(state, 'util')}"]
            )
        )
    if state.taken(dst):
        return None
    _move_prefix(state, src, dst)
    return {"move": {"from": src, "to": dst}}


def _move_prefix(state: _PlanState, src: str, dst: str) -> None:
    prefix = src + "/"
    for key, path in state.paths.items():
        if path.startswith(prefix):
            state.paths[key] = dst + path[len(src) :]
    state.created = {dst + p[len(src) :] if p.startswith(prefix) else p for p in state.created}
    state.folders = {
        dst + f[len(src) :] if f == src or f.startswith(prefix) else f for f in state.folders
    }
    state.made = {
        dst + f[len(src) :] if f == src or f.startswith(prefix) else f: origin
        for f, origin in state.made.items()
    }
    _add_folders(state, dst.rpartition("/")[0])
    state.folders.add(dst)
    state.used.add(dst)
    _prune(state, src)


def _move_back(
    draw: st.DrawFn, pkg: Package, state: _PlanState, steps: Sequence[dict[str, Any]]
) -> dict[str, Any] | None:
    if not steps or "move" not in steps[-1]:
        return None
    last = steps[-1]["move"]
    src, dst = last["to"], last["from"]
    files = set(state.paths.values()) | state.created
    if src in files:
        key = next(k for k, p in state.paths.items() if p == src)
        state.paths[key] = dst
        _add_folders(state, dst.rpartition("/")[0])
        _prune(state, src)
    else:
        _move_prefix(state, src, dst)
    return {"move": {"from": src, "to": dst}}


def _extract(
    draw: st.DrawFn, pkg: Package, state: _PlanState, steps: Sequence[dict[str, Any]]
) -> dict[str, Any] | None:
    keys = [
        m.key for m in pkg.mods if m.dataclass and state.hoc[m.key] and m.key not in state.extracted
    ]
    if not keys:
        return None
    key = draw(st.sampled_from(keys))
    src = state.paths[key]
    dst = f"{_domain(src)}/schemas/{src.rpartition('/')[2][:-3]}_schemas.py"
    if state.taken(dst) or dst == src:
        return None
    state.extracted.add(key)
    state.created.add(dst)
    state.used.add(dst)
    _add_folders(state, dst.rpartition("/")[0])
    return {"extract_schema": {"from": src, "to": dst, "names": [f"D{key}"]}}


def _split(
    draw: st.DrawFn, pkg: Package, state: _PlanState, steps: Sequence[dict[str, Any]]
) -> dict[str, Any] | None:
    keys = [m.key for m in pkg.mods if m.hybrid and m.key not in state.split]
    if not keys:
        return None
    key = draw(st.sampled_from(keys))
    src = state.paths[key]
    driver = f"{_domain(src)}/drivers/{src.rpartition('/')[2][:-3]}_driver.py"
    if state.taken(driver):
        return None
    state.split.add(key)
    state.created.add(driver)
    state.used.add(driver)
    _add_folders(state, driver.rpartition("/")[0])
    return {"split_hybrid": {"path": src, "driver": driver}}


def _header(
    draw: st.DrawFn, pkg: Package, state: _PlanState, steps: Sequence[dict[str, Any]]
) -> dict[str, Any] | None:
    """`fix_header` on a HOC module where it is now: a role, and the layer from its folder."""
    keys = [m.key for m in pkg.mods if state.hoc[m.key]]
    if not keys:
        return None
    key = draw(st.sampled_from(keys))
    role = draw(st.sampled_from(["pricing rules", "Schemas — café ü", "a: b # c"]))
    options: dict[str, Any] = {"path": state.paths[key], "role": role}
    if draw(st.booleans()):
        options["layer"] = "auto"
    return {"fix_header": options}


def inverse(steps: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The moves of a moves-only plan, reversed."""
    assert all(set(s) == {"move"} for s in steps)
    return [{"move": {"from": s["move"]["to"], "to": s["move"]["from"]}} for s in reversed(steps)]


def plan_yaml(name: str, steps: Sequence[dict[str, Any]]) -> str:
    import yaml

    return yaml.safe_dump(
        {"name": name, "source_roots": [ROOT], "steps": list(steps)}, sort_keys=False
    )
