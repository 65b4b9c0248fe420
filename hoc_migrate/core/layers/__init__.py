"""The layer check's pure part: topology, headers, rules, findings, debt, baselines, output.

No I/O here: the services read files through a TreeReader, the adapters parse them into
facts, and everything below decides from those facts.
"""

from hoc_migrate.core.layers.catalogue import ERROR, RULES, WARNING, RuleInfo
from hoc_migrate.core.layers.config import CheckConfig, DebtEntry
from hoc_migrate.core.layers.findings import FileInfo, Finding, Status
from hoc_migrate.core.layers.header import Header, parse_header
from hoc_migrate.core.layers.result import CheckResult, CheckStats, ResultDiff, diff_results
from hoc_migrate.core.layers.topology import Location, Topology

__all__ = [
    "ERROR",
    "RULES",
    "WARNING",
    "CheckConfig",
    "CheckResult",
    "CheckStats",
    "DebtEntry",
    "FileInfo",
    "Finding",
    "Header",
    "Location",
    "ResultDiff",
    "RuleInfo",
    "Status",
    "Topology",
    "diff_results",
    "parse_header",
]
