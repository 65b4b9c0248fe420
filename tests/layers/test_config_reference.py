"""The configuration is documented from the definitions the validation reads it with: the
reference page is generated (and kept current here), and every example of configuration in
it and in the README loads."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from hoc_migrate.adapters.workspace import cache_folder
from hoc_migrate.core.errors import ConfigError
from hoc_migrate.core.layers.config_keys import KEYS, render_reference
from hoc_migrate.core.layers.config_validation import config_from_mapping
from hoc_migrate.core.layers.contracts import Contract, parse_contract
from tests.conftest import ROOT, make_repo

TOML_BLOCK = re.compile(r"```toml\n(.*?)```", re.DOTALL)


def _section(document: dict[str, Any]) -> dict[str, Any]:
    tool = document.get("tool", {})
    return tool.get("hoc-migrate", {}) if "hoc-migrate" in tool else document


def test_the_reference_page_is_the_generated_one() -> None:
    page = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert page == render_reference(), (
        "docs/configuration.md is stale: run `hoc-migrate config docs > docs/configuration.md`"
    )
    for key in KEYS:
        assert f"### `{key.name}`" in page
        assert key.type and key.default and key.summary and key.example


@pytest.mark.parametrize("key", KEYS, ids=[k.name for k in KEYS])
def test_every_keys_example_loads_and_sets_the_key(key: Any) -> None:
    data = _section(tomllib.loads(key.example))
    assert key.name in data
    config = config_from_mapping(data, origin="example")
    if key.name not in ("extra_layer_folders", "preset"):
        assert config.origins[key.name] == "example"


def test_the_cache_entry_names_the_folder_the_check_keeps_its_cache_in(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a.py": ""})
    folder = cache_folder(repo)
    assert folder is not None
    shown = folder.relative_to(repo).as_posix()
    assert shown == ".git/hoc-migrate/cache"
    (cache,) = [k for k in KEYS if k.name == "cache"]
    assert f"`{shown}`" in cache.summary and "<repo>/.hoc-migrate" not in cache.summary


def test_a_bad_value_is_refused_with_the_key_named() -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_mapping(
            {"layers": ["api", "api"], "headers": "yes", "runtime_banned_layers": ["nope"]},
            origin="pyproject.toml",
        )
    messages = [p.message for p in caught.value.problems]
    assert "layers: 'api' is listed twice" in messages
    assert "headers: expected true or false, got a string ('yes')" in messages
    assert any(m.startswith("runtime_banned_layers: nope is not a layer") for m in messages)


def test_every_configuration_example_of_the_readme_loads() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = TOML_BLOCK.findall(readme)
    loaded = 0
    for block in blocks:
        document = tomllib.loads(block)
        tool = document.get("tool", {})
        if "importlinter" in tool:
            for index, options in enumerate(tool["importlinter"].get("contracts", [])):
                contract, problems = parse_contract(
                    options, origin="README.md", line=0, fallback_name=str(index)
                )
                assert problems == [] and isinstance(contract, Contract), block
                loaded += 1
        if "hoc-migrate" in tool or not tool:
            config_from_mapping(_section(document), origin="README.md")
            loaded += 1
    assert loaded >= 4, blocks


def test_layer_folders_without_an_order_or_outside_the_list_are_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_mapping({"layer_folders": {"api": "api", "core": "core"}}, preset="none")
    assert [p.message for p in caught.value.problems] == [
        "layer_folders: names layers (api, core) but nothing says what they may import: list "
        "them in `layers` (top first) or give `allowed_imports`"
    ]
    with pytest.raises(ConfigError) as caught:
        config_from_mapping(
            {"layers": ["api", "core"], "layer_folders": {"web": "api", "jobs": "jobz"}},
            preset="none",
        )
    assert [p.message for p in caught.value.problems] == [
        "layer_folders.jobz: jobz is not in `layers` (api, core)"
    ]
