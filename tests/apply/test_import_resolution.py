"""The `imports resolve` check: project imports must point at modules and names that exist."""

from __future__ import annotations

from pathlib import Path

from hoc_migrate.adapters.filesystem import DiskTree
from hoc_migrate.services.import_resolution import top_level_names, unresolved_imports


def tree(tmp_path: Path, files: dict[str, str]) -> DiskTree:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return DiskTree(tmp_path)


def problems(t: DiskTree, path: str) -> list[str]:
    project = top_level_names([t], ["src"])
    return [u.reason for u in unresolved_imports(t, path, ["src"], project)]


def test_every_form_of_project_import_is_checked(tmp_path: Path) -> None:
    t = tree(
        tmp_path,
        {
            "src/app/__init__.py": "",
            "src/app/pkg/__init__.py": "from .mod import A\n",
            "src/app/pkg/mod.py": "A = 1\nif A:\n    def helper(): ...\n",
            "src/app/user.py": (
                "import os\n"
                "import requests\n"
                "import app.pkg.mod\n"
                "import app.pkg.gone\n"
                "from app.pkg import mod, A, missing\n"
                "from app.pkg.mod import helper, Nope\n"
                "from .pkg import mod as m\n"
                "from .absent import x\n"
                "try:\n"
                "    from app.optional import feature\n"
                "except ImportError:\n"
                "    feature = None\n"
                "def lazy():\n"
                "    from app.pkg.mod import Lazy\n"
            ),
        },
    )
    assert problems(t, "src/app/user.py") == [
        "import app.pkg.gone: no such module",
        "from app.pkg import missing: app.pkg has no module or name 'missing'",
        "from app.pkg.mod import Nope: app.pkg.mod has no module or name 'Nope'",
        "from .absent: no module app.absent",
        "from app.pkg.mod import Lazy: app.pkg.mod has no module or name 'Lazy'",
    ]


def test_star_imports_and_module_getattr_make_names_unknowable_so_they_pass(
    tmp_path: Path,
) -> None:
    t = tree(
        tmp_path,
        {
            "src/app/__init__.py": "",
            "src/app/star.py": "from os.path import *\n",
            "src/app/lazy.py": "def __getattr__(name): ...\n",
            "src/app/user.py": "from app.star import join\nfrom app.lazy import anything\n",
        },
    )
    assert problems(t, "src/app/user.py") == []


def test_namespace_packages_resolve_as_folders(tmp_path: Path) -> None:
    t = tree(
        tmp_path,
        {"src/app/ns/mod.py": "X = 1\n", "src/app/user.py": "from app.ns import mod\n"},
    )
    assert problems(t, "src/app/user.py") == []


def test_a_package_that_builds_its_modules_with_an_import_hook_resolves(tmp_path: Path) -> None:
    # toolz's `tlz` mirrors toolz (or cytoolz) through a finder on sys.meta_path: `tlz.curried`
    # and `tlz.curry` exist at import time, in no file.
    t = tree(
        tmp_path,
        {
            "src/toolz/__init__.py": "def curry(f): ...\n",
            "src/tlz/__init__.py": "from . import _build_tlz\n",
            "src/tlz/_build_tlz.py": "import sys\n\nsys.meta_path.append(object())\n",
            "src/app/user.py": (
                "import tlz.curried\nfrom tlz import curry\nfrom tlz.functoolz import compose\n"
                "import toolz.curried\nfrom toolz import compose\n"
            ),
        },
    )
    assert problems(t, "src/app/user.py") == [
        "import toolz.curried: no such module",
        "from toolz import compose: toolz has no module or name 'compose'",
    ]
