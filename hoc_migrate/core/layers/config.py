"""The checker's configuration: values and the embedded HOC defaults (a HOC tree needs no
configuration). `config_validation.config_from_mapping` builds one from a TOML table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from hoc_migrate.core.layers.debt import DebtEntry
from hoc_migrate.core.modules import normalize_root

__all__ = ["CheckConfig", "DebtEntry"]

CONFIG_KEYS_DOC = """\
[tool.hoc-migrate]            # in pyproject.toml; a hoc-migrate.toml holds the same keys at top level
source_roots = ["backend"]    # folders on sys.path, relative to the config file (default: found)
hoc_packages = ["app/hoc", "app/houseofcards"]   # the HOC package(s): header, naming, legacy rules
audience_folders = {cus = "CUSTOMER", customer = "CUSTOMER", fdr = "FOUNDER", ...}
legacy_namespaces = ["app.services"]            # LEGACY_IMPORT
banned_patterns = ["*_service.py"]              # BANNED_NAMING (file-name globs)
layer_folders = {"<hoc>/**/engines" = "L5", ...}        # replaces the default folder table
extra_layer_folders = {"<hoc>/**/L4_jobs" = "L4"}       # checked before the table above
allowed_imports = {L5 = ["L5", "L6"], ...}      # rows replace the default matrix's rows
runtime_banned_modules = ["sqlalchemy", "sqlmodel"]     # SQLALCHEMY_RUNTIME: which modules
runtime_banned_layers = ["L4", "L5"]                    # SQLALCHEMY_RUNTIME: in which layers
db_modules = ["sqlalchemy", "sqlmodel", "asyncpg", ...] # "does database work" (HEADER_CLAIM)
http_modules = ["fastapi", "starlette"]                 # "handles HTTP" (HEADER_CLAIM)
type_checking_exempt = ["SQLALCHEMY_RUNTIME"]   # rules that `if TYPE_CHECKING:` imports skip
severity = {CROSS_DOMAIN = "error", MISSING_HEADER = "off"}   # error | warning | off
baseline = ".hoc-migrate/baseline.json"        # relative to the config file
cache = true                                   # the facts cache in <repo>/.hoc-migrate/cache

[[tool.hoc-migrate.debt]]     # accepted debt: reported, does not fail the run until it expires
path = "backend/app/hoc/cus/integrations/drivers/bridges.py"   # a path or glob ('**' spans folders)
rules = ["SQLALCHEMY_RUNTIME"]                 # or ["*"]
reason = "HYBRID file, split pending M25"      # required
ticket = "HOC-123"                             # optional
milestone = "M25"                              # optional
expires = 2026-06-30                           # optional TOML date; after it the run fails

Folder patterns: segments separated by '/', matched against the end of a file's folder path;
'*' and '?' match within one segment, '**' any number of segments, '<hoc>' one of the HOC
packages and '<audience>' one of the audience folders. The deepest matching folder wins; for
one folder, the first matching pattern (extra_layer_folders first).
"""

LAYER_RE = re.compile(r"^L\d+(?:\.\d+)?$")

DEFAULT_HOC_PACKAGES = ("app/hoc", "app/houseofcards")
DEFAULT_AUDIENCE_FOLDERS: Mapping[str, str] = {
    "cus": "CUSTOMER",
    "customer": "CUSTOMER",
    "fdr": "FOUNDER",
    "founder": "FOUNDER",
    "int": "INTERNAL",
    "internal": "INTERNAL",
}
DEFAULT_LEGACY_NAMESPACES = ("app.services",)
DEFAULT_BANNED_PATTERNS = ("*_service.py",)

# Both folder-naming generations; most specific first where two could match the same folder.
DEFAULT_LAYER_FOLDERS: tuple[tuple[str, str], ...] = (
    ("<hoc>/api/facades", "L2.1"),
    ("<hoc>/api/<audience>", "L2"),
    ("<hoc>/**/adapters", "L3"),
    ("<hoc>/**/L3_adapters", "L3"),
    ("<hoc>/**/L3_mcp", "L3"),
    ("<hoc>/**/general/runtime", "L4"),
    ("<hoc>/**/general/L4_runtime", "L4"),
    ("<hoc>/**/engines", "L5"),
    ("<hoc>/**/workers", "L5"),
    ("<hoc>/**/schemas", "L5"),
    ("<hoc>/**/L5_engines", "L5"),
    ("<hoc>/**/L5_schemas", "L5"),
    ("<hoc>/**/L5_*", "L5"),
    ("<hoc>/**/drivers", "L6"),
    ("<hoc>/**/L6_drivers", "L6"),
    ("app/models", "L7"),
    ("app/<audience>/models", "L7"),
    # The legacy tree outside the HOC package.
    ("app/services", "L4"),
    ("app/adapters", "L3"),
    ("app/worker*", "L5"),
    ("app/auth", "L6"),
    ("app/db", "L6"),
    ("app/api", "L2"),
)

DEFAULT_ALLOWED_IMPORTS: Mapping[str, tuple[str, ...]] = {
    "L2.1": ("L2.1", "L2"),
    "L2": ("L2", "L3"),
    "L3": ("L3", "L4", "L5", "L6"),
    "L4": ("L4", "L5", "L6"),
    "L5": ("L5", "L6"),
    "L6": ("L6", "L7"),
    "L7": ("L7",),
}
DEFAULT_RUNTIME_BANNED_MODULES = ("sqlalchemy", "sqlmodel")
DEFAULT_RUNTIME_BANNED_LAYERS = ("L4", "L5")
DEFAULT_DB_MODULES = (
    "sqlalchemy",
    "sqlmodel",
    "asyncpg",
    "psycopg",
    "psycopg2",
    "aiosqlite",
    "sqlite3",
    "databases",
    "pymongo",
    "motor",
)
DEFAULT_HTTP_MODULES = ("fastapi", "starlette")
DEFAULT_TYPE_CHECKING_EXEMPT = ("SQLALCHEMY_RUNTIME",)
DEFAULT_BASELINE = ".hoc-migrate/baseline.json"


@dataclass(frozen=True)
class CheckConfig:
    """Everything the layer check needs to know about a project. Paths are repo-relative."""

    source_roots: tuple[str, ...] = ()  # () = find them from the imports
    hoc_packages: tuple[str, ...] = DEFAULT_HOC_PACKAGES
    audience_folders: Mapping[str, str] = field(
        default_factory=lambda: dict(DEFAULT_AUDIENCE_FOLDERS)
    )
    legacy_namespaces: tuple[str, ...] = DEFAULT_LEGACY_NAMESPACES
    banned_patterns: tuple[str, ...] = DEFAULT_BANNED_PATTERNS
    layer_folders: tuple[tuple[str, str], ...] = DEFAULT_LAYER_FOLDERS
    allowed_imports: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_ALLOWED_IMPORTS)
    )
    runtime_banned_modules: tuple[str, ...] = DEFAULT_RUNTIME_BANNED_MODULES
    runtime_banned_layers: tuple[str, ...] = DEFAULT_RUNTIME_BANNED_LAYERS
    db_modules: tuple[str, ...] = DEFAULT_DB_MODULES
    http_modules: tuple[str, ...] = DEFAULT_HTTP_MODULES
    type_checking_exempt: frozenset[str] = frozenset(DEFAULT_TYPE_CHECKING_EXEMPT)
    severity: Mapping[str, str] = field(default_factory=dict)
    debt: tuple[DebtEntry, ...] = ()
    baseline: str | None = None
    cache: bool = True
    origin: str | None = None  # repo-relative path of the file it came from (None: defaults)

    @property
    def known_layers(self) -> frozenset[str]:
        layers = set(self.allowed_imports)
        for targets in self.allowed_imports.values():
            layers.update(targets)
        layers.update(layer for _, layer in self.layer_folders)
        return frozenset(layers)

    def with_source_roots(self, roots: Sequence[str]) -> CheckConfig:
        return replace(self, source_roots=tuple(normalize_root(r) for r in roots))
