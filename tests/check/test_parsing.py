"""Header parsing, the import scanner's facts, and the folder topology."""

from __future__ import annotations

from hoc_migrate.adapters.import_scanner import scan_source
from hoc_migrate.core.layers.config import CheckConfig
from hoc_migrate.core.layers.facts import decode_facts, encode_facts
from hoc_migrate.core.layers.header import parse_header
from hoc_migrate.core.layers.topology import Topology


# -- headers ----------------------------------------------------------------------------------
def test_header_fields_layer_and_audience() -> None:
    header = parse_header(
        "#!/usr/bin/env python\n"
        "# Layer: L6 — Drivers\n"
        "# AUDIENCE: CUSTOMER\n"
        "# Temporal:\n"
        "#   Trigger: api|worker\n"
        "# Role: Database operations\n"
        '"""Docstring."""\n'
        "# Layer: L5 — too late, not the header block\n"
    )
    assert (header.layer, header.layer_line, header.hybrid) == ("L6", 2, False)
    assert (header.audience, header.audience_line) == ("CUSTOMER", 3)
    assert header.field("role") == "Database operations"
    assert header.field("Trigger") is None  # an indented sub-field, not a top-level one


def test_header_is_case_insensitive_and_reads_hybrids_and_sub_layers() -> None:
    assert parse_header("#layer: l2.1 — Facade\n").layer == "L2.1"
    hybrid = parse_header("# Layer: L5/L6 — HYBRID (pending refactor)\n")
    assert (hybrid.layer, hybrid.layers, hybrid.hybrid) == ("L5", ("L5", "L6"), True)
    assert hybrid.description == "HYBRID (pending refactor)"


def test_header_must_start_in_column_zero_and_within_fifty_lines() -> None:
    assert parse_header("  # Layer: L5\n").layer is None
    assert parse_header("#\n" * 50 + "# Layer: L5\n").layer is None
    assert parse_header("#\n" * 49 + "# Layer: L5\n").layer == "L5"
    assert parse_header("\n\n# Layer: L5\n").layer == "L5"  # blank lines stay in the block


# -- the scanner's facts ----------------------------------------------------------------------
def _imports(source: str) -> list[tuple[str, tuple[str, ...], int, bool, bool]]:
    facts = scan_source(source.encode())
    return [(i.module, i.names, i.level, i.type_checking, i.in_function) for i in facts.imports]


def test_imports_everywhere_are_found_but_not_in_strings() -> None:
    source = (
        '"""import docstring_module"""\n'
        "import a.b as ab, c\n"
        "from . import sibling\n"
        "from ..pkg.mod import name\n"
        "s = 'from strings import nothing'\n"
        "try:\n    import d\nexcept ImportError:\n    import e\nelse:\n    import f\nfinally:\n    import g\n"
        "class K:\n    import h\n    def m(self):\n        import i\n"
        "with open('x'):\n    import j\n"
        "for _ in ():\n    import k\n"
        "match 1:\n    case 1:\n        import m\n"
    )
    names = [(module or ",".join(names), level) for module, names, level, _, _ in _imports(source)]
    assert names == [
        ("a.b,c", 0),
        ("sibling", 1),
        ("pkg.mod", 2),
        ("d", 0),
        ("e", 0),
        ("f", 0),
        ("g", 0),
        ("h", 0),
        ("i", 0),
        ("j", 0),
        ("k", 0),
        ("m", 0),
    ]
    lazy = [
        module or names[0] for module, names, _, _, in_function in _imports(source) if in_function
    ]
    assert lazy == ["i"]


def test_type_checking_blocks_in_every_spelling() -> None:
    source = (
        "import typing, typing as t\n"
        "if TYPE_CHECKING:\n    import a\n"
        "if typing.TYPE_CHECKING:\n    import b\nelse:\n    import c\n"
        "if t.TYPE_CHECKING and True:\n    import d\n"
        "if not TYPE_CHECKING:\n    import e\nelse:\n    import f\n"
        "def g():\n    if TYPE_CHECKING:\n        import h\n"
    )
    flagged = {names[0]: tc for module, names, _, tc, _ in _imports(source) if not module}
    assert flagged == {
        "typing": False,
        "a": True,
        "b": True,
        "c": False,
        "d": True,
        "e": False,
        "f": True,
        "h": True,
    }


def test_routes_and_db_calls_are_indicated() -> None:
    facts = scan_source(
        b"@router.get('/x')\ndef a(): ...\n"
        b"@app.post(path='/y')\nasync def b(): ...\n"
        b"@cache.get('key')\ndef c(): ...\n"
        b"router.add_api_route('/z', a)\n"
        b"def d(session):\n    return session.scalars(q)\n"
    )
    assert facts.route_lines == (1, 3, 7)
    assert facts.db_call_line == 9


def test_suppressions_are_read_from_comments_only() -> None:
    facts = scan_source(
        b"import a  # hoc: ignore[LAYER_BOUNDARY, legacy_import] waiting on M25\n"
        b"s = '# hoc: ignore[LAYER_BOUNDARY] in a string'\n"
        b"import b  # hoc: ignore[LAYER_BOUNDARY]\n"
        b"import c  # hoc: ignore waiting\n"
    )
    got = [(s.line, s.rules, s.reason, s.problem is None) for s in facts.suppressions]
    assert got == [
        (1, ("LAYER_BOUNDARY", "LEGACY_IMPORT"), "waiting on M25", True),
        (3, ("LAYER_BOUNDARY",), "", False),
        (4, (), "waiting", False),
    ]


def test_parse_errors_never_raise() -> None:
    assert scan_source(b"def f(:\n").parse_error is not None
    assert scan_source(b"x = '\x00'\0\n").parse_error is not None
    assert scan_source(b"\xff\xfe\x00garbage").parse_error is not None
    warned = scan_source(b"x = '\\d'\n")  # an invalid escape warns at parse time: not an error
    assert warned.parse_error is None


def test_facts_survive_encoding_for_the_cache() -> None:
    facts = scan_source(
        b"# Layer: L5/L6 - HYBRID\n# AUDIENCE: CUSTOMER\nimport a  # hoc: ignore[X] why\n"
        b"@r.get('/')\ndef f(db):\n    from b import c\n    db.commit()\n"
    )
    assert decode_facts(encode_facts(facts)) == facts
    assert decode_facts(("old", 1)) is None


# -- topology -----------------------------------------------------------------------------------
def test_hoc_detection_is_a_segment_match() -> None:
    topology = Topology(CheckConfig())
    assert topology.is_hoc("backend/app/hoc/cus/x/a.py")
    assert topology.is_hoc("app/houseofcards/fdr/x/a.py")
    assert not topology.is_hoc("backend/app/hoc_main.py")
    assert not topology.is_hoc("home/chocolate/app/hocus/a.py")


def test_folder_layers_of_the_table_deepest_folder_wins() -> None:
    topology = Topology(CheckConfig())
    cases = {
        "app/hoc/api/facades/f.py": "L2.1",
        "app/hoc/api/cus/integrations/routes.py": "L2",
        "app/hoc/cus/integrations/adapters/a.py": "L3",
        "app/hoc/cus/general/L3_mcp/registry.py": "L3",
        "app/hoc/cus/general/runtime/r.py": "L4",
        "app/hoc/cus/integrations/engines/sub/e.py": "L5",
        "app/hoc/cus/integrations/vault/engines/e.py": "L5",
        "app/hoc/cus/x/L5_notifications/n.py": "L5",
        "app/hoc/cus/integrations/engines/drivers/d.py": "L6",
        "app/models/m.py": "L7",
        "app/services/s.py": "L4",
        "app/workers/w.py": "L5",
        "app/auth/a.py": "L6",
        "app/api/v1.py": "L2",
        "app/hoc/cus/integrations/facades/f.py": None,
        "tests/engines/test_e.py": None,  # the HOC folder names count below a HOC package only
    }
    assert {path: topology.folder_layer(path) for path in cases} == cases


def test_location_audience_and_domain() -> None:
    topology = Topology(CheckConfig())
    loc = topology.locate("backend/app/hoc/api/customer/policies/routes.py")
    assert (loc.hoc, loc.in_api, loc.audience, loc.domain) == (True, True, "CUSTOMER", "policies")
    assert topology.locate("backend/app/hoc/int/x.py").domain is None
    assert topology.audience("backend/app/hoc/fdr/ops/a.py") == "FOUNDER"
