"""Real-world replay: hoc-migrate's moves and verdict on projects nobody on the team wrote.

For each project of corpus.toml: its sdist unpacked into a one-commit git repository, its
venv (the project installed editable with its test dependencies, and hoc-migrate from the
checkout being measured), then on the same machine in one run

* the base: the suite (the plan's verify command, with --junitxml), the project's linter,
  its entry points and top-level imports;
* hoc-migrate: `plan validate`, `dry-run` (the diff must `git apply --check` on the base),
  `apply --branch hoc-realworld` (its verdict, the references it listed);
* independently of that verdict, the branch (or, when apply kept none, the dry-run's diff on
  a scratch branch) checked out in the same folder and measured like the base;

then a Markdown table on stdout, the details in benchmarks/out/realworld.json and one log per
project (every command and its output) in benchmarks/out/realworld/. Run by hand, never in
CI (it downloads from PyPI). See README.md beside this file.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
import tomllib
import traceback
from pathlib import Path
from typing import Any

import yaml
from hoc import BRANCH, HocRun, renames, run_hoc
from measure import (
    NO_WHEEL,
    Lint,
    Suite,
    as_data,
    check_entry_points,
    check_imports,
    check_wheel,
    entry_points,
    error_line,
    new_findings,
    run_lint,
    run_suite,
    wheel_lost,
)
from report import table
from runner import Runner, clean_env
from workspace import (
    BASE_BRANCH,
    FIXED_DATE,
    Project,
    SetupError,
    Workspace,
    fetch_sdist,
    prepare_venvs,
    reinstall_editable,
    unpack_repo,
)

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parents[1]
SCRATCH = "hoc-realworld-dry-run"
# --source-roots MODE: the roots written into each plan, by layout.
ROOTS = {
    "layout": {"src": ["src"], "flat": ["."]},
    "repo": {"src": ["src", "."], "flat": ["."]},
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    corpus = tomllib.loads((HERE / "corpus.toml").read_text(encoding="utf-8"))
    names = [name for part in args.only for name in part.split(",") if name] or list(corpus)
    unknown = [name for name in names if name not in corpus]
    if unknown:
        print(f"unknown project(s): {', '.join(unknown)}; known: {', '.join(corpus)}")
        return 2
    hoc_migrate = args.hoc_migrate.resolve()
    if not (hoc_migrate / "pyproject.toml").is_file():
        print(f"--hoc-migrate {hoc_migrate}: not a hoc-migrate checkout (no pyproject.toml)")
        return 2
    out_dir = args.out.resolve()
    logs = out_dir / "realworld"
    started = time.monotonic()
    records = []
    for name in names:
        project = Project.from_table(name, corpus[name])
        ws = Workspace(project, args.workdir.resolve() / name, hoc_migrate)
        plan = HERE / "plans" / f"{name}.yaml"
        if args.source_roots:
            plan = with_source_roots(plan, project, ws.root, args.source_roots)
        print(f"[{name}] replaying {plan.name} ...", file=sys.stderr, flush=True)
        record = replay(ws, plan, Runner(logs / f"{name}.log", clean_env(ws.venv)))
        record["log"] = str(logs / f"{name}.log")
        records.append(record)
        print(f"[{name}] {record['status']} in {record['seconds']} s", file=sys.stderr)
        if not args.keep:
            for folder in (ws.repo, ws.out):
                shutil.rmtree(folder, ignore_errors=True)
    total = round(time.monotonic() - started, 1)
    rendered = table(records)
    print(rendered)
    print(f"\n{len(records)} project(s) in {total} s; details: {out_dir / 'realworld.json'}")
    summary = {
        "hoc_migrate": str(hoc_migrate),
        "hoc_migrate_commit": _commit(hoc_migrate),
        "variant": f"source_roots: {args.source_roots}" if args.source_roots else "plain plans",
        "python": sys.version.split()[0],
        "seconds": total,
        "projects": records,
        "table": rendered,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "realworld.json").write_text(json.dumps(summary, indent=2) + "\n")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="replay only these projects (repeat, or comma-separated)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the repositories and outputs in the work folder"
    )
    parser.add_argument(
        "--hoc-migrate",
        type=Path,
        default=CHECKOUT,
        metavar="DIR",
        help="the hoc-migrate checkout to measure (default: this one)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path("/tmp/hoc-realworld"),
        metavar="DIR",
        help="where repositories and venvs go",
    )
    parser.add_argument(
        "--source-roots",
        nargs="?",
        const="layout",
        choices=sorted(ROOTS),
        help="replay each plan with source_roots given, to get past a wrong root and see "
        "what the moves themselves do: 'layout' (the default) src or '.', 'repo' also '.' "
        "for a src layout (so that tests/ and conftest.py are under a root)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=CHECKOUT / "benchmarks" / "out",
        metavar="DIR",
        help="where realworld.json and the logs go",
    )
    return parser


def with_source_roots(plan: Path, project: Project, folder: Path, mode: str) -> Path:
    """The plan with the roots given, written beside the project's work files."""
    data = yaml.safe_load(plan.read_text(encoding="utf-8"))
    data = {"source_roots": ROOTS[mode][project.layout], **data}
    folder.mkdir(parents=True, exist_ok=True)
    variant = folder / f"{plan.stem}.roots-{mode}.yaml"
    variant.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return variant


def replay(ws: Workspace, plan: Path, run: Runner) -> dict[str, Any]:
    started = time.monotonic()
    project = ws.project
    record: dict[str, Any] = {
        "project": project.name,
        "version": project.version,
        "layout": project.layout,
        "packages": list(project.packages),
        "tests": project.tests,
        "linter": f"{project.lint_tool} ({project.lint_config})",
        "plan": str(plan),
        "status": "ok",
    }
    try:
        plan_data = yaml.safe_load(plan.read_text(encoding="utf-8"))
        command = plan_data["verify"]["command"]
        record["moves"] = sum(1 for step in plan_data["steps"] if "move" in step)
        record["suite_command"] = command
        run.note("setup")
        unpack_repo(ws, fetch_sdist(project, run), run)
        ws.out.mkdir(parents=True, exist_ok=True)
        prepare_venvs(ws, run)
        record["files"] = _python_files(ws, run)
        declared = entry_points(ws, run)
        run.note("base: measured")
        record["base"] = measure(ws, run, command, "base", declared)
        hoc = run_hoc(ws, run, plan)
        record["hoc"] = as_data(hoc)
        record["branch"] = measure_result(ws, run, command, declared, hoc)
        judge(record, hoc)
    except SetupError as error:
        record["status"] = f"setup failed: {error}"
    except Exception as error:  # one broken project must not stop the others
        record["status"] = f"harness error: {error!r}"
        run.note("harness error\n" + traceback.format_exc())
    record["seconds"] = round(time.monotonic() - started, 1)
    return record


def measure(
    ws: Workspace,
    run: Runner,
    command: list[str],
    label: str,
    declared: list[tuple[str, str, str]],
) -> dict[str, Any]:
    suite = run_suite(ws, run, command, label)
    lint = run_lint(ws, run)
    return {
        "suite": as_data(suite),
        "lint": as_data(lint),
        "entry_points": as_data(check_entry_points(ws, run, declared)),
        "imports": check_imports(ws, run),
        "wheel_missing": check_wheel(ws, run, label),
    }


def measure_result(
    ws: Workspace,
    run: Runner,
    command: list[str],
    declared: list[tuple[str, str, str]],
    hoc: HocRun,
) -> dict[str, Any] | None:
    """The branch apply kept, else the dry-run's diff committed on a scratch branch."""
    git = ["git", "-C", ws.repo]
    if hoc.branch_kept:
        rev, source = BRANCH, "apply's branch"
    elif hoc.diff_applies:
        rev, source = SCRATCH, "the dry-run diff (apply kept no branch)"
        run.run([*git, "checkout", "-q", "-b", SCRATCH, BASE_BRANCH], cwd=ws.repo, timeout=60)
        patched = run.run(
            [*git, "apply", "--index", ws.out / "dry-run.diff"], cwd=ws.repo, timeout=120
        )
        if not patched.ok:
            _back_to_base(ws, run)
            return None
        saved = dict(run.env)
        run.env.update(GIT_AUTHOR_DATE=FIXED_DATE, GIT_COMMITTER_DATE=FIXED_DATE)
        run.run([*git, "commit", "-q", "-m", "dry-run diff"], cwd=ws.repo, timeout=60)
        run.env = saved
    else:
        return None
    run.note(f"branch: measured ({source})")
    try:
        checkout = run.run([*git, "checkout", "-q", rev], cwd=ws.repo, timeout=60)
        if not checkout.ok:
            return {"source": source, "problem": checkout.tail(3)}
        reinstall = reinstall_editable(ws, run)
        result = measure(ws, run, command, "branch", declared)
        result["source"] = source
        result["reinstall"] = {"exit": reinstall.exit, "error": error_line(reinstall.stderr)}
        result["renames"] = renames(ws, run, rev)
        return result
    finally:
        _back_to_base(ws, run)


def _back_to_base(ws: Workspace, run: Runner) -> None:
    run.run(["git", "-C", ws.repo, "checkout", "-q", "-f", BASE_BRANCH], cwd=ws.repo, timeout=60)
    reinstall_editable(ws, run)


def judge(record: dict[str, Any], hoc: HocRun) -> None:
    """New lint findings, entry points, and whether hoc-migrate's verdict tells the truth."""
    base, branch = record["base"], record.get("branch")
    if branch is None or "suite" not in branch:
        record["honest"] = "n/a (nothing to measure)" if hoc.verdict != "verified" else "?"
        return
    base_suite, branch_suite = Suite(**base["suite"]), Suite(**branch["suite"])
    holds = branch_suite.as_good_as(base_suite)
    record["suite_holds"] = holds
    record["new_lint"] = new_findings(
        Lint(**base["lint"]), Lint(**branch["lint"]), branch.get("renames", {})
    )
    worked = [ep for ep in base["entry_points"] if ep["ok"]]
    still = {(ep["group"], ep["name"]) for ep in branch["entry_points"] if ep["ok"]}
    broken_eps = [ep["name"] for ep in worked if (ep["group"], ep["name"]) not in still]
    record["entry_points_ok"] = f"{len(worked) - len(broken_eps)}/{len(worked)}"
    broken_imports = [name for name, error in branch["imports"].items() if error]
    lost = wheel_lost(
        base["wheel_missing"],
        branch["wheel_missing"],
        branch.get("renames", {}),
        record["layout"],
    )
    record["wheel_lost"] = lost
    problems = []
    if branch["reinstall"]["exit"] != 0:
        problems.append("pip install -e . fails")
    if not holds:
        problems.append("suite worse")
    if broken_imports:
        problems.append("import " + ", ".join(broken_imports) + " fails")
    if broken_eps:
        problems.append("entry point " + ", ".join(broken_eps[:3]) + " broken")
    if lost:
        problems.append(
            "no wheel" if lost[0].startswith(NO_WHEEL) else f"wheel lacks {len(lost)} file(s)"
        )
    record["works"] = not problems
    if hoc.verdict == "verified":
        record["honest"] = "yes" if not problems else "NO: verified, but " + "; ".join(problems)
    elif hoc.verdict == "failed" and not problems:
        record["honest"] = "NO: false refusal (the branch works)"
    elif hoc.verdict == "failed":
        # Right to refuse; but did it see what broke, or only what already failed on the base?
        named = set(hoc.apply_failures)
        old = set(base["suite"]["failing"])
        if named and named <= old:
            record["honest"] = "yes, by luck: it failed on tests that fail on the base too"
        else:
            record["honest"] = "yes"
    else:
        record["honest"] = "n/a (" + hoc.verdict + ")"


def _python_files(ws: Workspace, run: Runner) -> int:
    listed = run.run(["git", "ls-files", "*.py"], cwd=ws.repo, timeout=60)
    return len(listed.stdout.splitlines())


def _commit(checkout: Path) -> str:
    import subprocess

    done = subprocess.run(
        ["git", "-C", checkout, "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    dirty = subprocess.run(
        ["git", "-C", checkout, "status", "--porcelain"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return done.stdout.strip() + (" (dirty)" if dirty.stdout.strip() else "")


if __name__ == "__main__":
    raise SystemExit(main())
