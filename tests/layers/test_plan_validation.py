"""`plan validate` catches what `apply` would: a `rewrite_import` to a module that will not
exist, a layer the project does not have, a header that needs a description it lacks."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner, Result

from hoc_migrate.cli import app
from tests.conftest import make_repo
from tests.layers.projects import SHOP


def validate(repo: Path, plan: str, config: str | None = None) -> Result:
    if config is not None:
        (repo / "hoc-migrate.toml").write_text(config, encoding="utf-8")
    path = repo / "plans" / "plan.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(plan, encoding="utf-8")
    return CliRunner().invoke(app, ["plan", "validate", str(path), "--repo", str(repo)])


def problems(result: Result) -> list[str]:
    assert result.exit_code == 2, result.stdout + result.stderr
    return [line.strip() for line in result.stderr.splitlines()[1:] if line.startswith("  ")]


def test_a_rewrite_to_a_module_that_will_not_exist_is_reported_with_its_line(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "shop", SHOP)
    plan = (
        "name: p\nsteps:\n"
        "  - rewrite_import: {from: shop.services.pricing, to: shop.models.prices}\n"
        "  - move: {from: shop/services/pricing.py, to: shop/models/pricing.py}\n"
        "  - rewrite_import: {from: shop.services.ordering, to: shop.models.pricing}\n"
        "  - rewrite_import: {from: shop.models.order, to: attrs.order}\n"
    )
    assert [p.split(": ", 1)[1] for p in problems(validate(repo, plan))] == [
        "step 1 (rewrite_import): 'to': module shop.models.prices does not exist (nor does any "
        "step create it); every import the step rewrites would be broken"
    ]
    assert problems(validate(repo, plan))[0].startswith(f"{repo / 'plans' / 'plan.yaml'}:3:")


def test_layers_named_by_a_step_must_be_the_projects_and_headers_need_a_description(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "shop", SHOP)
    config = 'headers = true\nlayers = ["shop.api", "shop.services", "shop.models"]\n'
    plan = (
        "name: p\nsteps:\n"
        "  - fix_header: {path: shop/api/orders.py, layer: shop.web}\n"
        "  - fix_header: {path: shop/api/orders.py, layer: shop.api}\n"
        "  - fix_header: {path: shop/api/orders.py, layer: shop.api, description: HTTP}\n"
        "  - move: {from: shop/services/pricing.py, to: shop/models/pricing.py}\n"
    )
    found = [p.split(": ", 1)[1] for p in problems(validate(repo, plan, config))]
    assert found[0].startswith(
        "step 1 (fix_header): 'layer': shop.web is not a layer of the project (layers: "
    )
    assert found[1:] == [
        "step 2 (fix_header): the step writes a `# Layer: shop.api` header, but layer shop.api "
        "has no description: give the step a `description:` or set layer_descriptions = "
        '{"shop.api" = "..."} in the configuration',
        "step 4 (move): the move into shop.models writes a `# Layer: shop.models` header, but "
        "layer shop.models has no description: give the step a `description:` or set "
        'layer_descriptions = {"shop.models" = "..."} in the configuration',
    ]
    described = config + 'layer_descriptions = {"shop.api" = "HTTP", "shop.models" = "Data"}\n'
    valid = validate(
        repo, plan.replace("layer: shop.web", "layer: shop.services, description: x"), described
    )
    assert valid.exit_code == 0, valid.stderr


def test_without_headers_a_move_needs_no_description(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "shop", SHOP)
    plan = (
        "name: p\nsteps:\n  - move: {from: shop/services/pricing.py, to: shop/models/pricing.py}\n"
    )
    assert validate(repo, plan).exit_code == 0


def test_a_rewrite_naming_what_its_target_does_not_define_is_reported_with_its_line(
    tmp_path: Path,
) -> None:
    files = {
        **SHOP,
        "shop/repositories/users.py": "def find(user_id):\n    return user_id\n",
        "shop/api/users.py": "from shop.repositories.users import find\n",
    }
    repo = make_repo(tmp_path / "shop", files)
    plan = (
        "name: p\nsteps:\n"
        "  - rewrite_import: {from: shop.repositories.users, to: shop.models, names: [find]}\n"
        "  - rewrite_import: {from: shop.repositories.users, to: shop.models, names: [order]}\n"
    )
    found = problems(validate(repo, plan))
    assert found == [
        f"{repo / 'plans' / 'plan.yaml'}:3: step 1 (rewrite_import): 'names': shop.models "
        "(shop/models/__init__.py) has no module or name 'find'; every import the step "
        "rewrites would be broken"
    ]  # step 2: shop.models.order is a submodule
    # Once a step puts the definition there, the step decides for itself.
    moved = plan.replace(
        "  - rewrite_import",
        "  - move: {from: shop/repositories/users.py, to: shop/models/"
        "__init__.py}\n  - rewrite_import",
        1,
    )
    assert "'names'" not in "".join(problems(validate(repo, moved)) or [""])


def test_a_module_a_step_must_rewrite_that_does_not_parse_is_reported_with_both_lines(
    tmp_path: Path,
) -> None:
    broken = "from shop.services.pricing import total\n\n\ndef broken(:\n    pass\n"
    repo = make_repo(tmp_path / "shop", {**SHOP, "shop/services/broken.py": broken})
    plan = "name: p\nsteps:\n  - move: {from: shop/services, to: shop/domain}\n"

    result = validate(repo, plan)

    found = problems(result)
    assert found[0] == (
        f"{repo / 'plans' / 'plan.yaml'}:3: step 1 (move): shop/services/broken.py:4: does not "
        "parse (moved to shop/domain/broken.py)"
    )
    assert found[1] == "shop/services/broken.py:4: invalid syntax (column 12)"
    assert "hint: fix the syntax error" in result.stderr
