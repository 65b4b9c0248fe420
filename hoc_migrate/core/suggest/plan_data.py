"""A suggestion as plan data (what `dump_plan` writes as YAML)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hoc_migrate.core.report import plural
from hoc_migrate.core.suggest.model import Proposal


def plan_data(
    name: str,
    scope: Sequence[str],
    proposals: Sequence[Proposal],
    debt: list[dict[str, Any]],
    removed: int = 0,
) -> dict[str, Any]:
    """`removed`: the errors the steps remove (measured on their result)."""
    data: dict[str, Any] = {
        "name": name,
        "description": (
            f"Suggested from the layer check: {plural(len(proposals), 'step')} removing "
            f"{plural(removed, 'error')}; {plural(len(debt), 'debt entry', 'debt entries')} "
            "for what the steps leave, each with its reason."
        ),
        "scope": list(scope),
        "steps": [{p.kind: _options(p)} for p in proposals],
    }
    if debt:
        data["debt"] = debt
    return data


def _options(proposal: Proposal) -> dict[str, Any]:
    """The step's options, `why` last (as people write it)."""
    options = {k: v for k, v in proposal.options.items() if k != "why"}
    if "why" in proposal.options:
        options["why"] = proposal.options["why"]
    return options
