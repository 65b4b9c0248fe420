"""What a layer check judged a tree by, in words: the HOC preset in one of its generations,
or the project's own layers and import-linter contracts.

`check -v` says where the rules came from; a certificate lists what was checked (the HOC
preset's governance invariants, or the project's contracts and layers, never the one for
the other); a plan whose base and result are judged by different rules says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hoc_migrate.core.layers import presets
from hoc_migrate.core.layers.config import CheckConfig
from hoc_migrate.core.layers.contracts import FORBIDDEN, INDEPENDENCE, contract_text

_CONTRACT_RULES = {
    "layers": ("LAYER_BOUNDARY", "UNLISTED_LAYER"),
    FORBIDDEN: ("FORBIDDEN_IMPORT",),
    INDEPENDENCE: ("INDEPENDENCE",),
}


@dataclass(frozen=True)
class RuleGroup:
    """Rules taken from one place: one import-linter contract, or the configured layers."""

    name: str  # "contract 'Shop layers'", "layers"
    text: str  # what it says: "layers: shop.api > shop.services > shop.models"
    origin: str  # the file it was read from
    rules: tuple[str, ...]  # the rules whose findings break it
    contract: str | None = None  # the contract's name, as its findings quote it


@dataclass(frozen=True)
class RuleSet:
    """The rules of one check. The default (nothing known) claims no rule at all."""

    generation: str | None = None  # "v1" | "v2" with the HOC preset; None without it
    groups: tuple[RuleGroup, ...] = ()
    preset_origin: str = ""  # why the HOC preset applies: "chosen from the tree: ...", a file

    @property
    def is_hoc(self) -> bool:
        return self.generation is not None

    @property
    def name(self) -> str:
        """What the tree is checked as: "HOC V2", "the project's layers", ..."""
        if self.generation is not None:
            return f"HOC {self.generation.upper()}"
        if any(g.contract is not None for g in self.groups):
            return "the project's import-linter contracts"
        return "the project's layers" if self.groups else "no layer rules"

    def source(self) -> str:
        """Where the rules came from, in one line (`check -v`)."""
        if self.generation is not None:
            how = f" (preset: {self.preset_origin})" if self.preset_origin else ""
            return f"the HOC preset, {self.generation.upper()} rules{how}"
        places = [f"{g.name} in {g.origin}" for g in self.groups if g.rules]
        return "; ".join(places) if places else "no layers or contracts"


def rule_set(config: CheckConfig, generation: str | None = None) -> RuleSet:
    """The rules `config` checks a tree by, in the HOC `generation` the check chose for the
    tree (None: the configuration's)."""
    if generation is not None:
        config = config.with_generation(generation)
    groups = [
        RuleGroup(
            f"contract '{c.name}'",
            contract_text(c),
            c.origin,
            _CONTRACT_RULES.get(c.kind, ())[: 2 if c.exhaustive else 1],
            c.name,
        )
        for c in config.contracts
    ]
    groups += [
        RuleGroup(
            f"contract '{u.name}'", f"{u.kind}: not evaluated by this check", u.origin, (), u.name
        )
        for u in config.unsupported_contracts
    ]
    origin = config.origins.get("layers") or config.origin or "the configuration"
    if config.layers:
        shown = " > ".join(g.text() for g in config.layers)
        groups.insert(0, RuleGroup("layers", f"layers: {shown}", origin, ("LAYER_BOUNDARY",)))
    elif config.allowed_imports and not config.is_hoc:
        rows = "; ".join(f"{k} -> {', '.join(v)}" for k, v in config.allowed_imports.items())
        where = config.origins.get("allowed_imports") or origin
        groups.insert(0, RuleGroup("allowed imports", rows, where, ("LAYER_BOUNDARY",)))
    return RuleSet(config.generation, tuple(groups), config.origins.get("preset", ""))


def rules_changed(before: RuleSet, after: RuleSet, result: str = "the branch") -> str | None:
    """One line when the base and `result` are judged by different rules (a plan that
    creates the spine is checked by HOC V2 on its result, its base by V1); else None."""
    known = all(side.groups or side.is_hoc for side in (before, after))
    if before.name == after.name or not known:
        return None
    why = ""
    if before.generation == presets.V1 and after.generation == presets.V2:
        why = f" ({presets.SPINE}/ appears)"
    elif before.generation == presets.V2 and after.generation == presets.V1:
        why = f" (no {presets.SPINE}/ any more)"
    shown = before.generation.upper() if before.generation and after.is_hoc else before.name
    return f"{result} is checked as {after.name}{why}, the base as {shown}"


def whole_tree_change(note: str, before: Mapping[str, int], after: Mapping[str, int]) -> str:
    """`note` (see `rules_changed`) with the whole tree's errors per rule before and after:
    the rules that changed them, the most changed first."""
    moved = {r: after.get(r, 0) - before.get(r, 0) for r in {*before, *after}}
    shown = ", ".join(
        f"{rule} {delta:+d}"
        for rule, delta in sorted(moved.items(), key=lambda item: (-abs(item[1]), item[0]))
        if delta
    )
    total = f"{sum(before.values())} -> {sum(after.values())} errors"
    return f"{note}; the whole tree: {total}" + (f" ({shown})" if shown else "")
