"""The rules the layer check knows: names, default severities, one-line descriptions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hoc_migrate.core.layers.config import CheckConfig

ERROR = "error"
WARNING = "warning"
OFF = "off"  # a severity override that turns a rule off
SEVERITIES = (ERROR, WARNING)


@dataclass(frozen=True)
class RuleInfo:
    name: str
    severity: str  # the default; some rules pick error or warning per case (see `mixed`)
    summary: str
    mixed: bool = False  # the rule decides per finding (spec 4: "L2-in-engines: error; ...")


# Summaries speak of the rule, not of one topology: they are shown for every project (SARIF).
_RULES = (
    RuleInfo(
        "MISSING_HEADER",
        WARNING,
        "A file of the layered packages (other than an empty one) has no `# Layer:` header.",
    ),
    RuleInfo(
        "HEADER_LOCATION_MISMATCH",
        WARNING,
        "The header layer disagrees with the folder layer.",
        mixed=True,
    ),
    RuleInfo(
        "HEADER_CLAIM_MISMATCH",
        ERROR,
        "The file's content contradicts its header layer (HTTP, routes, database work).",
        mixed=True,
    ),
    RuleInfo("BANNED_NAMING", ERROR, "The file name matches a banned pattern."),
    RuleInfo(
        "SQLALCHEMY_RUNTIME",
        ERROR,
        "A file of a layer that must not touch the database imports a runtime-banned module "
        "(sqlalchemy, sqlmodel) at run time.",
    ),
    RuleInfo("LEGACY_IMPORT", ERROR, "A file imports a legacy namespace."),
    RuleInfo("LAYER_BOUNDARY", ERROR, "The imported module's layer is not allowed here."),
    RuleInfo("AUDIENCE_MISMATCH", ERROR, "The audience header disagrees with the folder."),
    RuleInfo(
        "CROSS_DOMAIN",
        WARNING,
        "A module imports another domain of its audience.",
        mixed=True,
    ),
    RuleInfo("FORBIDDEN_IMPORT", ERROR, "An import a forbidden contract rules out."),
    RuleInfo(
        "INDEPENDENCE", ERROR, "An import between modules an independence contract keeps apart."
    ),
    RuleInfo(
        "UNLISTED_LAYER",
        ERROR,
        "A module of an exhaustive layers contract's container is in no layer.",
    ),
    RuleInfo("PARSE_ERROR", ERROR, "The file is not valid Python or not decodable."),
    RuleInfo(
        "BAD_SUPPRESSION",
        ERROR,
        "An inline `# hoc: ignore[RULE] reason` comment lacks a rule or a reason.",
    ),
    RuleInfo("EXPIRED_DEBT", ERROR, "An accepted-debt entry is past its expiry date."),
    RuleInfo("STALE_DEBT", WARNING, "An accepted-debt entry covers no finding any more."),
    RuleInfo(
        "UNSUPPORTED_CONTRACT",
        WARNING,
        "An import-linter contract of a type this check does not evaluate (lint-imports does).",
    ),
)

RULES: dict[str, RuleInfo] = {rule.name: rule for rule in _RULES}

#: The rules about the code's layering, and the contracts not evaluated (a contract's
#: findings are chosen with the contracts' rules); `--select` narrows these.
LAYER_RULES = frozenset(
    {
        "MISSING_HEADER",
        "HEADER_LOCATION_MISMATCH",
        "HEADER_CLAIM_MISMATCH",
        "BANNED_NAMING",
        "SQLALCHEMY_RUNTIME",
        "LEGACY_IMPORT",
        "LAYER_BOUNDARY",
        "AUDIENCE_MISMATCH",
        "CROSS_DOMAIN",
        "FORBIDDEN_IMPORT",
        "INDEPENDENCE",
        "UNLISTED_LAYER",
        "UNSUPPORTED_CONTRACT",
    }
)
#: Rules about the check itself (unreadable files, suppressions, debt): always reported unless
#: ignored explicitly, whatever `--select` says.
META_RULES = frozenset(RULES) - LAYER_RULES


def enabled_rules(
    select: Iterable[str] | None = None, ignore: Iterable[str] = ()
) -> frozenset[str]:
    """The rules a run reports: the selected layer rules (all when None) plus the meta rules,
    minus the ignored ones. Names must be known (see `unknown_rules`)."""
    chosen = set(LAYER_RULES if select is None else select) | META_RULES
    return frozenset(chosen - set(ignore))


def unknown_rules(names: Iterable[str]) -> list[str]:
    return [n for n in names if n not in RULES]


def applicable_rules(config: CheckConfig) -> tuple[str, ...]:
    """The rules the configuration gives a meaning: no header rule without headers, no HOC
    rule without the preset, no contract rule without contracts."""
    hoc, headers = config.is_hoc, config.headers
    dropped = set()
    if not headers:
        dropped |= {"MISSING_HEADER", "HEADER_LOCATION_MISMATCH", "AUDIENCE_MISMATCH"}
    if not hoc:
        dropped |= {"HEADER_CLAIM_MISMATCH", "CROSS_DOMAIN", "AUDIENCE_MISMATCH"}
    if not config.banned_patterns:
        dropped.add("BANNED_NAMING")
    if not config.legacy_namespaces:
        dropped.add("LEGACY_IMPORT")
    if not config.runtime_banned_layers:
        dropped.add("SQLALCHEMY_RUNTIME")
    kinds = {c.kind for c in config.contracts}
    if "forbidden" not in kinds:
        dropped.add("FORBIDDEN_IMPORT")
    if "independence" not in kinds:
        dropped.add("INDEPENDENCE")
    if not any(c.exhaustive for c in config.contracts):
        dropped.add("UNLISTED_LAYER")
    if not config.unsupported_contracts:
        dropped.add("UNSUPPORTED_CONTRACT")
    if not config.import_matrix and "layers" not in kinds:
        dropped.add("LAYER_BOUNDARY")
    return tuple(r for r in RULES if r not in dropped)
