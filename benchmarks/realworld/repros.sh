#!/usr/bin/env bash
# Minimal reproductions of the defects the real-world replay found, a few files each.
# Usage: benchmarks/realworld/repros.sh [CASE...]   (default: every case; the lying-verdict
# case builds a small venv, about a minute). Each case prints what hoc-migrate said and what
# a user would check; "EXPECTED:" says what should happen. Writes only under a temp folder.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
checkout="$(cd "$here/../.." && pwd)"
hoc="${HOC:-$checkout/.venv/bin/hoc-migrate}"
python="$(dirname "$hoc")/python"
work="$(mktemp -d /tmp/hoc-repros.XXXXXX)"
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=r GIT_AUTHOR_EMAIL=r@example.invalid GIT_COMMITTER_NAME=r \
  GIT_COMMITTER_EMAIL=r@example.invalid PYTHONDONTWRITEBYTECODE=1 COLUMNS=200 NO_COLOR=1

# new_repo NAME: an empty git repository in the work folder, as the current directory.
new_repo() { mkdir -p "$work/$1" && cd "$work/$1" && git init -q -b main; }
commit() { git add -A && git commit -qm base; }
file() { mkdir -p "$(dirname "$1")" && cat > "$1"; }
say() { printf '\n=== %s\n' "$*"; }

case_roots() {
  say "no source_roots: flat and src layouts are refused"
  new_repo flat
  file pkg/__init__.py </dev/null
  echo 'x = 1' | file pkg/a.py
  echo 'from pkg.a import x' | file pkg/b.py
  printf 'name: r\nsteps:\n  - move: {from: pkg/a.py, to: pkg/core/a.py}\n' | file plan.yaml
  commit; "$hoc" plan validate plan.yaml; echo "exit $?"
  new_repo src
  file src/pkg/__init__.py </dev/null
  echo 'x = 1' | file src/pkg/a.py
  echo 'from pkg.a import x' | file src/pkg/b.py
  printf 'name: r\nsteps:\n  - move: {from: src/pkg/a.py, to: src/pkg/core/a.py}\n' | file plan.yaml
  commit; "$hoc" plan validate plan.yaml; echo "exit $?"
  echo "EXPECTED: valid; roots found: '.' (flat), 'src' (src layout)"
}

case_outside() {
  say "files outside the roots: tests/ and conftest.py neither rewritten nor listed"
  new_repo outside
  file src/pkg/__init__.py </dev/null
  echo 'x = 1' | file src/pkg/a.py
  echo 'from pkg.a import x' | file tests/conftest.py
  echo 'from pkg.a import x' | file tests/test_a.py
  printf 'name: r\nsource_roots: [src]\nsteps:\n  - move: {from: src/pkg/a.py, to: src/pkg/core/a.py}\n' | file plan.yaml
  commit; "$hoc" dry-run plan.yaml 2>&1 | grep -E '^(diff|  total|references|  [a-z])'
  echo "EXPECTED: tests/conftest.py and tests/test_a.py rewritten to pkg.core.a"
}

case_lying() {
  say "lying verdict: src layout installed editable, the branch breaks its tests, apply says verified"
  new_repo lying
  file pyproject.toml <<'EOF'
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"
[project]
name = "lying"
version = "0.1"
[tool.setuptools.packages.find]
where = ["src"]
EOF
  file src/pkg/__init__.py </dev/null
  echo 'x = 1' | file src/pkg/a.py
  printf 'from pkg.a import x\n\n\ndef test_x():\n    assert x == 1\n' | file tests/test_a.py
  file plan.yaml <<'EOF'
name: r
source_roots: [src]
steps:
  - move: {from: src/pkg/a.py, to: src/pkg/core/a.py}
verify:
  command: ["{python}", -m, pytest, -q, tests]
EOF
  commit
  python3 -m venv "$work/venv" >/dev/null
  "$work/venv/bin/pip" install -q pytest -e "$checkout" >/dev/null 2>&1
  "$work/venv/bin/pip" install -q -e . >/dev/null 2>&1
  "$work/venv/bin/hoc-migrate" apply plan.yaml --branch moved 2>&1 | grep -E 'command|verified|FAILED'
  git checkout -q moved && "$work/venv/bin/python" -m pytest -q tests 2>&1 | tail -1
  git checkout -q main
  echo "EXPECTED: verification FAILED (the branch's own tests fail), no branch kept"
}

case_packaging() {
  say "entry points, package lists and the dynamic version are not rewritten"
  new_repo packaging
  file pyproject.toml <<'EOF'
[project]
name = "pkg"
dynamic = ["version"]
[project.scripts]
pkg-tool = "pkg.cli:main"
[project.entry-points."pkg.plugins"]
json = "pkg.cli:JsonPlugin"
[tool.setuptools]
packages = ["pkg"]
[tool.setuptools.dynamic]
version = {attr = "pkg.meta.__version__"}
EOF
  file setup.py <<'EOF'
from setuptools import setup
setup(entry_points={"console_scripts": ["pkg-legacy = pkg.cli:main"]}, packages=["pkg"])
EOF
  file pkg/__init__.py </dev/null
  echo '__version__ = "1.0"' | file pkg/meta.py
  printf 'def main():\n    pass\n\n\nclass JsonPlugin:\n    pass\n' | file pkg/cli.py
  file plan.yaml <<'EOF'
name: r
source_roots: ["."]
steps:
  - move: {from: pkg/cli.py, to: pkg/commands/cli.py}
  - move: {from: pkg/meta.py, to: pkg/_version.py}
EOF
  commit; "$hoc" dry-run plan.yaml 2>&1 | grep -E '^(diff|  total|references|  [a-z])'
  echo "EXPECTED: pyproject.toml scripts, entry points and version attr, setup.py's entry point"
  echo "          rewritten; pkg.commands added to both package lists (or at least listed);"
  echo "          pkg/commands/__init__.py created"
}

case_strings() {
  say "a module path inside a longer string (generated code), and a .pyi stub beside the module"
  new_repo strings
  file pkg/__init__.py </dev/null
  file pkg/make.py <<'EOF'
class Wrapper:
    pass


def generated():
    return eval("__import__('pkg.make').make.Wrapper")
EOF
  echo 'class Wrapper: ...' | file pkg/make.pyi
  printf 'def header(names):\n    return "from pkg.make import " + ", ".join(names)\n' | file pkg/compiler.py
  printf 'name: r\nsource_roots: ["."]\nsteps:\n  - move: {from: pkg/make.py, to: pkg/_impl/make.py}\n' | file plan.yaml
  commit; "$hoc" dry-run plan.yaml 2>&1 | grep -E '^(diff|  total|references|  [a-z])|__import__|"from '
  echo "EXPECTED: the strings rewritten (__import__ and \"from pkg._impl.make import \", as jinja2's"
  echo "          compiler writes) or listed as a reference; make.pyi moved with make.py"
}

case_shim() {
  say "shim: not the same module, private names missing, its warning fails -W error"
  new_repo shim
  file pkg/__init__.py </dev/null
  printf 'def main():\n    return 1\n\n\ndef _helper():\n    return 2\n' | file pkg/cli.py
  file plan.yaml <<'EOF'
name: r
source_roots: ["."]
steps:
  - move: {from: pkg/cli.py, to: pkg/commands/cli.py, shim: true}
verify:
  command: ["true"]
EOF
  commit; "$hoc" apply plan.yaml --branch shim >/dev/null 2>&1; git checkout -q shim
  "$python" -c "import pkg.cli as old, pkg.commands.cli as new; print('same module:', old is new, '| _helper:', hasattr(old, '_helper'))" 2>&1 | tail -1
  "$python" -W error -c "import pkg.cli" 2>&1 | tail -1
  git checkout -q main
  echo "EXPECTED: same module: True | _helper: True; no error under -W error unless asked"
}

case_mode() {
  say "dry-run diff: an executable file's mode is given as 100644"
  new_repo mode
  file pkg/__init__.py </dev/null
  echo 'x = 1' | file pkg/a.py
  printf '#!/usr/bin/env python\nfrom pkg.a import x\n' | file setup.py
  chmod +x setup.py
  printf 'name: r\nsource_roots: ["."]\nsteps:\n  - move: {from: pkg/a.py, to: pkg/b.py}\n' | file plan.yaml
  commit; "$hoc" dry-run plan.yaml 2>/dev/null > d.diff
  grep -A1 '^diff --git a/setup.py' d.diff; git apply --check d.diff
  echo "EXPECTED: 'index ... 100755'; git apply --check silent"
}

case_lint() {
  say "the project's ruff settings (isort, banned parent-relative imports) after a move"
  new_repo lint
  file pyproject.toml <<'EOF'
[tool.ruff.lint]
select = ["I", "TID252"]
[tool.ruff.lint.isort]
known-first-party = ["pkg"]
EOF
  file pkg/__init__.py </dev/null
  echo 'x = 1' | file pkg/a.py
  echo 'y = 2' | file pkg/zeta.py
  printf 'from .a import x\nfrom .zeta import y\n\nprint(x, y)\n' | file pkg/b.py
  printf 'name: r\nsource_roots: ["."]\nsteps:\n  - move: {from: pkg/a.py, to: pkg/sub/a.py}\n  - move: {from: pkg/b.py, to: pkg/sub/b.py}\n' | file plan.yaml
  commit; "$hoc" dry-run plan.yaml 2>/dev/null > d.diff; git apply d.diff
  "$(dirname "$hoc")/ruff" check --no-cache --output-format concise . 2>&1 | grep -E "^pkg|Found|All checks"
  echo "EXPECTED: All checks passed (ruff before the move: clean)"
}

case_localfolder() {
  say "ruff's known-local-folder names the package (pluggy): its imports sort with the relative ones"
  new_repo localfolder
  printf '[tool.ruff.lint]\nselect = ["I"]\n[tool.ruff.lint.isort]\nforce-sort-within-sections = true\nknown-local-folder = ["pkg"]\n' | file pyproject.toml
  printf 'from .a import x\nfrom .b import y\nfrom pkg.c import z\n\nprint(x, y, z)\n' | file pkg/__init__.py
  echo 'x = 1' | file pkg/a.py
  echo 'y = 2' | file pkg/b.py
  echo 'z = 3' | file pkg/c.py
  printf 'name: r\nsource_roots: ["."]\nsteps:\n  - move: {from: pkg/a.py, to: pkg/z/a.py}\n' | file plan.yaml
  commit; "$hoc" dry-run plan.yaml 2>/dev/null > d.diff; git apply d.diff
  "$(dirname "$hoc")/ruff" check --no-cache --output-format concise . 2>&1 | grep -E "^pkg|Found|All checks"
  echo "EXPECTED: All checks passed (ruff before the move: clean)"
}

case_init() {
  say "a module moved to a new package's __init__.py (pluggy's _hooks.py as a package)"
  new_repo init
  printf '[options]\npackages =\n    pkg\npackage_dir =\n    =src\n' | file setup.cfg
  file src/pkg/__init__.py </dev/null
  echo 'class Result: ...' | file src/pkg/_result.py
  printf 'from ._result import Result\n\n\nclass HookImpl:\n    result = Result\n' | file src/pkg/_hooks.py
  printf 'name: r\nsteps:\n  - move: {from: src/pkg/_hooks.py, to: src/pkg/_hookspace/__init__.py}\n' | file plan.yaml
  commit; "$hoc" dry-run plan.yaml 2>/dev/null | grep -E '^(rename|similarity|[-+][^-+])'
  printf 'name: r\nsteps:\n  - move: {from: src/pkg/_hooks.py, to: src/pkg/_hooks/__init__.py}\n' > plan.yaml
  "$hoc" dry-run plan.yaml 2>/dev/null | grep -E '^(rename|similarity|[-+][^-+])'
  echo "EXPECTED: both times the module's code kept (no 'The pkg._hookspace package.' stub),"
  echo "          'from ._result' re-based to 'from .._result', the new package added to setup.cfg"
}

case_shim_stub() {
  say "shim of a module with a stub, moved on by a later step, under pytest --doctest-modules"
  new_repo shimstub
  file pyproject.toml <<'EOF'
[project]
name = "pkg"
version = "1"
[tool.pytest.ini_options]
addopts = "--doctest-modules"
EOF
  echo 'from .recipes import *  # noqa' | file pkg/__init__.py
  file pkg/py.typed </dev/null
  file pkg/recipes.py <<'EOF'
def take(n, it):
    """The first n items.

    >>> take(1, "ab")
    ['a']
    """
    return list(it)[:n]
EOF
  file pkg/recipes.pyi <<'EOF'
from typing import Iterable, TypeVar

_T = TypeVar("_T")

def take(n: int, it: Iterable[_T]) -> list[_T]: ...
EOF
  file plan.yaml <<'EOF'
name: r
steps:
  - move: {from: pkg/recipes.py, to: pkg/core/recipes.py, shim: true}
  - move: {from: pkg/core, to: pkg/_core}
EOF
  commit; "$hoc" apply plan.yaml --branch moved 2>&1 | grep -E 'verified|FAILED'
  if git checkout -q moved 2>/dev/null; then
    head -1 pkg/recipes.py; grep -H '^from' pkg/recipes.pyi
    "$python" -m pytest -q -p no:cacheprovider 2>&1 | tail -1; git checkout -q main
  fi
  echo "EXPECTED: verified; the shim names pkg._core.recipes; pkg/recipes.pyi re-exports"
  echo "          pkg._core.recipes; 1 passed (the doctest, once)"
}

case_dateutil() {
  say "python-dateutil: setup.cfg package data, a class its package re-exports, __all__"
  new_repo dateutil
  file setup.cfg <<'EOF'
[options]
package_dir =
    =src
packages = find:
[options.packages.find]
where = src
[options.package_data]
du.zoneinfo = zones.dat
EOF
  printf '__all__ = ["tz", "zoneinfo"]\n' | file src/du/__init__.py
  file src/du/tz/__init__.py </dev/null
  printf 'from pkgutil import get_data\nZONES = get_data(__name__, "zones.dat")\n' | file src/du/zoneinfo/__init__.py
  echo UTC | file src/du/zoneinfo/zones.dat
  echo 'from .isoparser import isoparser' | file src/du/parser/__init__.py
  printf 'class isoparser:\n    pass\n' | file src/du/parser/isoparser.py
  echo 'from du.parser import isoparser' | file tests/test_iso.py
  file plan.yaml <<'EOF'
name: r
steps:
  - move: {from: src/du/zoneinfo, to: src/du/tz/zoneinfo}
  - move: {from: src/du/parser/isoparser.py, to: src/du/parser/_isoparser.py}
EOF
  commit; "$hoc" dry-run plan.yaml 2>&1 | grep -E '^[-+](du|from)|^diff --git a/(setup|tests)|__all__'
  echo "EXPECTED: setup.cfg's key becomes du.tz.zoneinfo; tests/test_iso.py untouched (the"
  echo "          class); src/du/__init__.py:1 listed: __all__ names 'zoneinfo'"
}

case_typed_shim() {
  say "tomlkit: the shim of a module of a typed package (py.typed, no stubs) hides its names from mypy"
  new_repo typedshim
  printf '[project]\nname = "pkg"\nversion = "1"\n' | file pyproject.toml
  file pkg/__init__.py </dev/null
  file pkg/py.typed </dev/null
  printf 'class Table:\n    pass\n' | file pkg/items.py
  file plan.yaml <<'EOF'
name: r
steps:
  - move: {from: pkg/items.py, to: pkg/model/items.py, shim: true}
EOF
  commit; "$hoc" apply plan.yaml --branch moved 2>&1 | grep -E 'verified|FAILED'
  if git checkout -q moved 2>/dev/null; then
    ls pkg/items.py*
    printf 'from pkg.items import Table\n\nt: Table = Table()\n' > "$work/user.py"
    MYPYPATH="$PWD" "$python" -m mypy --no-incremental --cache-dir /dev/null "$work/user.py" 2>&1 | tail -1
    git checkout -q main
  fi
  echo "EXPECTED: verified; pkg/items.py and pkg/items.pyi; mypy: Success (no attr-defined error)"
}

case_toolz() {
  say "toolz: a submodule's bare name in its package's __init__, a shim package, visual indents"
  new_repo toolz
  file setup.py <<'EOF'
from setuptools import setup
setup(name='tz', version='1.0',
      packages=['tz',
                'tz.sandbox',
                'tz.curried'])
EOF
  printf 'from . import curried, sandbox\n' | file tz/__init__.py
  printf 'from .exceptions import merge\n\ndel exceptions\n' | file tz/curried/__init__.py
  printf 'def merge(*dicts):\n    return dicts\n' | file tz/curried/exceptions.py
  printf 'from .core import fold\n' | file tz/sandbox/__init__.py
  printf 'from ..curried import (merge,\n                       merge)\n\n\ndef fold():\n    pass\n' \
    | file tz/sandbox/core.py
  file plan.yaml <<'EOF'
name: r
steps:
  - move: {from: tz/curried/exceptions.py, to: tz/curried/merging.py}
  - move: {from: tz/sandbox, to: tz/experimental, shim: true}
  - move: {from: tz/experimental/core.py, to: tz/experimental/_impl/core.py}
EOF
  commit; "$hoc" dry-run plan.yaml 2>&1 | grep -E "^[-+ ]( *'tz|del| +merge|from \.)|^  [a-z].*py:[0-9]+:"
  echo "EXPECTED: del merging; setup.py keeps 'tz.sandbox' (the shim) and gets"
  echo "          'tz.experimental._impl' on a line of its own; the continuation line aligned"
  echo "          with the names after the '(' again; no reference to review"
}

case_black() {
  say "black: a resource named after its module, hatch-mypyc's exclude, src/ paths in tox.ini"
  new_repo black
  file pyproject.toml <<'EOF'
[project]
name = "bk"
version = "1"
[tool.hatch.build.targets.wheel]
sources = ["src"]
[tool.hatch.build.targets.wheel.hooks.mypyc]
exclude = ["/src/bk/pgen2/__init__.py"]
[tool.isort]
profile = "black"
known_first_party = ["bk"]
EOF
  file src/bk/nodes.py </dev/null
  file src/bk/strings.py </dev/null
  printf 'from bk.nodes import syms\nfrom bk.strings import str_width\n' | file src/bk/trans.py
  file src/bk/__init__.py </dev/null
  printf 'import json\nFNAME = "bk.schema.json"\n' | file src/bk/schema.py
  file src/bk/resources/__init__.py </dev/null
  file src/bk/pgen2/__init__.py </dev/null
  echo 'from bk.pgen2 import grammar' | file src/bk/pgen2/driver.py
  file src/bk/pgen2/grammar.py </dev/null
  printf '[testenv]\ncommands = python {toxinidir}/src/bk/schema.py\n' | file tox.ini
  file plan.yaml <<'EOF'
name: r
steps:
  - move: {from: src/bk/schema.py, to: src/bk/resources/schema.py}
  - move: {from: src/bk/pgen2, to: src/bk/parser}
  - move: {from: src/bk/trans.py, to: src/bk/string_transformers.py}
  - move: {from: src/bk/nodes.py, to: src/bk/tree/nodes.py}
EOF
  commit; "$hoc" dry-run plan.yaml 2>&1 | grep -E "^[-+ ](FNAME|exclude|from bk)|^  (src|tox)"
  echo "EXPECTED: FNAME unchanged and listed (src/bk/resources/schema.py:2); the mypyc exclude"
  echo "          becomes /src/bk/parser/__init__.py; tox.ini:2 listed; string_transformers.py"
  echo "          imports bk.strings, then bk.tree.nodes (isort's order)"
}

case_structlog() {
  say "structlog: ruff sorts (line length 88), black formats at 79 and is not installed here"
  new_repo structlog
  printf '[tool.black]\nline-length = 79\n[tool.ruff.lint]\nselect = ["I"]\n' | file pyproject.toml
  file sl/__init__.py </dev/null
  printf 'class StackInfoRenderer: ...\nclass TimeStamper: ...\ndef add_log_level(): ...\n' | file sl/processors.py
  printf 'from .processors import StackInfoRenderer, TimeStamper, add_log_level\n' | file sl/_config.py
  printf 'name: r\nsource_roots: ["."]\nsteps:\n  - move: {from: sl/_config.py, to: sl/_core/config.py}\n  - move: {from: sl/processors.py, to: sl/processing/processors.py, shim: true}\n' | file plan.yaml
  commit; "$hoc" dry-run plan.yaml 2>/dev/null > d.diff; git apply d.diff
  awk 'length > 79 { print FILENAME ":" FNR ": " length " columns" }' sl/_core/config.py
  head -5 sl/_core/config.py
  echo "EXPECTED: no line over 79 columns; the import wrapped in parentheses, one name a line"
}

cases=("$@")
[ ${#cases[@]} -eq 0 ] && cases=(roots outside lying packaging strings shim shim_stub mode lint localfolder init dateutil typed_shim toolz black structlog)
for name in "${cases[@]}"; do "case_$name"; done
