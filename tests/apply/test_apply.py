"""`apply`: a verified branch with history `git log --follow` trusts; the user's checkout,
index, refs and stash untouched."""

from __future__ import annotations

from pathlib import Path

from tests.apply.conftest import (
    MOVE_RULES,
    ORDER,
    PRICING,
    RULES,
    D,
    nothing_left,
    run,
    state,
    without_branch,
    write_plan,
)
from tests.conftest import git

TWO_STEPS = f"""\
name: shop-lock
source_roots: [backend]
scope: [{D}]
steps:
  - move:
      from: {RULES}
      to: {D}/engines/order_rules.py
      why: validation is business logic
  - move:
      from: {ORDER}
      to: {D}/schemas/order_schema.py
      why: schema modules say so in their name
"""


def test_apply_creates_a_verified_branch_moves_first_then_one_commit_per_step(shop: Path) -> None:
    plan = write_plan(shop, TWO_STEPS)
    (shop / "README.md").write_text("work in progress\n")
    git(shop, "stash", "-q")  # the user's stash must survive untouched
    (shop / "README.md").write_text("unstaged edit\n")
    git(shop, "add", "plans")  # and so must the index
    before = state(shop)
    base = git(shop, "rev-parse", "HEAD").strip()

    result = run("apply", plan, "--branch", "migrate/shop", "--repo", shop)

    assert result.exit_code == 0, result.stderr
    assert "branch migrate/shop created at" in result.stdout
    assert "PASSED   layer check" in result.stderr
    # The user's repository is exactly as before, plus the new branch.
    assert without_branch(state(shop), "migrate/shop") == without_branch(before, "migrate/shop")
    nothing_left(shop)

    subjects = git(shop, "log", "--format=%s", f"{base}..migrate/shop").splitlines()
    assert subjects == [
        "shop-lock: step 2 (move): schema modules say so in their name",
        "shop-lock: step 1 (move): validation is business logic",
        "shop-lock: move files (content unchanged)",
    ]
    # Author and committer come from the user's git configuration (here: the environment).
    assert git(shop, "log", "-1", "--format=%an|%cn", "migrate/shop").strip() == (
        "Test Author|Test Committer"
    )
    # The first commit holds only moves, which git sees as 100% renames.
    assert git(shop, "diff", "-M", "--name-status", base, "migrate/shop~2").splitlines() == [
        f"R100\t{RULES}\t{D}/engines/order_rules.py",
        f"R100\t{ORDER}\t{D}/schemas/order_schema.py",
    ]
    # Each step's edits are in its own commit.
    assert git(shop, "diff", "--name-only", "migrate/shop~2", "migrate/shop~1").split() == [PRICING]
    assert git(shop, "diff", "--name-only", "migrate/shop~1", "migrate/shop").split() == [
        f"{D}/engines/order_rules.py"
    ]
    # History follows the moved file back to its first commit.
    follow = git(
        shop, "log", "--follow", "--format=%s", "migrate/shop", "--", f"{D}/engines/order_rules.py"
    )
    assert follow.splitlines()[-1] == "initial"
    moved = git(shop, "show", f"migrate/shop:{D}/engines/order_rules.py")
    assert "from app.hoc.cus.shop.schemas.order_schema import Order" in moved


def test_single_mode_puts_every_edit_in_one_commit_that_names_the_steps(shop: Path) -> None:
    plan = write_plan(shop, TWO_STEPS)
    result = run("apply", plan, "--branch", "one", "--commits", "single", "--repo", shop)
    assert result.exit_code == 0, result.stderr
    messages = git(shop, "log", "--format=%B%x00", "main..one").split("\0")
    assert messages[0].strip().splitlines() == [
        "shop-lock: apply all steps",
        "",
        "Steps:",
        "  step 1 (move): validation is business logic",
        "  step 2 (move): schema modules say so in their name",
    ]
    assert len([m for m in messages if m.strip()]) == 2


def test_apply_starts_from_base_and_warns_about_uncommitted_changes_it_leaves_out(
    shop: Path,
) -> None:
    plan = write_plan(shop, MOVE_RULES)
    git(shop, "commit", "-q", "--allow-empty", "-m", "later")
    (shop / PRICING).write_text("# my local edit\n", encoding="utf-8")
    before = state(shop)

    result = run("apply", plan, "--branch", "b", "--base", "HEAD~1", "--repo", shop)

    assert result.exit_code == 0, result.stderr
    assert (
        f"warning: {PRICING} has uncommitted changes; the plan runs on the commit, without them"
        in result.stderr
    )
    assert git(shop, "rev-parse", "b~2").strip() == git(shop, "rev-parse", "main~1").strip()
    assert "my local edit" not in git(shop, "show", f"b:{PRICING}")
    assert without_branch(state(shop), "b") == without_branch(before, "b")


def test_apply_names_a_dirty_working_tree_outside_what_the_plan_touches(shop: Path) -> None:
    # An uncommitted new importer of the moved module: the commit does not have it, so the
    # plan cannot rewrite it; the user hears so (the plan file itself is not news).
    plan = write_plan(shop, MOVE_RULES)
    (shop / "notes.py").write_text("import app\n", encoding="utf-8")
    result = run("apply", plan, "--branch", "b", "--repo", shop)
    assert result.exit_code == 0, result.stderr
    assert (
        "warning: the working tree has 1 other uncommitted change(s) the plan does not see: "
        "notes.py; commit them first to include them"
    ) in result.stderr


def test_detached_head_works_from_the_head_commit(shop: Path) -> None:
    plan = write_plan(shop, MOVE_RULES)
    git(shop, "checkout", "-q", "--detach", "HEAD")
    result = run("apply", plan, "--branch", "from-detached", "--repo", shop)
    assert result.exit_code == 0, result.stderr
    assert (
        git(shop, "rev-parse", "from-detached~2").strip() == git(shop, "rev-parse", "HEAD").strip()
    )


def test_an_existing_branch_is_refused_unless_forced(shop: Path) -> None:
    plan = write_plan(shop, MOVE_RULES)
    git(shop, "branch", "taken")
    before = state(shop)
    refused = run("apply", plan, "--branch", "taken", "--repo", shop)
    assert refused.exit_code == 2
    assert "branch taken already exists" in refused.stderr
    assert state(shop) == before

    forced = run("apply", plan, "--branch", "taken", "--force", "--repo", shop)
    assert forced.exit_code == 0, forced.stderr
    assert git(shop, "rev-parse", "taken~2").strip() == git(shop, "rev-parse", "main").strip()


def test_a_merge_in_progress_is_refused(shop: Path) -> None:
    plan = write_plan(shop, MOVE_RULES)
    git(shop, "checkout", "-q", "-b", "other")
    (shop / "README.md").write_text("other\n")
    git(shop, "commit", "-qam", "other")
    git(shop, "checkout", "-q", "main")
    (shop / "README.md").write_text("main\n")
    git(shop, "commit", "-qam", "main")
    git(shop, "merge", "other", check=False)  # conflicts: the merge stays in progress
    before = state(shop)

    result = run("apply", plan, "--branch", "b", "--repo", shop)

    assert result.exit_code == 2
    assert "a merge is in progress" in result.stderr
    assert state(shop) == before


def test_a_repository_without_commits_is_refused(tmp_path: Path) -> None:
    repo = tmp_path / "empty"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    plan = write_plan(repo, MOVE_RULES)
    result = run("apply", plan, "--branch", "b", "--repo", repo)
    assert result.exit_code == 2
    assert "the repository has no commits" in result.stderr
    assert git(repo, "for-each-ref") == ""


def test_an_invalid_plan_is_refused_before_anything_is_created(shop: Path) -> None:
    plan = write_plan(shop, MOVE_RULES.replace(RULES, f"{D}/drivers/missing.py"))
    before = state(shop)
    result = run("apply", plan, "--branch", "b", "--repo", shop)
    assert result.exit_code == 2
    assert "'from' does not exist" in result.stderr
    assert state(shop) == before
    nothing_left(shop)


def test_a_shallow_clone_works_when_the_base_is_present(shop: Path, tmp_path: Path) -> None:
    git(shop, "commit", "-q", "--allow-empty", "-m", "second")
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{shop}", str(clone))
    plan = write_plan(clone, MOVE_RULES)
    result = run("apply", plan, "--branch", "b", "--repo", clone)
    assert result.exit_code == 0, result.stderr

    missing_base = run("apply", plan, "--branch", "c", "--base", "HEAD~1", "--repo", clone)
    assert missing_base.exit_code == 2
    assert "--base HEAD~1: no such commit" in missing_base.stderr


def test_a_plan_whose_effect_is_already_there_creates_nothing(shop: Path) -> None:
    plan = write_plan(shop, MOVE_RULES)
    assert run("apply", plan, "--branch", "done", "--repo", shop).exit_code == 0
    before = state(shop)
    again = run("apply", plan, "--branch", "twice", "--base", "done", "--repo", shop)
    assert again.exit_code == 2
    assert "its effect is already there; no branch was created" in again.stderr
    assert state(shop) == before


def test_apply_prints_the_references_left_to_review_as_dry_run_does(shop: Path) -> None:
    (shop / "docs.txt").write_text("See app.hoc.cus.shop.drivers.order_rules for the rules.\n")
    git(shop, "add", "docs.txt")
    git(shop, "commit", "-q", "-m", "docs")
    plan = write_plan(shop, MOVE_RULES)
    listed = "references left to review (1; no codemod follows them, nothing changed):"
    line = "docs.txt:1: See app.hoc.cus.shop.drivers.order_rules for the rules."
    dry = run("dry-run", plan, "--repo", shop)
    applied = run("apply", plan, "--branch", "b", "--repo", shop)
    assert applied.exit_code == 0, applied.stderr
    for output in (dry.stderr, applied.stderr):
        assert listed in output
        assert line in output
