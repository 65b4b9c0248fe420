"""A synthetic HOC backend of configurable size, for benchmarks (reusable: `generate_hoc_tree`).

    .venv/bin/python benchmarks/gen_tree.py OUT_DIR [--files 2000] [--lines 800000] [--seed 0]

Layout (both audiences' usual folders, realistic headers, imports across allowed layers):

    backend/app/hoc/<aud>/<domain>/{adapters,facades,engines,schemas,drivers}/*.py
    backend/app/hoc/<aud>/general/{runtime,engines}/*.py
    backend/app/hoc/api/<aud>/<domain>/*.py          (L2, FastAPI routes)
    backend/app/models/*.py                          (L7, sqlalchemy)
    backend/app/services/*.py                        (legacy, L4 by folder)

Every package has an `__init__.py` (import-linter needs them). About 2% of the modules carry
a layering problem (a runtime sqlalchemy import in an engine, a driver importing an engine,
a legacy import, a `*_service.py` name) so that both tools have something to report.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, field
from pathlib import Path

AUDIENCES = {"cus": "CUSTOMER", "fdr": "FOUNDER", "int": "INTERNAL"}
DOMAINS = {
    "cus": [
        "integrations",
        "policies",
        "billing",
        "analytics",
        "accounts",
        "notifications",
        "search",
        "reports",
        "catalog",
        "orders",
        "support",
        "identity",
    ],
    "fdr": ["ops", "governance", "insights", "pricing"],
    "int": ["platform", "observability", "jobs", "migrations"],
}
# (folder, layer, header description, share of a domain's modules)
FOLDERS = (
    ("adapters", "L3", "Adapters", 0.10),
    ("facades", "L4", "Runtime facade", 0.10),
    ("engines", "L5", "Domain Engines", 0.30),
    ("schemas", "L5", "Domain Schemas", 0.15),
    ("drivers", "L6", "Drivers", 0.25),
)
API_SHARE = 0.10
MODELS = 40
LEGACY = 20
PROBLEM_RATE = 0.02


@dataclass
class Module:
    path: str  # repo-relative
    name: str  # dotted
    layer: str
    description: str
    audience: str | None
    folder: str  # adapters, engines, ..., api, models, services, runtime
    domain: str | None
    imports: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TreeStats:
    root: Path
    source_root: Path  # the folder on sys.path (backend/)
    files: int
    lines: int
    packages: tuple[str, ...]  # every package, dotted (for import-linter contracts)
    domains: tuple[str, ...]  # dotted domain packages (layers contract containers)


def _plan(files: int, rng: random.Random) -> list[Module]:
    domains = [(aud, dom) for aud, names in DOMAINS.items() for dom in names]
    fixed = MODELS + LEGACY + 2 * len(AUDIENCES) * 3
    per_domain = max(6, (files - fixed) // len(domains))
    modules: list[Module] = []
    for i in range(MODELS):
        name = f"model_{i}"
        modules.append(
            Module(
                f"backend/app/models/{name}.py",
                f"app.models.{name}",
                "L7",
                "Models",
                None,
                "models",
                None,
            )
        )
    for i in range(LEGACY):
        name = f"legacy_{i}"
        modules.append(
            Module(
                f"backend/app/services/{name}.py",
                f"app.services.{name}",
                "L4",
                "Runtime",
                None,
                "services",
                None,
            )
        )
    for aud, audience in AUDIENCES.items():
        for folder, layer, description in (
            ("runtime", "L4", "Runtime"),
            ("engines", "L5", "Domain Engines"),
        ):
            for i in range(3):
                name = f"{folder}_{i}"
                modules.append(
                    Module(
                        f"backend/app/hoc/{aud}/general/{folder}/{name}.py",
                        f"app.hoc.{aud}.general.{folder}.{name}",
                        layer,
                        description,
                        audience,
                        folder,
                        "general",
                    )
                )
    for aud, dom in domains:
        audience = AUDIENCES[aud]
        counts = {folder: max(1, round(per_domain * share)) for folder, _, _, share in FOLDERS}
        for folder, layer, description, _ in FOLDERS:
            for i in range(counts[folder]):
                suffix = {
                    "engines": "engine",
                    "drivers": "driver",
                    "schemas": "schemas",
                    "facades": "facade",
                    "adapters": "adapter",
                }[folder]
                name = f"{dom}_{i}_{suffix}"
                if folder == "facades" and i % 3 == 0:
                    layer_here, desc_here = "L2.1", "Facade"
                else:
                    layer_here, desc_here = layer, description
                modules.append(
                    Module(
                        f"backend/app/hoc/{aud}/{dom}/{folder}/{name}.py",
                        f"app.hoc.{aud}.{dom}.{folder}.{name}",
                        layer_here,
                        desc_here,
                        audience,
                        folder,
                        dom,
                    )
                )
        for i in range(max(1, round(per_domain * API_SHARE))):
            name = f"{dom}_routes_{i}"
            modules.append(
                Module(
                    f"backend/app/hoc/api/{aud}/{dom}/{name}.py",
                    f"app.hoc.api.{aud}.{dom}.{name}",
                    "L2",
                    "Product APIs",
                    audience,
                    "api",
                    dom,
                )
            )
    rng.shuffle(modules)
    # `files` counts every .py file: leave room for the packages' __init__.py files.
    packages = {m.name.rpartition(".")[0] for m in modules}
    packages |= {p.rpartition(".")[0] for p in packages if "." in p}
    keep = max(1, files - len(packages) - 4)
    return modules[:keep] if len(modules) > keep else modules


def _pick(rng: random.Random, pool: list[Module], k: int) -> list[Module]:
    return rng.sample(pool, min(k, len(pool))) if pool else []


def _imports(
    module: Module,
    by_key: dict[tuple[str | None, str | None, str], list[Module]],
    rng: random.Random,
) -> tuple[list[str], list[str], list[str]]:
    """(module-level import lines, TYPE_CHECKING lines, function-local lines)."""
    key = (module.audience, module.domain)

    def same(folder: str) -> list[Module]:
        return [m for m in by_key.get((*key, folder), []) if m is not module]

    top: list[str] = [
        "import logging",
        "from dataclasses import dataclass, field",
        "from typing import TYPE_CHECKING, Any",
    ]
    typed: list[str] = []
    lazy: list[str] = []
    folder = module.folder

    def from_import(target: Module) -> str:
        leaf = target.name.rpartition(".")[2]
        return f"from {target.name.rpartition('.')[0]} import {leaf}"

    if folder == "api":
        top.append("from fastapi import APIRouter, Depends")
        top += [from_import(t) for t in _pick(rng, by_key.get((*key, "adapters"), []), 2)]
    elif folder == "adapters":
        facades = [m for m in by_key.get((*key, "facades"), []) if m.layer == "L4"]
        top += [from_import(t) for t in _pick(rng, facades, 1)]
        for target_folder in ("engines", "drivers"):
            top += [from_import(t) for t in _pick(rng, by_key.get((*key, target_folder), []), 1)]
    elif folder == "facades" and module.layer == "L2.1":
        top.append("import json")  # an L2.1 facade imports no lower layer
    elif folder in ("facades", "runtime"):
        top += [from_import(t) for t in _pick(rng, by_key.get((*key, "engines"), []), 2)]
        top += [from_import(t) for t in _pick(rng, by_key.get((*key, "drivers"), []), 1)]
    elif folder == "engines":
        top += [from_import(t) for t in _pick(rng, same("engines"), 2)]
        top += [from_import(t) for t in _pick(rng, by_key.get((*key, "schemas"), []), 2)]
        top += [from_import(t) for t in _pick(rng, by_key.get((*key, "drivers"), []), 1)]
        general = by_key.get((module.audience, "general", "engines"), [])
        top += [from_import(t) for t in _pick(rng, general, 1)]
        typed.append("from sqlalchemy.orm import Session")
    elif folder == "schemas":
        top.append("from enum import Enum")
        top += [from_import(t) for t in _pick(rng, same("schemas"), 1)]
    elif folder == "drivers":
        top += ["from sqlalchemy import select, update", "from sqlalchemy.orm import Session"]
        top += [from_import(t) for t in _pick(rng, by_key.get((None, None, "models"), []), 2)]
        top += [from_import(t) for t in _pick(rng, same("drivers"), 1)]
    elif folder == "models":
        top += ["from sqlalchemy import Column, Integer, String"]
    if rng.random() < PROBLEM_RATE and folder in ("engines", "drivers", "facades"):
        problem = rng.choice(("sqlalchemy", "upward", "legacy"))
        if problem == "sqlalchemy" and folder == "engines":
            lazy.append("from sqlalchemy import text")
        elif problem == "upward" and folder == "drivers":
            top += [from_import(t) for t in _pick(rng, by_key.get((*key, "engines"), []), 1)]
        else:
            legacy = by_key.get((None, None, "services"), [])
            top += [from_import(t) for t in _pick(rng, legacy, 1)]
    return top, typed, lazy


def _header(module: Module) -> list[str]:
    lines = [f"# Layer: {module.layer} — {module.description}"]
    if module.audience:
        lines.append(f"# AUDIENCE: {module.audience}")
    lines += [
        "# Temporal:",
        "#   Trigger: api|worker",
        "#   Execution: async",
        f"# Role: {module.folder} of {module.domain or 'the platform'}",
        "# Reference: HOC_LAYER_TOPOLOGY_V1.md",
    ]
    return lines if module.folder not in ("models", "services") else []


def _body(module: Module, index: int, lazy: list[str]) -> list[str]:
    """One block of realistic code (~40 lines)."""
    lines = [
        "",
        "",
        "@dataclass",
        f"class Record{index}:",
        f'    """A value of {module.name.rpartition(".")[2]} (block {index})."""',
        "",
        "    name: str",
        "    amount: int = 0",
        "    tags: list[str] = field(default_factory=list)",
        "",
        "    def total(self, factor: int) -> int:",
        "        # Integer arithmetic only: amounts are cents.",
        "        result = self.amount * factor",
        "        for step in range(factor):",
        "            if step % 2:",
        "                result += step",
        "            else:",
        "                result -= 1",
        "        return result",
        "",
        "    def describe(self) -> dict[str, Any]:",
        '        text = "import app.services  # not an import: a string"',
        '        return {"name": self.name, "amount": self.amount, "text": text}',
        "",
        "",
        f"def process_{index}(records: list[Record{index}], limit: int = 10) -> int:",
        f'    """Sum the first records (block {index})."""',
    ]
    if module.folder == "drivers":
        lines += [
            "    session: Session | None = None",
            "    if session is not None:",
            f"        session.execute(select(Record{index}))",
        ]
    for statement in lazy:
        lines.append(f"    {statement}")
    lines += [
        "    total = 0",
        "    for record in records[:limit]:",
        "        total += record.total(2)",
        "    logger.debug('processed %s', total)",
        "    return total",
    ]
    if module.folder == "api":
        lines += [
            "",
            "",
            f"@router.get('/items/{index}')",
            f"def read_{index}() -> dict[str, int]:",
            f"    return {{'block': {index}}}",
        ]
    return lines


def _source(
    module: Module,
    by_key: dict[tuple[str | None, str | None, str], list[Module]],
    rng: random.Random,
    target_lines: int,
) -> str:
    top, typed, lazy = _imports(module, by_key, rng)
    lines = _header(module)
    lines += [
        f'"""{module.description}: {module.name}."""',
        "",
        "from __future__ import annotations",
        "",
    ]
    lines += top
    if typed:
        lines += ["", "if TYPE_CHECKING:"] + [f"    {t}" for t in typed]
    lines += ["", "logger = logging.getLogger(__name__)"]
    if module.folder == "api":
        lines.append("router = APIRouter()")
    index = 0
    while len(lines) < target_lines:
        lines += _body(module, index, lazy if index == 0 else [])
        index += 1
    return "\n".join(lines) + "\n"


def generate_hoc_tree(
    root: Path, *, files: int = 2000, lines: int = 800_000, seed: int = 0
) -> TreeStats:
    """Write a synthetic HOC backend below `root` (which must not exist or be empty)."""
    rng = random.Random(seed)
    modules = _plan(files, rng)
    # A few files get a banned `*_service.py` name.
    for module in modules:
        if module.folder == "engines" and rng.random() < PROBLEM_RATE:
            module.path = module.path.replace("_engine.py", "_service.py")
            module.name = module.name.replace("_engine", "_service")
    by_key: dict[tuple[str | None, str | None, str], list[Module]] = {}
    for module in modules:
        by_key.setdefault((module.audience, module.domain, module.folder), []).append(module)
    per_file = max(40, lines // max(1, len(modules)))
    packages: set[str] = set()
    total_lines = 0
    for module in modules:
        size = max(30, int(per_file * rng.uniform(0.5, 1.5)))
        text = _source(module, by_key, rng, size)
        path = root / module.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        total_lines += text.count("\n")
        package = module.name.rpartition(".")[0]
        while package:
            packages.add(package)
            package = package.rpartition(".")[0]
    for package in packages:
        init = root / "backend" / package.replace(".", "/") / "__init__.py"
        if not init.exists():
            init.write_text("", encoding="utf-8")
    domains = sorted(
        f"app.hoc.{aud}.{dom}"
        for aud, names in DOMAINS.items()
        for dom in names
        if f"app.hoc.{aud}.{dom}" in packages
    )
    return TreeStats(
        root=root,
        source_root=root / "backend",
        files=len(modules) + len(packages),
        lines=total_lines,
        packages=tuple(sorted(packages)),
        domains=tuple(domains),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--lines", type=int, default=800_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    stats = generate_hoc_tree(args.out, files=args.files, lines=args.lines, seed=args.seed)
    print(f"{stats.files} files, {stats.lines} lines in {stats.root}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
