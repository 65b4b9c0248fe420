"""Plan files: loaded safely, validated with every problem listed by file, line and step."""

from __future__ import annotations

from pathlib import Path

import pytest

from hoc_migrate.adapters.plan_file import load_plan
from hoc_migrate.core.errors import PlanError


def write(tmp_path: Path, text: str, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(PlanError) as info:
        load_plan(path, display="plans/x.yaml")
    return [str(p) for p in info.value.problems]


def test_a_valid_plan_loads_with_its_steps_in_order(tmp_path: Path) -> None:
    plan = load_plan(
        write(
            tmp_path,
            """\
name: relocate
description: Move events to schemas.
scope: [backend/app/hoc/cus/integrations]
steps:
  - move: {from: backend/a/events.py, to: backend/b/loop_events.py, why: pure schema}
  - rewrite_import: {from: app.services.x, to: app.hoc.x, names: [Client]}
  - fix_header: {path: "backend/a/*.py", layer: auto}
debt:
  - path: backend/a/bridges.py
    rules: [SQLALCHEMY_RUNTIME]
    reason: HYBRID until M25
    expires: 2027-06-30
verify:
  expect: {errors: 55, by_rule: {BANNED_NAMING: 4}}
""",
        )
    )
    assert [s.kind for s in plan.steps] == ["move", "rewrite_import", "fix_header"]
    assert plan.steps[0].why == "pure schema"
    assert plan.steps[0].line == 5
    assert plan.debt[0].expires is not None and plan.debt[0].expires.year == 2027
    assert plan.verify.expect is not None and plan.verify.expect.errors == 55


def test_every_problem_is_listed_with_line_and_step(tmp_path: Path) -> None:
    problems = problems_of(
        write(
            tmp_path,
            """\
name: broken
steps:
  - move: {from: a.py}
  - move:
      from: a.py
      to: b.py
      bogus: 1
  - frobnicate: {x: 1}
  - fix_header: {path: x.py, layer: two words}
  - rewrite_import: {from: "not a module", to: app.x}
""",
        )
    )
    assert problems == [
        "plans/x.yaml:3: step 1 (move): 'to' is required",
        "plans/x.yaml:7: step 2 (move): unknown key 'bogus'",
        "plans/x.yaml:8: step 3: unknown step kind 'frobnicate' (expected one of: move, "
        "rewrite_import, fix_header, extract_schema, split_hybrid)",
        "plans/x.yaml:9: step 4 (fix_header): layer: 'two words' is not a layer name (L2, L2.1, "
        "... L7, a layer of the project, or auto)",
        "plans/x.yaml:10: step 5 (rewrite_import): from: 'not a module' is not a dotted module "
        "name (like app.services.connectors)",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- just\n- a list\n", "a plan must be a mapping"),
        ("", "a plan must be a mapping"),
        ("a: &x [1, 2]\nb: *x\n", "aliases (*name) are not allowed"),
        ("name: x\nsteps: !!python/object/apply:os.system [echo hi]\n", "is not allowed in plans"),
        ("name: x\nname: y\nsteps: []\n", "duplicate key 'name'"),
        ("name: [unclosed\n", "not valid YAML"),
    ],
)
def test_hostile_or_broken_yaml_is_refused_with_one_clear_message(
    tmp_path: Path, text: str, expected: str
) -> None:
    with pytest.raises(PlanError) as info:
        load_plan(write(tmp_path, text))
    assert expected in str(info.value)


def test_billion_laughs_is_refused_before_expansion(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [
        f"a{i}: &a{i} [*a{i - 1},*a{i - 1},*a{i - 1},*a{i - 1},*a{i - 1}]" for i in range(1, 12)
    ]
    with pytest.raises(PlanError, match="aliases"):
        load_plan(write(tmp_path, "\n".join(lines) + "\n"))


def test_a_plan_of_too_many_steps_is_refused(tmp_path: Path) -> None:
    steps = "".join(f"  - fix_header: {{path: f{i}.py}}\n" for i in range(5001))
    with pytest.raises(PlanError, match="5001 steps; at most 5000"):
        load_plan(write(tmp_path, f"name: huge\nsteps:\n{steps}"))


def test_a_huge_plan_file_is_refused_by_size(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("name: x\n# " + "x" * (3 * 1024 * 1024) + "\nsteps: []\n")
    with pytest.raises(PlanError, match="plans are at most 2 MB"):
        load_plan(path)


def test_missing_plan_file_and_folder_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="no such plan file"):
        load_plan(tmp_path / "nope.yaml")
    with pytest.raises(PlanError, match="is a folder"):
        load_plan(tmp_path)


def test_a_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfname: x\nsteps:\n  - fix_header: {path: a.py}\n")
    assert load_plan(path).name == "x"


def test_a_split_s_protocol_is_a_boolean(tmp_path: Path) -> None:
    step = "  - split_hybrid: {path: a.py, driver: b.py, protocol: %s}\n"
    plan = load_plan(write(tmp_path, "name: x\nsteps:\n" + step % "true"), display="p.yaml")
    assert plan.steps[0].get("protocol") is True
    problems = problems_of(write(tmp_path, "name: x\nsteps:\n" + step % "always"))
    assert problems == [
        "plans/x.yaml:3: step 1 (split_hybrid): protocol: 'always' is not of type 'boolean'"
    ]
