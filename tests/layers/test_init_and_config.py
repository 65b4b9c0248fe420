"""`hoc-migrate init` writes a commented configuration from what it finds; the written
configuration checks exactly as the tree did before; `config show` says where values come
from; a check that puts no file in a layer says so (exit 2) instead of passing."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from hoc_migrate.cli import app
from tests.conftest import ROOT, make_repo
from tests.layers.projects import SHOP, SHOP_PYPROJECT


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def check_json(repo: Path) -> dict[str, object]:
    result = run("check", "--repo", repo, "--format", "json", "--no-cache")
    assert result.exit_code in (0, 1), result.stderr
    document = json.loads(result.stdout)
    return {"findings": document["findings"], "files": document["files"]}


def test_init_on_shop_reads_its_contract_and_checks_the_same_afterwards(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "shop", SHOP)
    before = check_json(repo)

    result = run("init", "--repo", repo)

    assert result.exit_code == 0, result.stderr
    text = (repo / "pyproject.toml").read_text()
    assert text.startswith(SHOP_PYPROJECT)  # the user's file is kept, byte for byte
    section = tomllib.loads(text)["tool"]["hoc-migrate"]
    assert section == {"preset": "none", "source_roots": ["."]}
    written = text[len(SHOP_PYPROJECT) :]
    assert "# import-linter contracts in pyproject.toml are read as they are" in written
    assert (
        "#   'Shop layers': shop.api > shop.services > shop.repositories > shop.models" in written
    )
    assert check_json(repo) == before
    # A second init writes nothing.
    again = run("init", "--repo", repo)
    assert again.exit_code == 2 and "already configures hoc-migrate" in again.stderr
    assert (repo / "pyproject.toml").read_text() == text


def test_init_on_the_aos_fixture_writes_the_hoc_preset_and_checks_the_same(tmp_path: Path) -> None:
    repo = tmp_path / "aos"
    shutil.copytree(ROOT / "fixtures" / "aos", repo, ignore=shutil.ignore_patterns("__pycache__"))
    configured = (repo / "pyproject.toml").read_text()
    refused = run("init", "--repo", repo)
    assert refused.exit_code == 2 and "pyproject.toml already configures" in refused.stderr
    bare = configured[: configured.index("[tool.hoc-migrate]")]
    (repo / "pyproject.toml").write_text(bare)
    before = check_json(repo)

    assert run("init", "--repo", repo).exit_code == 0

    section = tomllib.loads((repo / "pyproject.toml").read_text())["tool"]["hoc-migrate"]
    assert section == {"preset": "hoc", "source_roots": ["backend"]}
    written = (repo / "pyproject.toml").read_text()[len(bare) :]
    assert "The tree has a HOC package (backend/app/hoc)" in written
    assert "Generation: V1 (no hoc_spine/ folder yet" in written
    assert check_json(repo) == before


def test_init_suggests_the_order_the_imports_give_and_check_says_nothing_is_classified(
    tmp_path: Path,
) -> None:
    files = {k: v for k, v in SHOP.items() if k != "pyproject.toml"}
    files["shop/repositories/orders.py"] = "from shop.models.order import Order\n"
    repo = make_repo(tmp_path / "plain", files)

    unconfigured = run("check", "--repo", repo)
    assert unconfigured.exit_code == 2
    assert "none of the 11 Python files under . is in a layer: nothing was checked" in (
        unconfigured.stderr
    )
    assert "`hoc-migrate init`" in unconfigured.stderr

    assert run("init", "--repo", repo).exit_code == 0
    text = (repo / "hoc-migrate.toml").read_text()
    suggestion = '# layers = ["shop.api", "shop.services", "shop.repositories", "shop.models"]'
    assert suggestion in text
    # Uncommented, the suggestion is a configuration that checks the project.
    (repo / "hoc-migrate.toml").write_text(text.replace(suggestion, suggestion[2:]))
    assert run("check", "--repo", repo, "--no-cache").exit_code == 0


#: A src layout with nothing configured: no [tool.hoc-migrate], no contracts, no HOC tree.
SRC_APP: dict[str, str | bytes] = {
    "src/app/__init__.py": "",
    "src/app/api/__init__.py": "",
    "src/app/api/orders.py": "from app.core.prices import total\n",
    "src/app/core/__init__.py": "",
    "src/app/core/prices.py": "def total(xs):\n    return sum(xs)\n",
}


@pytest.mark.parametrize("paths", [(), (".",), ("src",), ("src/app",), ("src/app/api",)])
def test_a_check_of_any_path_that_classified_no_file_exits_2_with_the_hint(
    tmp_path: Path, paths: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "plain", SRC_APP)
    monkeypatch.chdir(repo)

    result = run("check", *paths, "--no-cache")

    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    assert "is in a layer: nothing was checked" in result.stderr
    assert "hint: the project names no layers: `hoc-migrate init` writes" in result.stderr


def test_init_names_the_projects_own_package_in_its_examples(tmp_path: Path) -> None:
    blog: dict[str, str | bytes] = {
        k.replace("shop", "blog"): str(v).replace("shop", "blog")
        for k, v in SHOP.items()
        if k != "pyproject.toml"
    }
    repo = make_repo(tmp_path / "blog", blog)
    written = run("init", "--repo", repo, "--print").stdout
    assert '# legacy_namespaces = ["blog.legacy"]' in written
    assert "shop" not in written


def test_init_print_writes_nothing(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "shop", SHOP)
    result = run("init", "--repo", repo, "--print")
    assert result.exit_code == 0 and result.stdout.startswith("[tool.hoc-migrate]\n")
    assert (repo / "pyproject.toml").read_text() == SHOP_PYPROJECT


def test_config_show_gives_each_value_and_where_it_came_from(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "shop",
        {**SHOP, "hoc-migrate.toml": 'preset = "none"\nbanned_patterns = ["*_helpers.py"]\n'},
    )
    shown = run("config", "show", "--repo", repo)

    assert shown.exit_code == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert 'preset = "none"  # hoc-migrate.toml' in lines
    assert 'banned_patterns = ["*_helpers.py"]  # hoc-migrate.toml' in lines
    assert 'source_roots = ["."]  # found: . (packages at the repository root: shop)' in lines
    assert "headers = false  # preset none" in lines
    assert "# import-linter contracts, read from pyproject.toml:" in lines
    assert "[tool.hoc-migrate.layer_folders]  # the layers contracts in pyproject.toml" in lines
    assert '"shop/api" = "shop.api"' in lines
    document = json.loads(run("config", "show", "--repo", repo, "--format", "json").stdout)
    assert document["banned_patterns"] == {"value": ["*_helpers.py"], "from": "hoc-migrate.toml"}
    assert not re.search(r"\bL\d", shown.stdout)  # no HOC layer in a project without the preset
