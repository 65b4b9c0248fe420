"""import-linter contracts read as they are: layers (containers, siblings, exhaustive),
forbidden and independence, each breach a finding at its import; other types named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from hoc_migrate.cli import app
from hoc_migrate.core.layers.contracts import (
    Contract,
    ModuleExpression,
    breach,
    parse_contract,
)
from tests.conftest import make_repo
from tests.layers.projects import BLOG, BLOG_IMPORTLINTER


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def findings(repo: Path) -> list[tuple[str, str, str | None]]:
    result = run("check", "--repo", repo, "--format", "json", "--no-cache")
    assert result.exit_code == 1, result.stderr
    document = json.loads(result.stdout)
    return sorted((f["rule"], f["file"], f["module"]) for f in document["findings"])


def test_each_contract_kind_reports_its_breaches_and_an_unsupported_one_is_named(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "blog", BLOG)

    assert findings(repo) == [
        ("FORBIDDEN_IMPORT", "blog/core/render.py", "blog.web.app"),
        ("FORBIDDEN_IMPORT", "blog/core/store.py", "sqlite3"),
        ("INDEPENDENCE", "blog/posts/authors.py", "blog.users.profiles"),
        ("LAYER_BOUNDARY", "blog/cli/main.py", "blog.web.app"),  # independent siblings
        ("LAYER_BOUNDARY", "blog/core/render.py", "blog.web.app"),  # up a layer
        ("UNLISTED_LAYER", "blog/users/__init__.py", None),  # exhaustive, not ignored
        ("UNSUPPORTED_CONTRACT", ".importlinter", None),
    ]


def test_select_and_ignore_choose_the_unsupported_contract_warning_too(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "blog", BLOG)

    def rules(*options: str) -> set[str]:
        result = run("check", "--repo", repo, "--format", "json", "--no-cache", *options)
        return {f["rule"] for f in json.loads(result.stdout)["findings"]}

    assert rules("--select", "INDEPENDENCE,FORBIDDEN_IMPORT") == {
        "INDEPENDENCE",
        "FORBIDDEN_IMPORT",
    }
    assert "UNSUPPORTED_CONTRACT" not in rules("--ignore", "UNSUPPORTED_CONTRACT")
    assert rules("--select", "UNSUPPORTED_CONTRACT") == {"UNSUPPORTED_CONTRACT"}


def test_verbose_says_the_rules_are_the_contracts_and_counts_the_files_outside_them(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "blog", BLOG)
    document = json.loads(run("check", "--repo", repo, "--format", "json", "--no-cache").stdout)

    # -v before the command's name, as after it.
    verbose = run("-v", "check", "--repo", repo, "--no-cache").stderr.splitlines()

    assert "configuration: no [tool.hoc-migrate] found (its defaults)" in verbose
    assert (
        "rules: contract 'Blog layers' in .importlinter; contract 'The core is pure' in "
        ".importlinter; contract 'Posts and users stay apart' in .importlinter"
    ) in verbose  # not 'No cycles': this check does not evaluate it
    outside = document["layer_distribution"]["no layer"]
    assert outside == 7
    assert f"(15 parsed, 0 from cache; {outside} outside the layers)" in verbose[-1]


def test_findings_name_the_contract_and_its_line(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "blog", BLOG)
    result = run("check", "--repo", repo, "--no-cache")

    assert (
        "blog/core/render.py:1:1  error  core may not import web (blog.web.app): web is a "
        "higher layer in blog in contract 'Blog layers'; core is the lowest"
    ) in result.stdout
    line = BLOG_IMPORTLINTER.splitlines().index("[importlinter:contract:acyclic]") + 1
    assert (
        f".importlinter:{line}:1  warning  contract 'No cycles' is of type acyclic_siblings"
    ) in result.stdout


def test_the_same_contracts_in_pyproject_toml_and_setup_cfg(tmp_path: Path) -> None:
    toml = """\
[tool.importlinter]
root_package = "blog"

[[tool.importlinter.contracts]]
name = "The core is pure"
type = "forbidden"
source_modules = ["blog.core"]
forbidden_modules = ["sqlite3"]

[[tool.importlinter.contracts]]
name = "Posts and users stay apart"
type = "independence"
modules = ["blog.posts", "blog.users"]
ignore_imports = ["blog.users.admin -> blog.posts.moderation"]
"""
    files = {k: v for k, v in BLOG.items() if k != ".importlinter"}
    expected = [
        ("FORBIDDEN_IMPORT", "blog/core/store.py", "sqlite3"),
        ("INDEPENDENCE", "blog/posts/authors.py", "blog.users.profiles"),
    ]
    assert findings(make_repo(tmp_path / "toml", {**files, "pyproject.toml": toml})) == expected
    cfg = (
        "[importlinter]\nroot_package = blog\n\n[importlinter:contract:1]\n"
        "name = The core is pure\ntype = forbidden\nsource_modules = blog.core\n"
        "forbidden_modules = sqlite3\n\n[importlinter:contract:2]\n"
        "name = Apart\ntype = independence\nmodules =\n    blog.posts\n    blog.users\n"
        "ignore_imports =\n    blog.users.admin -> blog.posts.moderation\n"
    )
    assert findings(make_repo(tmp_path / "cfg", {**files, "setup.cfg": cfg})) == expected


def test_a_missing_layer_module_stops_the_check_as_lint_imports_does(tmp_path: Path) -> None:
    text = BLOG_IMPORTLINTER.replace("    core\n", "    core\n    (optional)\n    storage\n", 1)
    repo = make_repo(tmp_path / "blog", {**BLOG, ".importlinter": text})
    result = run("check", "--repo", repo, "--no-cache")

    assert result.exit_code == 2
    assert "layer module blog.storage does not exist" in result.stderr
    assert "blog.optional" not in result.stderr  # optional: may be missing


def test_invalid_contract_options_are_listed_with_file_and_line(tmp_path: Path) -> None:
    text = BLOG_IMPORTLINTER.replace("source_modules =\n    blog.core\n", "", 1)
    repo = make_repo(tmp_path / "blog", {**BLOG, ".importlinter": text})
    result = run("check", "--repo", repo)

    assert result.exit_code == 2
    line = text.splitlines().index("[importlinter:contract:pure-core]") + 1
    assert (
        f".importlinter:{line}: import-linter contract 'The core is pure': 'source_modules' is "
        "required for a forbidden contract"
    ) in result.stderr


def test_import_linter_false_stops_reading_the_contracts(tmp_path: Path) -> None:
    config = '[tool.hoc-migrate]\nimport_linter = false\nlayers = ["blog.web", "blog.core"]\n'
    repo = make_repo(tmp_path / "blog", {**BLOG, "pyproject.toml": config})
    assert findings(repo) == [("LAYER_BOUNDARY", "blog/core/render.py", "blog.web.app")]


@pytest.mark.parametrize(
    ("expression", "module", "expected"),
    [
        ("blog.core", "blog.core.text", "blog.core"),
        ("blog.*", "blog.core.text", "blog.core"),
        ("blog.*.text", "blog.core.text", "blog.core.text"),
        ("blog.**.text", "blog.a.b.text", "blog.a.b.text"),
        ("blog.core", "blog.corelib", None),
    ],
)
def test_module_expressions_take_import_linters_wildcards(
    expression: str, module: str, expected: str | None
) -> None:
    assert ModuleExpression(expression).prefix_of(module) == expected


def test_layers_with_non_independent_siblings_and_ignored_imports() -> None:
    contract, problems = parse_contract(
        {
            "type": "layers",
            "name": "L",
            "layers": ["app.web : app.cli", "app.core"],
            "ignore_imports": ["app.core.x -> app.web.y"],
        },
        origin="pyproject.toml",
        line=3,
        fallback_name="1",
    )
    assert problems == [] and isinstance(contract, Contract)
    assert breach(contract, "app.cli.main", "app.web.app") is None  # ':' siblings may
    assert breach(contract, "app.core.x", "app.web.y") is None  # ignored
    found = breach(contract, "app.core.z", "app.web.y")
    assert found is not None and found.rule == "LAYER_BOUNDARY"
