"""What a package holds besides its modules, after a move: the data files it ships (and the
packaging keys that name them), the names its `__init__` binds itself, the submodules its
`__all__` lists. The projects are shaped like python-dateutil 2.9 (setup.cfg, a src layout,
a zone database read with `pkgutil.get_data`)."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.moves.support import apply, dry_run, export, project, pytest_passes, write_plan

pytestmark = pytest.mark.slow

SETUP_CFG = """\
    [metadata]
    name = zones
    version = 1.0

    [options]
    package_dir =
    \t=src
    packages = find:

    [options.packages.find]
    where = src

    [options.package_data]
    zones.zoneinfo = zones.dat

    [tool:pytest]
    pythonpath = src
    filterwarnings =
    \terror
    """

ZONES = {
    "setup.cfg": SETUP_CFG,
    "pyproject.toml": """\
        [build-system]
        requires = ["setuptools"]
        build-backend = "setuptools.build_meta"
        """,
    "src/zones/__init__.py": "",
    "src/zones/tz/__init__.py": """\
        def gettz(name):
            from zones.zoneinfo import names

            return name if name in names() else None
        """,
    "src/zones/zoneinfo/__init__.py": """\
        from pkgutil import get_data


        def names():
            return get_data(__name__, "zones.dat").decode("ascii").split()
        """,
    "src/zones/zoneinfo/zones.dat": "UTC\nEurope/Paris\n",
    "tests/test_zones.py": """\
        from zones import tz
        from zones.zoneinfo import names


        def test_the_bundled_database():
            assert names() == ["UTC", "Europe/Paris"]
            assert tz.gettz("Europe/Paris") == "Europe/Paris"
        """,
}

MOVE_ZONEINFO = """\
    name: zoneinfo-into-tz
    steps:
      - move: {from: src/zones/zoneinfo, to: src/zones/tz/zoneinfo}
    """


def test_package_data_follows_the_package_into_the_wheel(tmp_path: Path) -> None:
    repo = project(tmp_path / "repo", ZONES)
    applied = apply(write_plan(tmp_path, MOVE_ZONEINFO), repo)
    assert applied.code == 0, applied.stdout + applied.stderr
    tree = export(repo, "moved", tmp_path / "branch")
    assert (
        "[options.package_data]\nzones.tz.zoneinfo = zones.dat\n"
        in (tree / "setup.cfg").read_text()
    )
    assert (tree / "src/zones/tz/zoneinfo/zones.dat").is_file()
    assert "1 passed" in pytest_passes(tree)
    # What users install: the wheel ships the data file where `get_data` looks for it.
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
        + ["-w", str(tmp_path / "wheel"), "."],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "wheel").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert "zones/tz/zoneinfo/zones.dat" in archive.namelist()


def test_a_name_the_package_binds_itself_keeps_meaning_that(tmp_path: Path) -> None:
    # dateutil.parser re-exports the class `isoparser` of its module `isoparser`: after the
    # module's rename, `from dateutil.parser import isoparser` is still the class.
    files = {
        **ZONES,
        "src/zones/parser/__init__.py": "from .isoparser import isoparser, isoparse\n",
        "src/zones/parser/isoparser.py": """\
            class isoparser:
                def __init__(self, sep="T"):
                    self.sep = sep

                def isoparse(self, text):
                    return text.split(self.sep)


            def isoparse(text):
                return isoparser().isoparse(text)
            """,
        "tests/test_iso.py": """\
            import zones.parser
            from zones.parser import isoparser, isoparse


            def test_the_class_and_the_function():
                assert isoparser(sep=" ").isoparse("a b") == ["a", "b"]
                assert zones.parser.isoparser().isoparse("aTb") == isoparse("aTb")
            """,
    }
    repo = project(tmp_path / "repo", files)
    plan = write_plan(
        tmp_path,
        """\
        name: private-isoparser
        steps:
          - move: {from: src/zones/parser/isoparser.py, to: src/zones/parser/_isoparser.py}
        """,
    )
    applied = apply(plan, repo)
    assert applied.code == 0, applied.stdout + applied.stderr
    tree = export(repo, "moved", tmp_path / "branch")
    assert (tree / "tests/test_iso.py").read_bytes() == (repo / "tests/test_iso.py").read_bytes()
    assert (tree / "src/zones/parser/__init__.py").read_text() == (
        "from ._isoparser import isoparser, isoparse\n"
    )
    assert "2 passed" in pytest_passes(tree)


def test_all_naming_a_submodule_that_moved_away_is_listed(tmp_path: Path) -> None:
    # dateutil/__init__.py lists its submodules in `__all__` and imports them lazily from
    # `__getattr__`, by those names: no import statement names them.
    files = {
        **ZONES,
        "src/zones/__init__.py": """\
            __all__ = ["tz",
                       "zoneinfo"]


            def __getattr__(name):
                import importlib

                if name in __all__:
                    return importlib.import_module("." + name, __name__)
                raise AttributeError(name)
            """,
    }
    repo = project(tmp_path / "repo", files)
    dry = dry_run(write_plan(tmp_path, MOVE_ZONEINFO), repo, "--no-check", "--format", "json")
    assert dry.code == 0, dry.stderr
    refs = json.loads(dry.stdout)["references_to_review"]
    assert [(r["path"], r["line"], r["text"]) for r in refs if r["path"].endswith(".py")] == [
        (
            "src/zones/__init__.py",
            2,
            "__all__ names 'zoneinfo', the submodule that moved to zones.tz.zoneinfo",
        )
    ]


def test_a_manifest_naming_the_moved_folder_is_listed(tmp_path: Path) -> None:
    # With `include_package_data`, the wheel ships what MANIFEST.in lists, folders named bare.
    manifest = (
        "include LICENSE\nrecursive-include src/zones/zoneinfo *.dat\ngraft src/zones/zoneinfo\n"
    )
    repo = project(tmp_path / "repo", {**ZONES, "MANIFEST.in": manifest})
    dry = dry_run(write_plan(tmp_path, MOVE_ZONEINFO), repo, "--no-check", "--format", "json")
    assert dry.code == 0, dry.stderr
    refs = json.loads(dry.stdout)["references_to_review"]
    assert [(r["path"], r["line"]) for r in refs] == [("MANIFEST.in", 2), ("MANIFEST.in", 3)]


# Shaped like toolz 0.12: a flat layout, a literal `packages=[...]` one a line, a package
# `__init__` that deletes the submodule name its import bound, tests inside the package.
TOOLZ = {
    "setup.py": """\
        from setuptools import setup

        setup(name='tz',
              version='1.0',
              packages=['tz',
                        'tz.sandbox',
                        'tz.curried'])
        """,
    "tz/__init__.py": "from . import curried, sandbox\n",
    "tz/curried/__init__.py": """\
        from .exceptions import merge

        del exceptions
        """,
    "tz/curried/exceptions.py": """\
        def merge(*dicts):
            return {k: v for d in dicts for k, v in d.items()}
        """,
    "tz/sandbox/__init__.py": "from .core import fold\n",
    "tz/sandbox/core.py": """\
        def fold(binop, seq):
            result, *rest = seq
            for item in rest:
                result = binop(result, item)
            return result
        """,
    "tz/tests/test_tz.py": """\
        import tz
        from tz.curried import merge


        def test_the_curried_merge_and_the_sandbox():
            assert merge({1: 1}, {2: 2}) == {1: 1, 2: 2}
            assert tz.sandbox.fold(max, [1, 3, 2]) == 3
            assert not hasattr(tz.curried, "exceptions")
        """,
}


def test_a_renamed_submodule_and_a_shim_package_keep_the_package_working(tmp_path: Path) -> None:
    repo = project(tmp_path / "repo", TOOLZ)
    plan = write_plan(
        tmp_path,
        """\
        name: toolz-like
        steps:
          - move: {from: tz/curried/exceptions.py, to: tz/curried/merging.py}
          - move: {from: tz/sandbox, to: tz/experimental, shim: true}
        verify:
          command: ["{python}", -m, pytest, -q, -p, no:cacheprovider, tz]
        """,
    )
    applied = apply(plan, repo)
    assert applied.code == 0, applied.stdout + applied.stderr
    assert "references left to review" not in applied.stderr
    tree = export(repo, "moved", tmp_path / "branch")
    assert (tree / "tz/curried/__init__.py").read_text() == (
        "from .merging import merge\n\ndel merging\n"
    )
    # The shim keeps `tz.sandbox` a package: the list still names it, and the wheel ships it.
    assert (
        "packages=['tz',\n                'tz.experimental',\n                'tz.curried',\n"
        "                'tz.sandbox'])"
    ) in (tree / "setup.py").read_text()
    assert "1 passed" in pytest_passes(tree)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
        + ["-w", str(tmp_path / "wheel"), "."],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "wheel").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert {"tz/sandbox/__init__.py", "tz/experimental/core.py"} <= set(archive.namelist())


def test_a_submodule_name_left_behind_in_its_package_init_is_listed(tmp_path: Path) -> None:
    # Out of the package, the module binds no name in tz/curried any more: nothing to rename.
    repo = project(tmp_path / "repo", TOOLZ)
    plan = write_plan(
        tmp_path,
        """\
        name: merging-out
        steps:
          - move: {from: tz/curried/exceptions.py, to: tz/_merging.py}
        """,
    )
    dry = dry_run(plan, repo, "--no-check", "--format", "json")
    assert dry.code == 0, dry.stderr
    refs = json.loads(dry.stdout)["references_to_review"]
    assert [(r["path"], r["line"], r["text"]) for r in refs if r["path"].endswith(".py")] == [
        (
            "tz/curried/__init__.py",
            3,
            "'exceptions' names the submodule that moved to tz._merging, which binds no such "
            "name here",
        )
    ]
