"""Each rule of the rule book: when it fires, when it does not, and its edge cases."""

from __future__ import annotations

from hoc_migrate.core.layers.config import CheckConfig
from tests.check.support import HOC, check, found

ENGINE = "# Layer: L5 — Domain Engines\n# AUDIENCE: CUSTOMER\n"
DRIVER = "# Layer: L6 — Drivers\n# AUDIENCE: CUSTOMER\n"
FACADE = "# Layer: L2.1 — Facade\n"
LEGACY = {
    "backend/app/services/__init__.py": "",
    "backend/app/services/connectors.py": "class Connector: ...\n",
    "backend/app/models/__init__.py": "",
    "backend/app/models/policy.py": "class Policy: ...\n",
}


def tree(**files: str) -> dict[str, str | bytes]:
    """Files of the integrations domain (keys use '__' for '/'), plus a legacy tree."""
    out: dict[str, str | bytes] = {f"{HOC}/{_path(k)}.py": v for k, v in files.items()}
    out.update(LEGACY)
    return out


def _path(key: str) -> str:
    head, init, _ = key.partition("____init__")
    return head.replace("__", "/") + ("/__init__" if init else "")


# -- MISSING_HEADER -------------------------------------------------------------------------
def test_missing_header_warns_for_a_hoc_file_without_layer_line() -> None:
    result = check(tree(engines__pricing="def price(): ...\n"))
    assert found(result, "MISSING_HEADER") == [("engines/pricing.py", 1, None)]
    (finding,) = [f for f in result.findings if f.rule == "MISSING_HEADER"]
    assert finding.severity == "warning"
    assert "the folder says L5" in finding.message


def test_missing_header_skips_empty_init_and_non_hoc_files() -> None:
    files = tree(engines____init__="")
    files["backend/app/hoc_main.py"] = "print('not HOC: the segment is hoc_main.py')\n"
    files["home/chocolate/app/hoc_tools/x.py"] = "x = 1\n"
    result = check(files)
    assert found(result, "MISSING_HEADER") == []


def test_header_naming_an_unknown_layer_counts_as_missing() -> None:
    result = check(tree(engines__odd="# Layer: L9 — Nowhere\n"))
    (finding,) = [f for f in result.findings if f.rule == "MISSING_HEADER"]
    assert "L9" in finding.message and finding.line == 1


def test_header_inside_a_docstring_is_not_a_header() -> None:
    source = '"""Engine.\n\n# Layer: L5 — Domain Engines\n"""\nx = 1\n'
    result = check(tree(engines__doc=source))
    assert found(result, "MISSING_HEADER") == [("engines/doc.py", 1, None)]


# -- HEADER_LOCATION_MISMATCH ---------------------------------------------------------------
def test_location_mismatch_warns_for_an_engine_header_in_drivers() -> None:
    result = check(tree(drivers__events="# Layer: L5 — Domain Schemas\nx = 1\n"))
    (finding,) = [f for f in result.findings if f.rule == "HEADER_LOCATION_MISMATCH"]
    assert (finding.severity, finding.line) == ("warning", 1)
    assert "L5" in finding.message and "drivers/" in finding.message


def test_location_mismatch_is_an_error_for_an_l2_file_in_engines() -> None:
    result = check(tree(engines__routes="# Layer: L2 — Product APIs\nimport fastapi\n"))
    (finding,) = [f for f in result.findings if f.rule == "HEADER_LOCATION_MISMATCH"]
    assert finding.severity == "error"


def test_location_mismatch_for_a_package_init_that_declares_another_layer() -> None:
    result = check(tree(drivers____init__="# Layer: L4 — Runtime\n"))
    assert found(result, "HEADER_LOCATION_MISMATCH") == [("drivers/__init__.py", 1, None)]


def test_no_location_mismatch_for_hybrid_in_drivers_or_facades_or_a_matching_header() -> None:
    result = check(
        tree(
            drivers__bridges="# Layer: L5/L6 — HYBRID (pending refactor)\n",
            drivers__registry=DRIVER + "def f(session):\n    session.execute(1)\n",
            facades__ops=FACADE,
        )
    )
    assert found(result, "HEADER_LOCATION_MISMATCH") == []
    assert result.files[f"{HOC}/drivers/bridges.py"].hybrid
    assert result.files[f"{HOC}/drivers/bridges.py"].layer == "L5"


def test_old_folder_generation_is_recognised() -> None:
    files: dict[str, str | bytes] = {
        "backend/app/houseofcards/customer/policies/L6_drivers/store.py": ENGINE,
        "backend/app/houseofcards/customer/general/L4_runtime/run.py": "x = 1\n",
        "backend/app/houseofcards/customer/policies/L5_engines/e.py": "x = 1\n",
    }
    result = check(files)
    layers = {p.rsplit("/", 2)[-2]: info.folder_layer for p, info in result.files.items()}
    assert layers == {"L6_drivers": "L6", "L4_runtime": "L4", "L5_engines": "L5"}
    assert [
        f.file.rsplit("/", 1)[1] for f in result.findings if f.rule == "HEADER_LOCATION_MISMATCH"
    ] == ["store.py"]


# -- HEADER_CLAIM_MISMATCH ------------------------------------------------------------------
def test_l2_outside_the_api_folder_without_http_is_an_error() -> None:
    result = check(tree(facades__views="# Layer: L2 — Product APIs\ndef view(): ...\n"))
    (finding,) = [f for f in result.findings if f.rule == "HEADER_CLAIM_MISMATCH"]
    assert finding.severity == "error"


def test_l2_with_fastapi_or_inside_hoc_api_is_fine() -> None:
    files = tree(facades__views="# Layer: L2 — Product APIs\nfrom fastapi import APIRouter\n")
    files["backend/app/hoc/api/cus/integrations/views.py"] = "# Layer: L2 — Product APIs\nx = 1\n"
    assert found(check(files), "HEADER_CLAIM_MISMATCH") == []


def test_l21_facade_defining_routes_is_an_error_at_the_route() -> None:
    source = FACADE + "from x import router\n\n\n@router.get('/items')\ndef items(): ...\n"
    result = check(tree(facades__api=source))
    assert found(result, "HEADER_CLAIM_MISMATCH") == [("facades/api.py", 5, None)]


def test_l6_driver_without_database_work_warns() -> None:
    result = check(tree(drivers__lookup=DRIVER + "def find(name):\n    return name\n"))
    (finding,) = [f for f in result.findings if f.rule == "HEADER_CLAIM_MISMATCH"]
    assert finding.severity == "warning"


def test_l6_driver_with_db_calls_db_imports_or_models_is_fine() -> None:
    result = check(
        tree(
            drivers__a=DRIVER + "async def f(session):\n    await session.execute(1)\n",
            drivers__b=DRIVER + "from sqlalchemy import select\n",
            drivers__c=DRIVER + "from app.models.policy import Policy\n",
            drivers____init__=DRIVER,
        )
    )
    assert found(result, "HEADER_CLAIM_MISMATCH") == []


def test_engine_doing_database_work_warns() -> None:
    result = check(tree(engines__calc=ENGINE + "def f(db):\n    db.commit()\n"))
    (finding,) = [f for f in result.findings if f.rule == "HEADER_CLAIM_MISMATCH"]
    assert finding.severity == "warning" and "L6 driver" in finding.message


# -- BANNED_NAMING --------------------------------------------------------------------------
def test_banned_naming_fires_for_service_files_in_hoc_only() -> None:
    files = tree(engines__iam_service=ENGINE, engines__iam_engine=ENGINE)
    files["backend/app/services/billing_service.py"] = "x = 1\n"
    assert found(check(files), "BANNED_NAMING") == [("engines/iam_service.py", 1, None)]


def test_banned_patterns_are_configurable() -> None:
    config = CheckConfig(source_roots=("backend",), banned_patterns=("*_helper.py",))
    files = tree(engines__iam_service=ENGINE, engines__date_helper=ENGINE)
    assert found(check(files, config=config), "BANNED_NAMING") == [
        ("engines/date_helper.py", 1, None)
    ]


# -- SQLALCHEMY_RUNTIME ---------------------------------------------------------------------
def test_sqlalchemy_runtime_counts_statements_and_modules() -> None:
    source = ENGINE + (
        "from sqlalchemy import select, text\n"  # one statement, one module
        "import sqlalchemy.orm, sqlmodel\n"  # one statement, two modules
        "import sqlalchemy_utils\n"  # another package that merely contains the word
    )
    assert found(check(tree(engines__q=source)), "SQLALCHEMY_RUNTIME") == [
        ("engines/q.py", 3, "sqlalchemy"),
        ("engines/q.py", 4, "sqlalchemy.orm"),
        ("engines/q.py", 4, "sqlmodel"),
    ]


def test_function_local_imports_are_runtime_imports() -> None:
    source = ENGINE + "def load():\n    from sqlalchemy.orm import Session\n    return Session\n"
    result = check(tree(engines__lazy=source))
    (finding,) = [f for f in result.findings if f.rule == "SQLALCHEMY_RUNTIME"]
    assert (finding.line, finding.col) == (4, 5)
    assert "inside a function" in finding.message


def test_type_checking_imports_are_exempt_in_both_spellings_but_else_is_runtime() -> None:
    source = ENGINE + (
        "import typing\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from sqlalchemy.orm import Session\n"
        "if typing.TYPE_CHECKING:\n"
        "    import sqlmodel\n"
        "else:\n"
        "    import sqlalchemy\n"
        "if not TYPE_CHECKING:\n"
        "    import sqlalchemy.ext\n"
    )
    assert found(check(tree(engines__typed=source)), "SQLALCHEMY_RUNTIME") == [
        ("engines/typed.py", 10, "sqlalchemy"),
        ("engines/typed.py", 12, "sqlalchemy.ext"),
    ]


def test_sqlalchemy_is_fine_in_drivers_and_forbidden_in_l4_and_legacy_l5() -> None:
    files = tree(drivers__store=DRIVER + "import sqlalchemy\n")
    files["backend/app/hoc/cus/general/runtime/loop.py"] = "import sqlalchemy\n"
    files["backend/app/workers/job.py"] = "import sqlalchemy\n"
    result = check(files)
    assert sorted(f.file for f in result.findings if f.rule == "SQLALCHEMY_RUNTIME") == [
        "backend/app/hoc/cus/general/runtime/loop.py",
        "backend/app/workers/job.py",
    ]


def test_type_checking_exemption_is_configurable() -> None:
    config = CheckConfig(source_roots=("backend",), type_checking_exempt=frozenset())
    source = ENGINE + "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import sqlalchemy\n"
    assert len(found(check(tree(engines__t=source), config=config), "SQLALCHEMY_RUNTIME")) == 1


# -- LEGACY_IMPORT --------------------------------------------------------------------------
def test_legacy_import_in_every_form_one_per_statement_and_module() -> None:
    source = DRIVER + (
        "import app.services\n"
        "from app.services import connectors\n"
        "from app.services.connectors import Connector, Registry\n"
        "from app import services\n"
        "import app.services_extra\n"
        "'''from app.services import in_a_docstring'''\n"
        "text = 'import app.services'\n"
    )
    assert found(check(tree(drivers__legacy=source)), "LEGACY_IMPORT") == [
        ("drivers/legacy.py", 3, "app.services"),
        ("drivers/legacy.py", 4, "app.services.connectors"),
        ("drivers/legacy.py", 5, "app.services.connectors"),
        ("drivers/legacy.py", 6, "app.services"),
    ]


def test_legacy_import_only_applies_to_hoc_files() -> None:
    files = tree()
    files["backend/app/api/old.py"] = "from app.services import connectors\n"
    assert found(check(files), "LEGACY_IMPORT") == []


def test_legacy_import_of_a_module_missing_from_the_tree_still_fires() -> None:
    source = ENGINE + "from app.services.governance.cross_domain import bridge\n"
    result = check(tree(engines__cost=source))
    assert found(result, "LEGACY_IMPORT") == [
        ("engines/cost.py", 3, "app.services.governance.cross_domain")
    ]
    assert found(result, "LAYER_BOUNDARY") == []  # no target layer: not inside the roots


# -- LAYER_BOUNDARY -------------------------------------------------------------------------
def test_driver_importing_an_engine_is_a_boundary_error_and_legacy_is_independent() -> None:
    files = tree(
        engines__pricing=ENGINE,
        drivers__store=DRIVER
        + "from ..engines import pricing\nfrom app.services import connectors\n",
    )
    result = check(files)
    assert found(result, "LAYER_BOUNDARY") == [
        ("drivers/store.py", 3, "app.hoc.cus.integrations.engines.pricing"),
        ("drivers/store.py", 4, "app.services.connectors"),
    ]
    assert found(result, "LEGACY_IMPORT") == [("drivers/store.py", 4, "app.services.connectors")]


def test_from_package_import_name_targets_the_package_when_name_is_not_a_module() -> None:
    files = tree(
        engines____init__="# Layer: L5 — Domain Engines\nPRICE = 1\n",
        drivers__store=DRIVER + "from ..engines import PRICE\nfrom .. import engines\n",
    )
    assert found(check(files), "LAYER_BOUNDARY") == [
        ("drivers/store.py", 3, "app.hoc.cus.integrations.engines"),
        ("drivers/store.py", 4, "app.hoc.cus.integrations.engines"),
    ]


def test_type_checking_import_of_a_model_from_an_engine_is_still_a_boundary_finding() -> None:
    source = ENGINE + (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.models.policy import Policy\n"
    )
    assert found(check(tree(engines__typed=source)), "LAYER_BOUNDARY") == [
        ("engines/typed.py", 5, "app.models.policy")
    ]


def test_allowed_imports_and_third_party_modules_are_not_findings() -> None:
    files = tree(
        drivers__store=DRIVER + "import sqlalchemy\n",
        engines__e=ENGINE + "import os, json\nimport requests\nfrom ..drivers import store\n",
        drivers__d=DRIVER + "from app.models import policy\n",
    )
    assert found(check(files), "LAYER_BOUNDARY") == []


def test_header_layer_of_the_target_wins_over_its_folder() -> None:
    files = tree(
        drivers__bridges="# Layer: L5/L6 — HYBRID (pending refactor)\n",
        drivers__store=DRIVER + "from . import bridges\n",
    )
    assert found(check(files), "LAYER_BOUNDARY") == [
        ("drivers/store.py", 3, "app.hoc.cus.integrations.drivers.bridges")
    ]


def test_namespace_packages_have_their_folder_layer() -> None:
    files: dict[str, str | bytes] = {
        f"{HOC}/drivers/store.py": DRIVER + "import app.services\nfrom app.services import x\n",
        "backend/app/services/x.py": "X = 1\n",  # no __init__.py anywhere
    }
    assert found(check(files), "LAYER_BOUNDARY") == [
        ("drivers/store.py", 3, "app.services"),
        ("drivers/store.py", 4, "app.services.x"),
    ]


def test_facade_l21_imports_of_legacy_are_boundary_and_legacy_l4_facade_only_legacy() -> None:
    files = tree(
        facades__a=FACADE + "from app.services.connectors import Connector\n",
        facades__b="# Layer: L4 — Runtime facade\nfrom app.services.connectors import Connector\n",
    )
    result = check(files)
    assert found(result, "LAYER_BOUNDARY") == [("facades/a.py", 2, "app.services.connectors")]
    assert len(found(result, "LEGACY_IMPORT")) == 2


def test_allowed_matrix_is_configurable() -> None:
    config = CheckConfig(
        source_roots=("backend",),
        allowed_imports={**CheckConfig().allowed_imports, "L6": ("L5", "L6", "L7")},
    )
    files = tree(engines__pricing=ENGINE, drivers__store=DRIVER + "from ..engines import pricing\n")
    assert found(check(files, config=config), "LAYER_BOUNDARY") == []


# -- AUDIENCE_MISMATCH ----------------------------------------------------------------------
def test_audience_mismatch_fires_at_the_audience_line() -> None:
    source = "# Layer: L6 — Drivers\n# AUDIENCE: INTERNAL\nimport sqlalchemy\n"
    result = check(tree(drivers__server_registry=source))
    assert found(result, "AUDIENCE_MISMATCH") == [("drivers/server_registry.py", 2, None)]


def test_audience_spellings_match_their_folders() -> None:
    files: dict[str, str | bytes] = {
        "backend/app/hoc/customer/x/engines/a.py": "# Layer: L5\n# AUDIENCE: CUSTOMER\n",
        "backend/app/hoc/int/x/engines/b.py": "# Layer: L5\n# AUDIENCE: INTERNAL\n",
        "backend/app/hoc/founder/x/engines/c.py": "# Layer: L5\n# AUDIENCE: FOUNDER (ops)\n",
        "backend/app/hoc/api/fdr/x/d.py": "# Layer: L2\n# AUDIENCE: FOUNDER\nimport fastapi\n",
    }
    result = check(files)
    assert found(result, "AUDIENCE_MISMATCH") == []
    assert result.files["backend/app/hoc/api/fdr/x/d.py"].audience == "FOUNDER"


# -- CROSS_DOMAIN ---------------------------------------------------------------------------
def test_cross_domain_warns_but_general_and_other_audiences_are_fine() -> None:
    files = tree(
        engines__e=ENGINE
        + "from app.hoc.cus.policies.engines import rules\n"
        + "from app.hoc.cus.general.engines import shared\n"
        + "from app.hoc.fdr.policies.engines import founder_rules\n"
        + "from app.hoc.cus.integrations.engines import mine\n"
    )
    for path in (
        "cus/policies/engines/rules",
        "cus/general/engines/shared",
        "fdr/policies/engines/founder_rules",
    ):
        files[f"backend/app/hoc/{path}.py"] = ENGINE
    files[f"{HOC}/engines/mine.py"] = ENGINE
    result = check(files)
    assert found(result, "CROSS_DOMAIN") == [
        ("engines/e.py", 3, "app.hoc.cus.policies.engines.rules")
    ]
    (finding,) = [f for f in result.findings if f.rule == "CROSS_DOMAIN"]
    assert finding.severity == "warning" and "cus/general/" in finding.message


# -- PARSE_ERROR ----------------------------------------------------------------------------
def test_syntax_error_is_a_finding_naming_file_and_line_and_the_run_goes_on() -> None:
    files = tree(engines__broken=ENGINE + "def f(:\n", engines__iam_service=ENGINE)
    result = check(files)
    assert found(result, "PARSE_ERROR") == [("engines/broken.py", 3, None)]
    assert found(result, "BANNED_NAMING") == [("engines/iam_service.py", 1, None)]
    assert result.exit_code == 1


def test_non_utf8_file_is_a_parse_error_but_a_declared_latin1_file_is_fine() -> None:
    files = tree()
    files[f"{HOC}/engines/bad.py"] = b"# Layer: L5\nname = '\xe9t\xe9'\n"
    files[f"{HOC}/engines/latin.py"] = b"# -*- coding: latin-1 -*-\n# Layer: L5\nname = '\xe9'\n"
    result = check(files)
    assert found(result, "PARSE_ERROR") == [("engines/bad.py", 2, None)]
    (finding,) = [f for f in result.findings if f.rule == "PARSE_ERROR"]
    assert "utf-8" in finding.message


# -- filters ---------------------------------------------------------------------------------
def test_filters_by_path_domain_audience_and_rules() -> None:
    files = tree(engines__iam_service=ENGINE + "import sqlalchemy\n")
    files["backend/app/hoc/cus/policies/engines/p_service.py"] = ENGINE
    files["backend/app/hoc/fdr/ops/engines/o_service.py"] = "# Layer: L5\n# AUDIENCE: FOUNDER\n"
    assert {f.file.split("/")[4] for f in check(files, domain="policies").findings} == {"policies"}
    assert {f.file.split("/")[3] for f in check(files, audience="fdr").findings} == {"fdr"}
    assert {f.file.split("/")[3] for f in check(files, audience="CUSTOMER").findings} == {"cus"}
    only = check(files, paths=[f"{HOC}/engines"], rules=["SQLALCHEMY_RUNTIME"])
    assert [f.rule for f in only.findings] == ["SQLALCHEMY_RUNTIME"]
    assert check(files, ignore=["BANNED_NAMING"]).counts_by_rule() == {"SQLALCHEMY_RUNTIME": 1}
