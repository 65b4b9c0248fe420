"""`rewrite_import`: point references at another module path, optionally for some names."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from textwrap import dedent

from libcst.codemod import CodemodContext, CodemodTest

from codemods.rewrite_import import RewriteImportCommand, rewrite_imports

ROOT = Path(__file__).resolve().parents[2]
OLD = "app.services.connectors"
NEW = "app.hoc.cus.integrations.drivers.connectors"


def rewrite(
    before: str,
    *,
    names: list[str] | None = None,
    module: str = "app.api.routes",
    is_package: bool = False,
) -> str:
    return rewrite_imports(
        dedent(before), module=module, is_package=is_package, old=OLD, new=NEW, names=names
    )


# --- whole module -----------------------------------------------------------------------


def test_every_import_form_is_pointed_at_the_new_path() -> None:
    before = """\
        import app.services.connectors
        import app.services.connectors as conn
        from app.services import connectors
        from app.services.connectors import ConnectorClient, Other
        from app.services.connectors import *

        app.services.connectors.ConnectorClient()
        """
    after = """\
        import app.hoc.cus.integrations.drivers.connectors
        import app.hoc.cus.integrations.drivers.connectors as conn
        from app.hoc.cus.integrations.drivers import connectors
        from app.hoc.cus.integrations.drivers.connectors import ConnectorClient, Other
        from app.hoc.cus.integrations.drivers.connectors import *

        app.hoc.cus.integrations.drivers.connectors.ConnectorClient()
        """
    assert rewrite(before) == dedent(after)


def test_submodules_follow() -> None:
    before = """\
        from app.services.connectors.http import HttpConnector
        from app.services.connectors import http
        import app.services.connectors.http
        patch("app.services.connectors.http.HttpConnector.send")
        from app.services.connectors_v2 import Unrelated
        """
    after = """\
        from app.hoc.cus.integrations.drivers.connectors.http import HttpConnector
        from app.hoc.cus.integrations.drivers.connectors import http
        import app.hoc.cus.integrations.drivers.connectors.http
        patch("app.hoc.cus.integrations.drivers.connectors.http.HttpConnector.send")
        from app.services.connectors_v2 import Unrelated
        """
    assert rewrite(before) == dedent(after)


def test_relative_imports_stay_relative_inside_the_top_package() -> None:
    before = """\
        from .connectors import ConnectorClient
        from . import connectors
        """
    after = """\
        from ..hoc.cus.integrations.drivers.connectors import ConnectorClient
        from ..hoc.cus.integrations.drivers import connectors
        """
    assert rewrite(before, module="app.services.registry") == dedent(after)


def test_lazy_and_type_checking_imports_and_strings() -> None:
    before = """\
        if TYPE_CHECKING:
            from app.services.connectors import ConnectorClient


        def load():
            import app.services.connectors as conn  # cycle

            return importlib.import_module("app.services.connectors"), "app.services.connectors:main"
        """
    after = """\
        if TYPE_CHECKING:
            from app.hoc.cus.integrations.drivers.connectors import ConnectorClient


        def load():
            import app.hoc.cus.integrations.drivers.connectors as conn  # cycle

            return importlib.import_module("app.hoc.cus.integrations.drivers.connectors"), "app.hoc.cus.integrations.drivers.connectors:main"
        """
    assert rewrite(before) == dedent(after)


# --- named definitions only -------------------------------------------------------------


def test_names_split_a_from_import() -> None:
    before = """\
        from app.services.connectors import ConnectorClient, Other  # used by routes
        """
    after = """\
        from app.services.connectors import Other  # used by routes
        from app.hoc.cus.integrations.drivers.connectors import ConnectorClient
        """
    assert rewrite(before, names=["ConnectorClient"]) == dedent(after)


def test_names_split_keeps_aliases_and_parenthesized_layout() -> None:
    before = """\
        from app.services.connectors import (
            ConnectorClient as Client,  # the client
            Other,
            Retry,
        )
        """
    after = """\
        from app.services.connectors import (
            Other,
        )
        from app.hoc.cus.integrations.drivers.connectors import (
            ConnectorClient as Client,  # the client
            Retry,
        )
        """
    assert rewrite(before, names=["ConnectorClient", "Retry"]) == dedent(after)


def test_names_only_import_moves_whole_statement() -> None:
    before = """\
        from .connectors import ConnectorClient
        """
    after = """\
        from ..hoc.cus.integrations.drivers.connectors import ConnectorClient
        """
    rewritten = rewrite(before, names=["ConnectorClient"], module="app.services.registry")
    assert rewritten == dedent(after)


def test_names_follow_through_module_attribute_access() -> None:
    before = """\
        import app.services.connectors
        import app.services.connectors as conn
        from app.services import connectors


        def build():
            return (
                app.services.connectors.ConnectorClient(),
                conn.ConnectorClient(),
                connectors.ConnectorClient(),
                conn.Other(),
            )
        """
    after = """\
        import app.services.connectors
        import app.hoc.cus.integrations.drivers.connectors
        import app.services.connectors as conn
        from app.services import connectors


        def build():
            return (
                app.hoc.cus.integrations.drivers.connectors.ConnectorClient(),
                app.hoc.cus.integrations.drivers.connectors.ConnectorClient(),
                app.hoc.cus.integrations.drivers.connectors.ConnectorClient(),
                conn.Other(),
            )
        """
    assert rewrite(before, names=["ConnectorClient"]) == dedent(after)


def test_names_attribute_access_in_a_lazy_import_gets_its_import_in_the_same_function() -> None:
    before = """\
        def build():
            from app.services import connectors

            return connectors.ConnectorClient()
        """
    after = """\
        def build():
            from app.services import connectors
            import app.hoc.cus.integrations.drivers.connectors

            return app.hoc.cus.integrations.drivers.connectors.ConnectorClient()
        """
    assert rewrite(before, names=["ConnectorClient"]) == dedent(after)


def test_names_star_import_gets_the_moved_names_explicitly() -> None:
    before = """\
        from app.services.connectors import *
        """
    after = """\
        from app.services.connectors import *
        from app.hoc.cus.integrations.drivers.connectors import ConnectorClient
        """
    once = rewrite(before, names=["ConnectorClient"])
    assert once == dedent(after)
    assert rewrite(once, names=["ConnectorClient"]) == once


def test_names_strings_follow_only_for_the_named_definitions() -> None:
    before = """\
        patch("app.services.connectors.ConnectorClient.send")
        patch("app.services.connectors.Other")
        importlib.import_module("app.services.connectors")
        ENTRY = "app.services.connectors:ConnectorClient"
        """
    after = """\
        patch("app.hoc.cus.integrations.drivers.connectors.ConnectorClient.send")
        patch("app.services.connectors.Other")
        importlib.import_module("app.services.connectors")
        ENTRY = "app.hoc.cus.integrations.drivers.connectors:ConnectorClient"
        """
    assert rewrite(before, names=["ConnectorClient"]) == dedent(after)


def test_names_reexport_in_init_keeps_all_valid() -> None:
    before = """\
        from .connectors import ConnectorClient, Other

        __all__ = ["ConnectorClient", "Other"]
        """
    after = """\
        from .connectors import Other
        from ..hoc.cus.integrations.drivers.connectors import ConnectorClient

        __all__ = ["ConnectorClient", "Other"]
        """
    rewritten = rewrite(before, names=["ConnectorClient"], module="app.services", is_package=True)
    assert rewritten == dedent(after)


# --- nothing to do, twice ---------------------------------------------------------------


def test_nothing_to_do_returns_the_same_source() -> None:
    source = dedent(
        """\
        from app.services.connectors import Other
        import app.services.connectors as conn

        conn.Other()
        """
    )
    assert rewrite(source, names=["ConnectorClient"]) is source
    assert rewrite("import os\n") == "import os\n"


def test_running_twice_changes_nothing_more() -> None:
    before = """\
        import app.services.connectors as conn
        from app.services.connectors import ConnectorClient, Other

        conn.ConnectorClient(), conn.Other()
        patch("app.services.connectors.ConnectorClient")
        """
    for names in (None, ["ConnectorClient"]):
        once = rewrite(before, names=names)
        assert once != dedent(before)
        assert rewrite(once, names=names) == once


# --- as a LibCST codemod command ---------------------------------------------------------


class TestRewriteImportCommand(CodemodTest):
    TRANSFORM = RewriteImportCommand

    def test_whole_module(self) -> None:
        before = """
            from app.services.connectors import ConnectorClient
        """
        after = """
            from app.hoc.cus.integrations.drivers.connectors import ConnectorClient
        """
        self.assertCodemod(before, after, old=OLD, new=NEW)

    def test_names_with_relative_import(self) -> None:
        before = """
            from .connectors import ConnectorClient, Other
        """
        after = """
            from .connectors import Other
            from ..hoc.cus.integrations.drivers.connectors import ConnectorClient
        """
        context = CodemodContext(
            full_module_name="app.services.registry", full_package_name="app.services"
        )
        self.assertCodemod(
            before, after, old=OLD, new=NEW, names=["ConnectorClient"], context_override=context
        )


def test_runs_through_the_libcst_command_line(tmp_path: Path) -> None:
    target = tmp_path / "app" / "api" / "routes.py"
    target.parent.mkdir(parents=True)
    target.write_text("from app.services.connectors import ConnectorClient, Other\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "libcst.tool",
            "codemod",
            "-x",
            "codemods.rewrite_import.RewriteImportCommand",
            "--no-format",
            "--hide-progress",
            "--old",
            OLD,
            "--new",
            NEW,
            "--name",
            "ConnectorClient",
            "app",
        ],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert target.read_text() == (
        f"from app.services.connectors import Other\nfrom {NEW} import ConnectorClient\n"
    )
