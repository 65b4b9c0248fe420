"""Every configuration key: its type, default, meaning, example, and how it is read.

The validation (`config_validation`) reads keys through these definitions and the reference
page (`docs/configuration.md`, `hoc-migrate config docs`) is rendered from them, so the two
cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hoc_migrate.core.layers import config_parse as read
from hoc_migrate.core.layers import presets
from hoc_migrate.core.layers.config_parse import Reading

Reader = Callable[[Any, str, Reading], Any]


@dataclass(frozen=True)
class KeyDef:
    name: str
    type: str  # as a TOML user reads it
    default: str  # in words (per preset where they differ)
    summary: str
    example: str  # one TOML line (or a table), loaded by the tests
    reader: Reader
    group: str = "Layers"


def _path_list(value: Any, key: str, r: Reading) -> tuple[str, ...] | None:
    items = read.strings(value, key, r)
    return None if items is None else tuple(r.rel(i) for i in items)


def _packages(value: Any, key: str, r: Reading) -> tuple[str, ...] | None:
    items = read.strings(value, key, r)
    return None if items is None else tuple(i.replace(".", "/").strip("/") for i in items)


def _exempt(value: Any, key: str, r: Reading) -> frozenset[str] | None:
    rules = read.rule_names(value, key, r)
    return None if rules is None else frozenset(rules)


KEYS: tuple[KeyDef, ...] = (
    KeyDef(
        "preset",
        "string: `hoc` or `none`",
        "`hoc` where the tree has `app/hoc` or `app/houseofcards`, else `none`",
        "The built-in topology: `hoc` (the HOC layer rules, headers, audiences, naming) or "
        "`none` (only the project's own layers and import-linter contracts).",
        'preset = "none"',
        read.choice(presets.PRESETS),
        "General",
    ),
    KeyDef(
        "hoc_generation",
        "string: `auto`, `v1` or `v2`",
        "`auto`: V2 where an audience has a `hoc_spine/` folder, else V1",
        "Which HOC rule book applies: V1 (the seed's) or V2 (the spine is L4, only the spine "
        "crosses domains).",
        'hoc_generation = "v2"',
        read.choice(presets.GENERATIONS),
        "General",
    ),
    KeyDef(
        "source_roots",
        "list of folders",
        "found: from the packaging metadata (setuptools `package-dir` / `packages.find.where`, "
        "hatch, flit, poetry, pdm, maturin; a project in a subfolder by its own), else from the "
        "tree (a `src/` folder holding packages, namespace packages included; packages at the "
        "root), else from where the absolute imports point, else the repository root; "
        "`hoc-migrate config show`, `dry-run` and `plan explain` say which and why",
        "The folders on `sys.path` (relative to the configuration file): "
        "`backend/app/x.py` is module `app.x` with root `backend`.",
        'source_roots = ["backend"]',
        _path_list,
        "General",
    ),
    KeyDef(
        "layers",
        "list of layer names, top first",
        "none",
        "The project's own layers, as import-linter's `layers` contract: a layer may import "
        "itself and every layer below it; `a | b` are independent siblings, `a : b` siblings "
        "that may import each other, `(a)` may be missing. A name like a module "
        "(`shop.api`) stands for that folder or module unless `layer_folders` maps it.",
        'layers = ["shop.api", "shop.services", "shop.repositories", "shop.models"]',
        read.layers,
    ),
    KeyDef(
        "layer_folders",
        "table: folder pattern = layer",
        "HOC: the rule book's folder table; otherwise each layer's own name",
        "Which folders (and, without the preset, modules) are in which layer. Patterns match "
        "the end of a file's folder path; `*` and `?` within one folder, `**` any number of "
        "folders, `<hoc>` a HOC package, `<audience>` an audience folder. The deepest "
        "matching folder wins; for one folder, the first pattern. Replaces the default table.",
        'layers = ["api", "services"]\n'
        'layer_folders = {"shop/api" = "api", "shop/web/**/views" = "api", '
        '"shop/services" = "services"}',
        read.folder_table,
    ),
    KeyDef(
        "extra_layer_folders",
        "table: folder pattern = layer",
        "none",
        "Patterns checked before `layer_folders` (to add to the default table).",
        'extra_layer_folders = {"<hoc>/**/L4_jobs" = "L4"}',
        read.folder_table,
    ),
    KeyDef(
        "allowed_imports",
        "table: layer = list of layers",
        "HOC: the generation's matrix; otherwise from `layers`",
        "What each layer may import; a row replaces the default row of that layer.",
        'layers = ["api", "services", "repositories", "models"]\n'
        "# the api may use the models, but not the repositories directly\n"
        'allowed_imports = {api = ["api", "services", "models"]}',
        read.matrix,
    ),
    KeyDef(
        "allowed_import_folders",
        "table: layer = list of folder patterns",
        "HOC: drivers (L6) may import `schemas/` and `L5_schemas/` (V2 also L5: the spine's "
        "`services/` and `schemas/`); otherwise none",
        "Folders a layer may import whatever their layer (pure data, shared services).",
        'allowed_import_folders = {L6 = ["<hoc>/**/schemas", "<hoc>/**/L5_schemas"]}',
        read.folder_lists,
    ),
    KeyDef(
        "layer_descriptions",
        "table: layer = text",
        "HOC: L2.1 Facade, L2 Product APIs, ... L7 Models; otherwise none",
        "The text after the layer in a header a move or `fix_header` writes "
        "(`# Layer: L6 — Drivers`). Needed for every layer a header is written for.",
        'layers = ["api", "services"]\n'
        'layer_descriptions = {api = "HTTP handlers", services = "Business rules"}',
        read.descriptions,
    ),
    KeyDef(
        "headers",
        "boolean",
        "HOC: true; otherwise false",
        "Files declare their layer in a `# Layer:` header block: the header is read first "
        "(then the folder), header rules run, and moves into another layer update headers. "
        "Without it no header is read or written (a plan's `fix_header` still writes one).",
        "headers = true",
        read.boolean,
    ),
    KeyDef(
        "import_linter",
        "boolean",
        "true",
        "Read the project's import-linter contracts (`[tool.importlinter]` in "
        "pyproject.toml, `.importlinter`, `setup.cfg`) as rules of the check.",
        "import_linter = false",
        read.boolean,
    ),
    KeyDef(
        "hoc_packages",
        "list of folders",
        'HOC: `["app/hoc", "app/houseofcards"]`; otherwise none',
        "The HOC package(s): files below them get the header, naming and legacy rules.",
        'hoc_packages = ["app/hoc"]',
        _packages,
        "HOC",
    ),
    KeyDef(
        "audience_folders",
        "table: folder = AUDIENCE",
        "HOC: cus/customer CUSTOMER, fdr/founder FOUNDER, int/internal INTERNAL",
        "The audience folders right below a HOC package (and below its `api/`).",
        'audience_folders = {cus = "CUSTOMER", fdr = "FOUNDER"}',
        read.audiences,
        "HOC",
    ),
    KeyDef(
        "shared_domains",
        "list of folder names",
        'HOC: `["general", "hoc_spine"]`',
        "Domains every domain of an audience may import (not CROSS_DOMAIN).",
        'shared_domains = ["general"]',
        read.strings,
        "HOC",
    ),
    KeyDef(
        "legacy_namespaces",
        "list of modules",
        'HOC: `["app.services"]`; otherwise none',
        "LEGACY_IMPORT: modules (and their submodules) nothing may import any more.",
        'legacy_namespaces = ["app.services", "app.legacy"]',
        read.modules,
    ),
    KeyDef(
        "banned_patterns",
        "list of file-name globs",
        'HOC: `["*_service.py"]`; otherwise none',
        "BANNED_NAMING: file names that are not allowed.",
        'banned_patterns = ["*_service.py", "*_helpers.py"]',
        read.strings,
    ),
    KeyDef(
        "runtime_banned_modules",
        "list of modules",
        '`["sqlalchemy", "sqlmodel"]`',
        "SQLALCHEMY_RUNTIME: which modules the layers below may not import at run time.",
        'runtime_banned_modules = ["sqlalchemy", "sqlmodel", "psycopg"]',
        read.modules,
    ),
    KeyDef(
        "runtime_banned_layers",
        "list of layers",
        'HOC: `["L4", "L5"]`; otherwise none',
        "SQLALCHEMY_RUNTIME: the layers whose files may not import those modules at run time "
        "(imports inside functions count; `if TYPE_CHECKING:` ones do not).",
        'layers = ["api", "services", "repositories"]\nruntime_banned_layers = ["services"]',
        read.layer_names,
    ),
    KeyDef(
        "db_modules",
        "list of modules",
        "sqlalchemy, sqlmodel, asyncpg, psycopg, psycopg2, aiosqlite, sqlite3, databases, "
        "pymongo, motor",
        'HEADER_CLAIM_MISMATCH (HOC): importing one of these is "database work".',
        'db_modules = ["sqlalchemy", "asyncpg"]',
        read.modules,
        "HOC",
    ),
    KeyDef(
        "http_modules",
        "list of modules",
        '`["fastapi", "starlette"]`',
        'HEADER_CLAIM_MISMATCH (HOC): importing one of these is "handling HTTP".',
        'http_modules = ["fastapi", "starlette", "litestar"]',
        read.modules,
        "HOC",
    ),
    KeyDef(
        "type_checking_exempt",
        "list of rules",
        '`["SQLALCHEMY_RUNTIME"]`',
        "Rules that imports under `if TYPE_CHECKING:` do not break.",
        'type_checking_exempt = ["SQLALCHEMY_RUNTIME", "LAYER_BOUNDARY"]',
        _exempt,
        "Findings",
    ),
    KeyDef(
        "severity",
        "table: RULE = error | warning | off",
        "each rule's own",
        "Per-rule severity overrides; `off` turns a rule off.",
        'severity = {CROSS_DOMAIN = "error", MISSING_HEADER = "off"}',
        read.severities,
        "Findings",
    ),
    KeyDef(
        "baseline",
        "file path",
        "none (`--write-baseline` writes `.hoc-migrate/baseline.json`)",
        "A baseline file: only findings not recorded in it fail the run.",
        'baseline = ".hoc-migrate/baseline.json"',
        read.path,
        "Findings",
    ),
    KeyDef(
        "cache",
        "boolean",
        "true",
        "Keep parsed facts and results in the git directory, `.git/hoc-migrate/cache` (outside "
        "git: `$XDG_CACHE_HOME/hoc-migrate`, else `~/.cache/hoc-migrate`).",
        "cache = false",
        read.boolean,
        "Findings",
    ),
    KeyDef(
        "debt",
        "array of tables",
        "none",
        "Accepted debt: findings it covers are reported but do not fail the run until it "
        'expires. `path` (path or glob), `rules` (or `["*"]`) and `reason` are required; '
        "`ticket`, `milestone` and `expires` (a date) are optional.",
        '[[tool.hoc-migrate.debt]]\npath = "backend/app/hoc/cus/integrations/drivers/bridges.py"\n'
        'rules = ["SQLALCHEMY_RUNTIME"]\nreason = "HYBRID file, split pending M25"\n'
        'milestone = "M25"\nexpires = 2027-06-30',
        read.debt,
        "Findings",
    ),
)

BY_NAME: dict[str, KeyDef] = {k.name: k for k in KEYS}
KEY_NAMES: tuple[str, ...] = tuple(BY_NAME)
GROUPS = ("General", "Layers", "HOC", "Findings")


def render_reference() -> str:
    """docs/configuration.md: every key with its type, default, meaning and an example."""
    out = [
        "# Configuration reference",
        "",
        "<!-- Generated from hoc_migrate/core/layers/config_keys.py by "
        "`hoc-migrate config docs`; a test keeps it current. Do not edit by hand. -->",
        "",
        "hoc-migrate reads `[tool.hoc-migrate]` from the nearest `pyproject.toml` (or the top "
        "level of a `hoc-migrate.toml`), walking up from the checked path to the repository "
        "root. Paths are relative to that file. Unknown keys and bad values are reported all "
        "at once (exit 2). `hoc-migrate config show` prints the effective configuration and "
        "where each value came from; `hoc-migrate init` writes a commented starting point.",
        "",
        "The project's import-linter contracts (`[tool.importlinter]`, `.importlinter`, "
        "`setup.cfg`) are read as they are: `layers` (with `containers` and `exhaustive`), "
        "`forbidden` and `independence` contracts become rules of the check "
        "(LAYER_BOUNDARY, FORBIDDEN_IMPORT, INDEPENDENCE, UNLISTED_LAYER); other contract "
        "types are named by an UNSUPPORTED_CONTRACT warning. Each finding is a direct import: "
        "chains through other modules are `lint-imports`' to find.",
        "",
    ]
    for group in GROUPS:
        out += [f"## {group}", ""]
        for key in (k for k in KEYS if k.group == group):
            out += [
                f"### `{key.name}`",
                "",
                key.summary,
                "",
                f"- Type: {key.type}",
                f"- Default: {key.default}",
                "",
                "```toml",
                key.example,
                "```",
                "",
            ]
    return "\n".join(out).rstrip("\n") + "\n"
