"""fix_header: sets header fields exactly, keeping every other line byte-for-byte."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from libcst.codemod import CodemodContext, TransformSuccess, transform_module

from codemods._errors import CodemodRefusal
from codemods.fix_header import FixHeaderCommand, header_layer, read_header, set_header

ROOT = Path(__file__).resolve().parents[2]

DRIVERS_INIT = """\
# Layer: L4 — Runtime
# AUDIENCE: CUSTOMER
# Role: Integrations drivers package
# Reference: HOC_LAYER_TOPOLOGY_V1.md
\"\"\"Integration drivers.\"\"\"

from .bridges_driver import record_policy_activation
"""

FULL = """\
#!/usr/bin/env python3
# Layer: L6 — Drivers
# AUDIENCE: CUSTOMER
# Temporal:
#   Trigger: api|worker
# Role: Database operations for
#       integration bridges
# Reference: HOC_LAYER_TOPOLOGY_V1.md
#
# (c) the integrations team

\"\"\"Docstring.\"\"\"
x = 1
"""


def test_changing_the_layer_changes_its_description_and_nothing_else() -> None:
    assert set_header(DRIVERS_INIT, layer="L6") == DRIVERS_INIT.replace(
        "# Layer: L4 — Runtime", "# Layer: L6 — Drivers"
    )


def test_an_explicit_description_wins() -> None:
    after = set_header(DRIVERS_INIT, layer="L6", layer_description="Policy activation persistence")
    assert after.splitlines()[0] == "# Layer: L6 — Policy activation persistence"
    assert after.splitlines()[1:] == DRIVERS_INIT.splitlines()[1:]


def test_only_the_given_fields_change_and_other_lines_stay() -> None:
    after = set_header(FULL, audience="INTERNAL", role="Bridge persistence")
    assert after == (
        "#!/usr/bin/env python3\n"
        "# Layer: L6 — Drivers\n"
        "# AUDIENCE: INTERNAL\n"
        "# Temporal:\n"
        "#   Trigger: api|worker\n"
        "# Role: Bridge persistence\n"
        "# Reference: HOC_LAYER_TOPOLOGY_V1.md\n"
        "#\n"
        "# (c) the integrations team\n"
        "\n"
        '"""Docstring."""\n'
        "x = 1\n"
    )


def test_new_fields_go_where_the_spec_orders_them() -> None:
    after = set_header(
        FULL,
        fields={
            "Callers": "bridges_engine",
            "allowed imports": "stdlib, sqlalchemy",
            "Execution": "async",
        },
    )
    assert after.splitlines()[1:12] == [
        "# Layer: L6 — Drivers",
        "# AUDIENCE: CUSTOMER",
        "# Temporal:",
        "#   Trigger: api|worker",
        "#   Execution: async",
        "# Role: Database operations for",
        "#       integration bridges",
        "# Callers: bridges_engine",
        "# Allowed Imports: stdlib, sqlalchemy",
        "# Reference: HOC_LAYER_TOPOLOGY_V1.md",
        "#",
    ]


def test_audience_goes_right_below_the_layer_line() -> None:
    before = "# Layer: L5 — Domain Engines\n# Role: Cost logic\n\nimport os\n"
    assert set_header(before, audience="CUSTOMER") == (
        "# Layer: L5 — Domain Engines\n# AUDIENCE: CUSTOMER\n# Role: Cost logic\n\nimport os\n"
    )


def test_a_missing_block_is_created_after_shebang_and_encoding_before_the_docstring() -> None:
    before = '#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n"""Doc."""\nx = 1\n'
    after = set_header(before, layer="L5", layer_description="Domain Schemas", audience="CUSTOMER")
    assert after == (
        "#!/usr/bin/env python\n"
        "# -*- coding: utf-8 -*-\n"
        "# Layer: L5 — Domain Schemas\n"
        "# AUDIENCE: CUSTOMER\n"
        "\n"
        '"""Doc."""\n'
        "x = 1\n"
    )


def test_a_block_is_created_in_an_empty_file() -> None:
    assert set_header("", layer="L7", role="Models") == "# Layer: L7 — Models\n# Role: Models\n"


def test_hybrid_form_with_its_note() -> None:
    before = "# Layer: L5 — Domain Engine\n# AUDIENCE: CUSTOMER\n\nimport os\n"
    after = set_header(before, hybrid=True, hybrid_note="Class split pending M25")
    assert after == (
        "# Layer: L5/L6 — HYBRID (pending refactor)\n"
        "# NOTE: Class split pending M25\n"
        "# AUDIENCE: CUSTOMER\n"
        "\n"
        "import os\n"
    )
    assert header_layer(after) == "L5/L6"
    assert read_header(after)["NOTE"] == "Class split pending M25"
    # New fields never separate the note from its layer line.
    with_role = set_header(after, role="Bridges")
    assert with_role.splitlines()[:4] == [
        "# Layer: L5/L6 — HYBRID (pending refactor)",
        "# NOTE: Class split pending M25",
        "# AUDIENCE: CUSTOMER",
        "# Role: Bridges",
    ]


def test_leaving_hybrid_drops_the_note() -> None:
    hybrid = "# Layer: L5/L6 — HYBRID (pending refactor)\n# NOTE: split pending\n# Role: R\n"
    assert set_header(hybrid, layer="L5") == "# Layer: L5 — Domain Engines\n# Role: R\n"


def test_l5_keeps_its_schema_or_worker_name_when_the_layer_is_already_l5() -> None:
    schemas = "# Layer: L5 — Domain Schemas\n"
    assert set_header(schemas, layer="L5") == schemas
    assert set_header("# Layer: L4 — Runtime\n", layer="L5") == "# Layer: L5 — Domain Engines\n"


def test_crlf_line_endings_stay_crlf() -> None:
    before = '# Layer: L4 — Runtime\r\n# Role: x\r\n"""Doc."""\r\n'
    after = set_header(before, layer="L6", audience="CUSTOMER")
    assert after == '# Layer: L6 — Drivers\r\n# AUDIENCE: CUSTOMER\r\n# Role: x\r\n"""Doc."""\r\n'
    created = set_header('"""Doc."""\r\nx = 1\r\n', layer="L6")
    assert created == '# Layer: L6 — Drivers\r\n\r\n"""Doc."""\r\nx = 1\r\n'


def test_a_file_without_final_newline_keeps_it_that_way() -> None:
    assert set_header("# Layer: L6 — Drivers", audience="CUSTOMER") == (
        "# Layer: L6 — Drivers\n# AUDIENCE: CUSTOMER"
    )


def test_values_already_set_give_a_byte_identical_file() -> None:
    """Nothing to do, and running twice changes nothing."""
    assert (
        set_header(
            FULL,
            layer="L6",
            audience="CUSTOMER",
            role="Database operations for integration bridges",
            fields={"Trigger": "api|worker"},
        )
        == FULL
    )
    once = set_header(DRIVERS_INIT, layer="L6", audience="CUSTOMER", fields={"Callers": "e"})
    assert set_header(once, layer="L6", audience="CUSTOMER", fields={"Callers": "e"}) == once
    hybrid = set_header(DRIVERS_INIT, hybrid=True)
    assert set_header(hybrid, hybrid=True) == hybrid


def test_a_layer_line_in_the_docstring_is_not_a_header() -> None:
    before = '"""Doc.\n# Layer: L6 — Drivers\n"""\n'
    assert read_header(before) == {}
    assert set_header(before, layer="L5").startswith("# Layer: L5 — Domain Engines\n\n")


def test_read_header_returns_the_current_fields() -> None:
    assert read_header(FULL) == {
        "Layer": "L6 — Drivers",
        "AUDIENCE": "CUSTOMER",
        "Temporal": "",
        "Trigger": "api|worker",
        "Role": "Database operations for integration bridges",
        "Reference": "HOC_LAYER_TOPOLOGY_V1.md",
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"layer": "L9"}, "layer L9 has no description to write after it: give one"),
        ({"layer": "drivers"}, "layer drivers has no description to write after it"),
        ({"layer": "two words"}, "'two words' is not a layer"),
        ({"layer": "L6", "hybrid": True}, "a HYBRID header is layer L5/L6, not L6"),
        ({"fields": {"Layer": "L6"}}, "set the layer and the HYBRID note with layer="),
    ],
)
def test_bad_values_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(CodemodRefusal, match=message.replace("(", r"\(").replace(")", r"\)")):
        set_header(DRIVERS_INIT, **kwargs)  # type: ignore[arg-type]


def test_a_projects_own_layer_name_is_written_as_given_with_its_description() -> None:
    before = '"""Orders."""\n'
    after = set_header(before, layer="services", layer_description="Business rules")
    assert after == '# Layer: services — Business rules\n\n"""Orders."""\n'
    # The same layer again changes nothing; another description replaces the old one.
    assert set_header(after, layer="services") == after
    assert set_header(after, layer="shop.api", layer_description="HTTP") == (
        '# Layer: shop.api — HTTP\n\n"""Orders."""\n'
    )


def test_a_block_cannot_be_created_without_a_layer() -> None:
    with pytest.raises(CodemodRefusal, match="no header block: give the layer"):
        set_header("x = 1\n", audience="CUSTOMER")


def test_the_command_through_transform_module() -> None:
    command = FixHeaderCommand(
        CodemodContext(), layer="L6", audience="CUSTOMER", fields=["Callers=bridges_engine"]
    )
    result = transform_module(command, DRIVERS_INIT)
    assert isinstance(result, TransformSuccess)
    assert result.code.splitlines()[:4] == [
        "# Layer: L6 — Drivers",
        "# AUDIENCE: CUSTOMER",
        "# Role: Integrations drivers package",
        "# Callers: bridges_engine",
    ]
    again = transform_module(
        FixHeaderCommand(CodemodContext(), layer="L6", fields={"Callers": "bridges_engine"}),
        result.code,
    )
    assert isinstance(again, TransformSuccess) and again.code == result.code


def test_the_command_through_the_libcst_tool(tmp_path: Path) -> None:
    target = tmp_path / "events.py"
    target.write_bytes(b'"""Loop events."""\r\nX = 1\r\n')
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "libcst.tool",
            "codemod",
            "fix_header.FixHeaderCommand",
            str(target),
            "--layer",
            "L5",
            "--layer-description",
            "Domain Schemas",
            "--audience",
            "CUSTOMER",
            "--no-format",
            "--hide-progress",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert target.read_bytes() == (
        b'# Layer: L5 \xe2\x80\x94 Domain Schemas\r\n# AUDIENCE: CUSTOMER\r\n\r\n"""Loop events."""'
        b"\r\nX = 1\r\n"
    )
