"""`pr`: the patch series `git am` applies, one `git diff -M` patch, and PR.md; split parts
that each apply on their own."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.apply.conftest import MOVE_RULES, PRICING, D, run, write_plan
from tests.conftest import git, state_dir

SPLIT = f"""\
name: shop-lock
description: Put the shop's engines where they belong.
source_roots: [backend]
scope: [backend/app]
steps:
  - move: {{from: {D}/drivers/order_rules.py, to: {D}/engines/order_rules.py, why: an engine}}
  - move: {{from: backend/app/models/order.py, to: backend/app/models/order_row.py}}
"""


def applied(shop: Path, text: str = MOVE_RULES, branch: str = "migrate/shop") -> Path:
    plan = write_plan(shop, text)
    result = run("apply", plan, "--branch", branch, "--repo", shop)
    assert result.exit_code == 0, result.stderr
    return plan


def test_the_patch_series_replays_the_branch_exactly_with_git_am(
    shop: Path, tmp_path: Path
) -> None:
    plan = applied(shop)
    result = run("pr", plan, "--branch", "migrate/shop", "--repo", shop)
    assert result.exit_code == 0, result.stderr
    out = state_dir(shop) / "pr" / "migrate__shop"
    patches = sorted((out / "series").glob("*.patch"))
    assert [p.name for p in patches] == [
        "0001-shop-lock-move-files-content-unchanged.patch",
        "0002-shop-lock-step-1-move-validation-is-business-logic-L.patch",
    ]
    assert "similarity index 100%" in patches[0].read_text()
    assert str(out / "PR.md") in result.stdout

    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(shop), str(clone))
    git(clone, "checkout", "-q", "--detach", "main")
    git(clone, "am", "-q", *[str(p) for p in patches])
    assert git(clone, "rev-parse", "HEAD^{tree}") == git(shop, "rev-parse", "migrate/shop^{tree}")

    # The single diff applies over the base too, renames included.
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(shop), str(other))
    git(other, "apply", "--index", str(out / "migrate__shop.diff"))
    assert git(other, "write-tree") == git(shop, "rev-parse", "migrate/shop^{tree}")


def test_pr_md_describes_what_why_files_layer_check_and_verification(shop: Path) -> None:
    plan = applied(shop)
    assert run("pr", plan, "--branch", "migrate/shop", "--repo", shop).exit_code == 0
    body = (state_dir(shop) / "pr" / "migrate__shop" / "PR.md").read_text()
    assert body.startswith("# shop-lock\n\nPut the shop's engines where they belong.\n")
    assert "- **step 1 (move)**: validation is business logic (L5), not persistence" in body
    assert f"| `{D}/drivers/order_rules.py` | `{D}/engines/order_rules.py` | unchanged |" in body
    assert f"### Modified (1)\n\n- `{PRICING}`" in body
    assert "| HEADER_LOCATION_MISMATCH | 1 | 0 | -1 |" in body
    assert "### Findings removed (1)" in body
    assert "| layer check | ✅ passed |" in body
    assert (
        "| command | ⏭️ skipped | no command in the plan, and no pytest configuration to run |"
        in body
    )


def test_out_must_be_inside_the_repository(shop: Path, tmp_path: Path) -> None:
    plan = applied(shop)
    outside = run("pr", plan, "--branch", "migrate/shop", "--out", tmp_path / "x", "--repo", shop)
    assert outside.exit_code == 2
    assert "outside the repository" in outside.stderr
    assert not (tmp_path / "x").exists()
    inside = run("pr", plan, "--branch", "migrate/shop", "--out", shop / "review", "--repo", shop)
    assert inside.exit_code == 0, inside.stderr
    assert (shop / "review" / "PR.md").is_file()


def test_apply_can_write_the_pr_at_once(shop: Path) -> None:
    plan = write_plan(shop, MOVE_RULES)
    result = run("apply", plan, "--branch", "b", "--pr-out", shop / "pr", "--repo", shop)
    assert result.exit_code == 0, result.stderr
    assert (shop / "pr" / "PR.md").is_file() and (shop / "pr" / "b.diff").is_file()


def test_split_parts_each_apply_alone_and_together_make_the_branch(
    shop: Path, tmp_path: Path
) -> None:
    plan = applied(shop, SPLIT, "split")
    result = run("pr", plan, "--branch", "split", "--split-by", "domain", "--repo", shop)
    assert result.exit_code == 0, result.stderr
    parts = sorted((state_dir(shop) / "pr" / "split" / "parts").iterdir())
    assert [p.name for p in parts] == ["01-cus-shop", "02-other"]
    assert "# shop-lock — part: other" in (parts[1] / "PR.md").read_text()

    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(shop), str(clone))
    for part in parts:  # each alone over the base
        git(clone, "apply", "--check", str(part / "changes.diff"))
    for part in parts:  # all together: the branch's tree
        git(clone, "apply", "--index", str(part / "changes.diff"))
    assert git(clone, "write-tree") == git(shop, "rev-parse", "split^{tree}")
    shutil.rmtree(clone)


def test_pr_of_a_missing_branch_is_refused(shop: Path) -> None:
    plan = write_plan(shop, MOVE_RULES)
    result = run("pr", plan, "--branch", "nope", "--repo", shop)
    assert result.exit_code == 2
    assert "no branch named nope" in result.stderr


def test_writing_again_replaces_our_outputs_and_keeps_the_users_files(shop: Path) -> None:
    plan = applied(shop, SPLIT, "split")
    review = shop / "review"
    first = run(
        "pr", plan, "--branch", "split", "--split-by", "domain", "--out", review, "--repo", shop
    )
    assert first.exit_code == 0, first.stderr
    (review / "notes.txt").write_text("my review notes\n")
    (review / "series" / "stale.patch").write_text("from an older run\n")

    # Without a split this time: the parts of the first run go, the user's notes stay.
    again = run("pr", plan, "--branch", "split", "--out", review, "--repo", shop)
    assert again.exit_code == 0, again.stderr
    assert sorted(p.name for p in review.iterdir()) == [
        "PR.md",
        "notes.txt",
        "series",
        "split.diff",
    ]
    assert (review / "notes.txt").read_text() == "my review notes\n"
    assert not (review / "series" / "stale.patch").exists()
    assert not list((state_dir(shop) / "tmp").glob("staging-*"))
