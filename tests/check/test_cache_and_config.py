"""The facts cache, parallel parsing, configuration loading and source-root discovery."""

from __future__ import annotations

from pathlib import Path

import pytest

from hoc_migrate.adapters.check_config import find_config_file, load_check_config
from hoc_migrate.adapters.filesystem import DiskTree
from hoc_migrate.adapters.import_scanner import scan_source
from hoc_migrate.core.errors import ConfigError, UsageError
from hoc_migrate.core.layers.config import CheckConfig
from hoc_migrate.core.layers.config_validation import config_from_mapping
from hoc_migrate.services.check import run_check
from hoc_migrate.services.root_votes import discover_source_roots
from tests.check.support import HOC, MemoryTree, check

ENGINE = "# Layer: L5 — Domain Engines\n"


def many_files(count: int) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        f"{HOC}/engines/e{i}.py": ENGINE + f"import sqlalchemy\nVALUE = {i}\n" for i in range(count)
    }
    files[f"{HOC}/drivers/d_service.py"] = "# Layer: L6\nfrom ..engines import e0\n"
    return files


# -- cache --------------------------------------------------------------------------------------
def test_second_run_parses_nothing_and_a_change_reparses_one_file(tmp_path: Path) -> None:
    files = many_files(5)
    cache = tmp_path / "cache"
    first = check(files, cache_dir=cache)
    assert (first.stats.parsed, first.stats.cached) == (6, 0)
    assert len(list(cache.glob("facts-*.marshal"))) == 1
    second = check(files, cache_dir=cache)
    assert (second.stats.parsed, second.stats.cached) == (0, 6)
    assert second.findings == first.findings
    files[f"{HOC}/engines/e3.py"] = ENGINE + "VALUE = 'changed'\n"
    third = check(files, cache_dir=cache)
    assert (third.stats.parsed, third.stats.cached) == (1, 5)
    assert len(third.findings) == len(first.findings) - 1


def test_configuration_changes_apply_without_reparsing(tmp_path: Path) -> None:
    files = many_files(3)
    check(files, cache_dir=tmp_path)
    relaxed = CheckConfig(source_roots=("backend",), runtime_banned_layers=("L4",))
    result = check(files, config=relaxed, cache_dir=tmp_path)
    assert result.stats.parsed == 0
    assert "SQLALCHEMY_RUNTIME" not in result.counts_by_rule()


def test_a_damaged_cache_is_ignored(tmp_path: Path) -> None:
    files = many_files(2)
    check(files, cache_dir=tmp_path)
    for blob in tmp_path.glob("facts-*"):
        blob.write_bytes(b"not marshal data")
    assert check(files, cache_dir=tmp_path).stats.parsed == 3


def test_parallel_parsing_gives_the_serial_result() -> None:
    files = many_files(40)
    serial = check(files, jobs=1)
    parallel = check(files, jobs=2, parallel_min=10)
    assert parallel.stats.workers == 2 and serial.stats.workers == 1
    assert parallel.findings == serial.findings


# -- configuration ------------------------------------------------------------------------------
def test_config_errors_list_every_problem() -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_mapping(
            {
                "source_root": ["backend"],
                "legacy_namespaces": "app.services",
                "layer_folders": {"<hoc>/**/engines": "L5", "drivers": "layer six"},
                "severity": {"CROSS_DOMAIN": "fatal", "NOT_A_RULE": "error"},
                "cache": "yes",
                "debt": [{"path": "x.py", "rules": ["SQLALCHEMY_RUNTIME"]}, {"rules": "*"}],
            },
            origin="pyproject.toml",
        )
    messages = [str(p) for p in caught.value.problems]
    assert len(messages) == 9, messages
    assert any("source_root: unknown key (did you mean 'source_roots'?)" in m for m in messages)
    assert all(m.startswith("pyproject.toml: ") for m in messages)
    assert sum("debt[" in m for m in messages) == 3


def test_valid_config_values_relative_to_the_config_folder() -> None:
    config = config_from_mapping(
        {
            "source_roots": ["."],
            "hoc_packages": ["app.hoc"],
            "severity": {"cross_domain": "error", "MISSING_HEADER": "off"},
            "extra_layer_folders": {"<hoc>/**/jobs": "L4"},
            "allowed_imports": {"L5": ["L5", "L6", "L7"]},
            "baseline": "lint/baseline.json",
            "debt": [
                {
                    "path": "app/hoc/**/bridges.py",
                    "rules": "SQLALCHEMY_RUNTIME",
                    "reason": "M25",
                    "expires": "2026-06-30",
                }
            ],
        },
        base="backend",
    )
    assert config.source_roots == ("backend",)
    assert config.hoc_packages == ("app/hoc",)
    assert config.severity == {"CROSS_DOMAIN": "error", "MISSING_HEADER": "off"}
    assert config.layer_folders[0] == ("<hoc>/**/jobs", "L4")
    assert config.allowed_imports["L5"] == ("L5", "L6", "L7")
    assert config.baseline == "backend/lint/baseline.json"
    assert config.debt[0].path == "backend/app/hoc/**/bridges.py"
    assert str(config.debt[0].expires) == "2026-06-30"


def test_severity_overrides_apply() -> None:
    config = CheckConfig(
        source_roots=("backend",), severity={"CROSS_DOMAIN": "error", "MISSING_HEADER": "off"}
    )
    files: dict[str, str | bytes] = {
        f"{HOC}/engines/a.py": "from app.hoc.cus.policies.engines import b\n",
        "backend/app/hoc/cus/policies/engines/b.py": ENGINE,
    }
    result = check(files, config=config)
    assert [(f.rule, f.severity) for f in result.findings] == [("CROSS_DOMAIN", "error")]


def test_config_is_found_walking_up_from_the_target(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    backend = tmp_path / "backend"
    (backend / "app" / "hoc").mkdir(parents=True)
    (backend / "pyproject.toml").write_text(
        "[tool.hoc-migrate]\nsource_roots = ['.']\nlegacy_namespaces = ['app.legacy']\n"
    )
    found = find_config_file(tmp_path, backend / "app" / "hoc")
    assert found == backend / "pyproject.toml"
    config = load_check_config(tmp_path, backend / "app" / "hoc")
    assert config.source_roots == ("backend",) and config.origin == "backend/pyproject.toml"
    assert load_check_config(tmp_path) == CheckConfig()  # from the root: the embedded defaults
    (tmp_path / "hoc-migrate.toml").write_text("cache = false\n")
    assert load_check_config(tmp_path).cache is False


def test_bad_toml_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "hoc-migrate.toml").write_text("cache = [\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_check_config(tmp_path)


# -- source roots and bad input ---------------------------------------------------------------
def test_source_root_is_found_from_a_sub_path_with_namespace_packages(tmp_path: Path) -> None:
    for path, text in {
        f"{HOC}/drivers/execution.py": "# Layer: L6\nfrom app.services.connectors import run\n",
        "backend/app/services/connectors.py": "def run(): ...\n",  # no __init__.py anywhere
        "backend/tests/test_x.py": "import app\n",
    }.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    result = run_check(DiskTree(tmp_path), CheckConfig(), paths=[HOC])
    assert result.stats.source_roots == ("backend",) and result.stats.roots_discovered
    assert [(f.rule, f.module) for f in result.findings if f.rule == "LAYER_BOUNDARY"] == [
        ("LAYER_BOUNDARY", "app.services.connectors")
    ]


def test_root_discovery_for_files_outside_the_package_they_import() -> None:
    tree = MemoryTree({"src/tests/test_a.py": "import app.x\n", "src/app/x.py": ""})
    facts = {"src/tests/test_a.py": scan_source(b"import app.x\n")}
    assert discover_source_roots(tree, facts) == ("src",)


def test_missing_paths_and_unknown_names_are_usage_errors() -> None:
    with pytest.raises(UsageError) as caught:
        check({}, paths=["nope", "gone/too"])
    assert [p.message for p in caught.value.problems] == ["nope", "gone/too"]
    with pytest.raises(UsageError) as caught:
        check({}, rules=["NOT_A_RULE"], audience="martians")
    assert len(caught.value.problems) == 2


def test_symlink_loops_do_not_hang(tmp_path: Path) -> None:
    engines = tmp_path / HOC / "engines"
    engines.mkdir(parents=True)
    (engines / "a_service.py").write_text(ENGINE)
    (engines / "loop").symlink_to(tmp_path / "backend")
    result = run_check(DiskTree(tmp_path), CheckConfig())
    assert result.counts_by_rule() == {"BANNED_NAMING": 1}


def test_find_source_roots_without_running_the_rules() -> None:
    from hoc_migrate.services.check import find_source_roots

    tree = MemoryTree({f"{HOC}/engines/a.py": "from app.hoc.cus import x\n"})
    assert find_source_roots(tree, CheckConfig()) == ("backend",)
    assert find_source_roots(tree, CheckConfig(source_roots=("src",))) == ("src",)


def test_huge_trees_are_parsed_in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    import hoc_migrate.adapters.check_cache as cache_module

    files = many_files(20)
    serial = check(files, jobs=1)
    monkeypatch.setattr(cache_module, "BATCH_FILES", 7)
    batched = check(files, jobs=2, parallel_min=5)
    assert batched.findings == serial.findings
    assert (batched.stats.parsed, batched.stats.workers) == (21, 2)
