"""The built-in HOC topology, in both generations, as data.

V1 is the seed's rule book (`layer-rules.md`); V2 its second generation (`layer-rules-v2.md`:
L3 gone, L4 is the `hoc_spine/` of an audience, folders named `L5_engines/`, `L6_drivers/`,
only the spine crosses domains). Both generations share the folder table (the V2 folders mean
nothing in a V1 tree and the other way round); they differ in what may import what. A project
without the preset gets none of this: no HOC rule, header or word.
"""

from __future__ import annotations

from collections.abc import Mapping

HOC = "hoc"
NONE = "none"
PRESETS = (HOC, NONE)
AUTO = "auto"
V1 = "v1"
V2 = "v2"
GENERATIONS = (AUTO, V1, V2)

#: The folder of an audience that holds V2's L4 (the spine): not a domain.
SPINE = "hoc_spine"

HOC_PACKAGES = ("app/hoc", "app/houseofcards")
AUDIENCE_FOLDERS: Mapping[str, str] = {
    "cus": "CUSTOMER",
    "customer": "CUSTOMER",
    "fdr": "FOUNDER",
    "founder": "FOUNDER",
    "int": "INTERNAL",
    "internal": "INTERNAL",
}
SHARED_DOMAINS = ("general", SPINE)
LEGACY_NAMESPACES = ("app.services",)
BANNED_PATTERNS = ("*_service.py",)
NAMING_HINT = "name engines *_engine.py and drivers *_driver.py"

# Both folder-naming generations; most specific first where two could match the same folder.
LAYER_FOLDERS: tuple[tuple[str, str], ...] = (
    ("<hoc>/api/facades", "L2.1"),
    ("<hoc>/api/<audience>", "L2"),
    ("<hoc>/**/adapters", "L3"),
    ("<hoc>/**/L3_adapters", "L3"),
    ("<hoc>/**/L3_mcp", "L3"),
    ("<hoc>/**/general/runtime", "L4"),
    ("<hoc>/**/general/L4_runtime", "L4"),
    # V2: the spine is L4, its shared schemas/ too (API handlers use them); its drivers/ are
    # L6 (below).
    ("<hoc>/<audience>/hoc_spine/schemas", "L4"),
    ("<hoc>/<audience>/hoc_spine", "L4"),
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

LAYER_DESCRIPTIONS: Mapping[str, str] = {
    "L2.1": "Facade",
    "L2": "Product APIs",
    "L3": "Adapters",
    "L4": "Runtime",
    "L5": "Domain Engines",
    "L6": "Drivers",
    "L7": "Models",
}

#: What a layer is, in the messages of the claim rules.
LAYER_ROLES: Mapping[str, str] = {
    "L2.1": "facade",
    "L2": "product API",
    "L3": "adapter",
    "L4": "runtime",
    "L5": "domain engine",
    "L6": "driver",
    "L7": "model",
}

V1_ALLOWED_IMPORTS: Mapping[str, tuple[str, ...]] = {
    "L2.1": ("L2.1", "L2"),
    "L2": ("L2", "L3"),
    "L3": ("L3", "L4", "L5", "L6"),
    "L4": ("L4", "L5", "L6"),
    "L5": ("L5", "L6"),
    "L6": ("L6", "L7"),
    "L7": ("L7",),
}

# V2: the only path down is L2.1 -> L2 -> L4 -> L5 -> L6 -> L7 (L3 rows kept for what is left
# of it during a migration; nothing may import it any more).
V2_ALLOWED_IMPORTS: Mapping[str, tuple[str, ...]] = {
    "L2.1": ("L2.1", "L2"),
    "L2": ("L2", "L4"),
    "L3": ("L3", "L4", "L5", "L6"),
    "L4": ("L4", "L5", "L6"),
    "L5": ("L5", "L6"),
    "L6": ("L6", "L7"),
    "L7": ("L7",),
}

# Drivers return the domain's data: L5 *schema* modules are pure types a driver may import
# (engines stay off-limits to drivers).
_SCHEMA_FOLDERS = ("<hoc>/**/schemas", "<hoc>/**/L5_schemas")
V1_ALLOWED_IMPORT_FOLDERS: Mapping[str, tuple[str, ...]] = {"L6": _SCHEMA_FOLDERS}
# V2 SPINE-003 and UP-001's exception: L5 may call the spine's services/ and use its schemas/.
V2_ALLOWED_IMPORT_FOLDERS: Mapping[str, tuple[str, ...]] = {
    "L6": _SCHEMA_FOLDERS,
    "L5": (f"<hoc>/<audience>/{SPINE}/services", f"<hoc>/<audience>/{SPINE}/schemas"),
}

#: V2's rule ids, for messages: (importer layer, imported layer) -> rule.
V2_RULE_IDS: Mapping[tuple[str, str], str] = {
    **{("L2.1", t): "API-001" for t in ("L3", "L4", "L5", "L6", "L7")},
    **{("L2", t): "API-003" for t in ("L5", "L6", "L7")},
    **{(f, t): "UP-001" for f in ("L5", "L6") for t in ("L2", "L2.1", "L4")},
}

RUNTIME_BANNED_MODULES = ("sqlalchemy", "sqlmodel")
RUNTIME_BANNED_LAYERS = ("L4", "L5")
DB_MODULES = (
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
HTTP_MODULES = ("fastapi", "starlette")


def allowed_imports(generation: str) -> Mapping[str, tuple[str, ...]]:
    return V2_ALLOWED_IMPORTS if generation == V2 else V1_ALLOWED_IMPORTS


def allowed_import_folders(generation: str) -> Mapping[str, tuple[str, ...]]:
    return V2_ALLOWED_IMPORT_FOLDERS if generation == V2 else V1_ALLOWED_IMPORT_FOLDERS
