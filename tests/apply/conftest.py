"""Shared setup for the apply / pr / report tests: a small HOC repository and a way to prove
the user's repository is exactly as it was."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from hoc_migrate.cli import app
from tests.conftest import GIT_ENV, git, make_repo, state_dir

D = "backend/app/hoc/cus/shop"
RULES = f"{D}/drivers/order_rules.py"
STORE = f"{D}/drivers/order_store.py"
PRICING = f"{D}/engines/pricing.py"
ORDER = f"{D}/schemas/order.py"

SHOP: dict[str, str | bytes] = {
    "pyproject.toml": '[tool.hoc-migrate]\nsource_roots = ["backend"]\n',
    "backend/app/__init__.py": "",
    "backend/app/hoc/__init__.py": "",
    "backend/app/hoc/cus/__init__.py": "",
    f"{D}/__init__.py": "",
    f"{D}/drivers/__init__.py": "# Layer: L6 — Drivers\n",
    RULES: (
        "# Layer: L5 — Domain Engines\n"
        "# AUDIENCE: CUSTOMER\n"
        '"""Order validation rules (an engine misplaced in drivers/)."""\n'
        "\n"
        "from app.hoc.cus.shop.schemas.order import Order\n"
        "\n"
        "\n"
        "def validate(order: Order) -> bool:\n"
        "    return order.total >= 0\n"
    ),
    STORE: (
        "# Layer: L6 — Drivers\n"
        "# AUDIENCE: CUSTOMER\n"
        '"""Order persistence."""\n'
        "\n"
        "from sqlalchemy import select\n"
        "\n"
        "from app.models.order import OrderRow\n"
        "\n"
        "\n"
        "def load(session, order_id):\n"
        "    return session.execute(select(OrderRow).where(OrderRow.id == order_id))\n"
    ),
    f"{D}/engines/__init__.py": "# Layer: L5 — Domain Engines\n",
    PRICING: (
        "# Layer: L5 — Domain Engines\n"
        "# AUDIENCE: CUSTOMER\n"
        '"""Prices."""\n'
        "\n"
        "from app.hoc.cus.shop.drivers.order_rules import validate\n"
        "\n"
        "\n"
        "def price(order):\n"
        "    return order.total if validate(order) else 0\n"
    ),
    f"{D}/schemas/__init__.py": "# Layer: L5 — Domain Schemas\n",
    ORDER: (
        "# Layer: L5 — Domain Schemas\n"
        "# AUDIENCE: CUSTOMER\n"
        "from dataclasses import dataclass\n"
        "\n"
        "\n"
        "@dataclass\n"
        "class Order:\n"
        "    total: int\n"
    ),
    "backend/app/models/__init__.py": "",
    "backend/app/models/order.py": "class OrderRow:\n    id = 0\n",
    "README.md": "The shop.\n",
}

MOVE_RULES = f"""\
name: shop-lock
description: Put the shop's engines where they belong.
source_roots: [backend]
scope: [{D}]
steps:
  - move:
      from: {RULES}
      to: {D}/engines/order_rules.py
      why: validation is business logic (L5), not persistence
"""


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commits made by the tool take the identity from git's environment / configuration."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "shop", dict(SHOP))


def write_plan(repo: Path, text: str, name: str = "plan.yaml") -> Path:
    """Plans live outside the repository's tree of code but inside the repository."""
    path = repo / "plans" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def state(repo: Path) -> dict[str, object]:
    """Everything about the user's repository that an apply must leave as it was."""

    def files() -> dict[str, str]:
        out = {}
        for dirpath, dirnames, filenames in os.walk(repo):
            dirnames[:] = [d for d in dirnames if d != ".git"]
            for name in filenames:
                full = Path(dirpath) / name
                out[str(full.relative_to(repo))] = hashlib.sha1(full.read_bytes()).hexdigest()
        return out

    return {
        "files": files(),
        "status": git(repo, "status", "--porcelain", "--untracked-files=all"),
        "index": git(repo, "ls-files", "-s"),
        "refs": git(repo, "for-each-ref", "--format=%(refname) %(objectname)"),
        "head": git(repo, "symbolic-ref", "-q", "HEAD", check=False)
        + git(repo, "rev-parse", "HEAD"),
        "worktrees": git(repo, "worktree", "list", "--porcelain"),
        "stash": git(repo, "stash", "list"),
    }


def without_branch(snapshot: dict[str, object], branch: str) -> dict[str, object]:
    refs = str(snapshot["refs"]).splitlines()
    kept = [line for line in refs if not line.startswith(f"refs/heads/{branch} ")]
    return {**snapshot, "refs": "\n".join(kept)}


def nothing_left(repo: Path) -> None:
    """No worktree, journal or stray folder of an apply remains."""
    assert git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1
    worktrees = state_dir(repo) / "worktrees"
    assert not worktrees.exists() or not any(worktrees.iterdir())
    assert not (state_dir(repo) / "apply.lock").exists()


PYTHON = sys.executable
StateOf = Callable[[Path], dict[str, object]]
