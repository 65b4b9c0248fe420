"""`move`: every reference to a moved module follows it, in the file's own style."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import libcst as cst
import pytest
from libcst.codemod import CodemodContext, CodemodTest

from codemods._references import _rewrite_with_libcst
from codemods.move_module import MoveModuleCommand, may_reference, rewrite_module_references

ROOT = Path(__file__).resolve().parents[2]
EVENTS = {"app.integrations.drivers.events": "app.integrations.schemas.loop_events"}


def move(
    before: str,
    *,
    module: str = "app.integrations.engines.pricing",
    is_package: bool = False,
    renames: dict[str, str] = EVENTS,
    moved_from: str | None = None,
) -> str:
    return rewrite_module_references(
        dedent(before),
        module=module,
        is_package=is_package,
        renames=renames,
        moved_from=moved_from,
    )


# --- absolute imports ------------------------------------------------------------------


def test_import_dotted_rewrites_the_import_and_its_attribute_chains() -> None:
    before = """\
        import app.integrations.drivers.events


        def emit():
            return app.integrations.drivers.events.LoopEvent(kind="start")
        """
    after = """\
        import app.integrations.schemas.loop_events


        def emit():
            return app.integrations.schemas.loop_events.LoopEvent(kind="start")
        """
    assert move(before) == dedent(after)


def test_import_as_keeps_the_alias_and_its_uses() -> None:
    before = """\
        import app.integrations.drivers.events as ev  # loop events

        ev.LoopEvent()
        """
    after = """\
        import app.integrations.schemas.loop_events as ev  # loop events

        ev.LoopEvent()
        """
    assert move(before) == dedent(after)


def test_from_package_import_module_keeps_the_bound_name_with_an_alias() -> None:
    before = """\
        from app.integrations.drivers import events
        from app.integrations.drivers import events as ev

        events.LoopEvent(), ev.LoopEvent()
        """
    after = """\
        from app.integrations.schemas import loop_events as events
        from app.integrations.schemas import loop_events as ev

        events.LoopEvent(), ev.LoopEvent()
        """
    assert move(before) == dedent(after)


def test_from_package_import_module_among_other_names_splits_off() -> None:
    before = """\
        from app.integrations.drivers import events, registry  # both drivers
        """
    after = """\
        from app.integrations.drivers import registry  # both drivers
        from app.integrations.schemas import loop_events as events
        """
    assert move(before) == dedent(after)


def test_from_module_import_names_and_star() -> None:
    before = """\
        from app.integrations.drivers.events import LoopEvent, emit as fire
        from app.integrations.drivers.events import *
        """
    after = """\
        from app.integrations.schemas.loop_events import LoopEvent, emit as fire
        from app.integrations.schemas.loop_events import *
        """
    assert move(before) == dedent(after)


def test_parenthesized_import_keeps_its_layout_and_comments() -> None:
    before = """\
        # Events we react to.
        from app.integrations.drivers.events import (  # noqa: F401
            LoopEvent,  # the main one
            LoopKind,
        )
        """
    after = """\
        # Events we react to.
        from app.integrations.schemas.loop_events import (  # noqa: F401
            LoopEvent,  # the main one
            LoopKind,
        )
        """
    assert move(before) == dedent(after)


@pytest.mark.parametrize("rewrite", [rewrite_module_references, _rewrite_with_libcst])
def test_continuation_lines_aligned_with_the_names_stay_aligned(rewrite) -> None:  # type: ignore[no-untyped-def]
    # toolz/_signatures.py moved into toolz/_internal/: its relative import gains a dot, and
    # the lines aligned under the first name (PEP 8's visual indent) move with it.
    before = """\
        from .functoolz import (is_partial_args, is_arity,
                                # the signature checks
                                has_keywords)
        from .functoolz import (
            has_varargs,
        )


        def check():
            from toolz.functoolz import (curry,
                                         compose)
        """
    after = """\
        from ..functoolz import (is_partial_args, is_arity,
                                 # the signature checks
                                 has_keywords)
        from ..functoolz import (
            has_varargs,
        )


        def check():
            from toolz.functoolz import (curry,
                                         compose)
        """
    result = rewrite(
        dedent(before),
        module="toolz._internal.signatures",
        is_package=False,
        renames={"toolz._signatures": "toolz._internal.signatures"},
        moved_from="toolz._signatures",
    )
    assert result == dedent(after)
    # A shorter module name: the aligned lines move left, in a function too.
    renamed = """\
        from .fn import (is_partial_args, is_arity,
                         # the signature checks
                         has_keywords)
        from .fn import (
            has_varargs,
        )


        def check():
            from toolz.fn import (curry,
                                  compose)
        """
    result = rewrite(
        dedent(before),
        module="toolz._signatures",
        is_package=False,
        renames={"toolz.functoolz": "toolz.fn"},
    )
    assert result == dedent(renamed)


def test_import_order_and_unrelated_lines_stay_put() -> None:
    before = """\
        import os
        from app.integrations.drivers.events import LoopEvent
        import sys  # after

        x = os.sep + sys.platform
        """
    after = """\
        import os
        from app.integrations.schemas.loop_events import LoopEvent
        import sys  # after

        x = os.sep + sys.platform
        """
    assert move(before) == dedent(after)


# --- relative imports ------------------------------------------------------------------


def test_relative_imports_stay_relative_with_the_level_the_target_needs() -> None:
    before = """\
        from ..drivers.events import LoopEvent
        from ..drivers import events
        from .. import drivers
        """
    after = """\
        from ..schemas.loop_events import LoopEvent
        from ..schemas import loop_events as events
        from .. import drivers
        """
    assert move(before) == dedent(after)


def test_relative_imports_from_the_old_package() -> None:
    before = """\
        from .events import LoopEvent
        from . import events, registry
        """
    after = """\
        from ..schemas.loop_events import LoopEvent
        from . import registry
        from ..schemas import loop_events as events
        """
    assert move(before, module="app.integrations.drivers.bridge") == dedent(after)


def test_relative_import_becomes_absolute_when_the_target_leaves_the_top_package() -> None:
    renames = {"app.integrations.drivers.events": "shared.events"}
    before = """\
        from ..drivers.events import LoopEvent
        """
    after = """\
        from shared.events import LoopEvent
        """
    assert move(before, renames=renames) == dedent(after)


def test_move_across_domains_climbs_as_far_as_needed() -> None:
    renames = {
        "app.hoc.cus.integrations.drivers.server_registry": "app.hoc.cus.general.mcp.registry"
    }
    before = """\
        from ..drivers.server_registry import Server
        """
    after = """\
        from ...general.mcp.registry import Server
        """
    assert move(before, renames=renames, module="app.hoc.cus.integrations.engines.x") == dedent(
        after
    )


def test_imports_inside_functions_and_type_checking_blocks() -> None:
    before = """\
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from ..drivers.events import LoopEvent


        def handle(event: "LoopEvent") -> None:
            from ..drivers import events  # lazy: import cycle

            events.emit(event)
        """
    after = """\
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from ..schemas.loop_events import LoopEvent


        def handle(event: "LoopEvent") -> None:
            from ..schemas import loop_events as events  # lazy: import cycle

            events.emit(event)
        """
    assert move(before) == dedent(after)


def test_init_reexports_keep_working_and_all_is_unchanged() -> None:
    before = """\
        \"\"\"Integration drivers.\"\"\"

        from . import events
        from .events import LoopEvent as LoopEvent

        __all__ = ["LoopEvent", "events"]
        """
    after = """\
        \"\"\"Integration drivers.\"\"\"

        from ..schemas import loop_events as events
        from ..schemas.loop_events import LoopEvent as LoopEvent

        __all__ = ["LoopEvent", "events"]
        """
    assert move(before, module="app.integrations.drivers", is_package=True) == dedent(after)


ISOPARSER = {"dateutil.parser.isoparser": "dateutil.parser._isoparser"}


@pytest.mark.parametrize("rewrite", [rewrite_module_references, _rewrite_with_libcst])
def test_a_name_the_package_binds_itself_is_not_its_moved_submodule(rewrite) -> None:  # type: ignore[no-untyped-def]
    # dateutil/parser/__init__.py: `from .isoparser import isoparser, isoparse`, so
    # `dateutil.parser.isoparser` is the class, whatever happens to the module of that name.
    before = """\
        import dateutil.parser
        import dateutil.parser.isoparser
        from dateutil.parser import isoparser, isoparse
        from dateutil.parser.isoparser import isoparser as iso_class


        def parse(text):
            return dateutil.parser.isoparser(sep="T").isoparse(text)
        """
    after = """\
        import dateutil.parser
        import dateutil.parser._isoparser
        from dateutil.parser import isoparser, isoparse
        from dateutil.parser._isoparser import isoparser as iso_class


        def parse(text):
            return dateutil.parser.isoparser(sep="T").isoparse(text)
        """
    result = rewrite(
        dedent(before),
        module="tests.test_isoparser",
        is_package=False,
        renames=ISOPARSER,
        shadowed=frozenset(ISOPARSER),
    )
    assert result == dedent(after)


CURRIED = """\
    import toolz
    from . import operator
    from .exceptions import merge, merge_with


    def merged(*dicts, exceptions=None):
        return exceptions or merge(*dicts), toolz.exceptions


    def merge_all(*dicts):
        return exceptions.merge(*dicts, factory=dict), call(exceptions=1)


    del exceptions
    del toolz
    """


@pytest.mark.parametrize("rewrite", [rewrite_module_references, _rewrite_with_libcst])
def test_a_package_init_follows_the_submodule_name_its_import_bound(rewrite) -> None:  # type: ignore[no-untyped-def]
    # toolz/curried/__init__.py: `from .exceptions import merge` also binds `exceptions` in
    # the package, which the file deletes at its end. Renamed to `merging`, the import binds
    # `merging`: `del exceptions` would be a NameError on `import toolz`.
    after = """\
        import toolz
        from . import operator
        from .merging import merge, merge_with


        def merged(*dicts, exceptions=None):
            return exceptions or merge(*dicts), toolz.exceptions


        def merge_all(*dicts):
            return merging.merge(*dicts, factory=dict), call(exceptions=1)


        del merging
        del toolz
        """
    renames = {"toolz.curried.exceptions": "toolz.curried.merging"}
    result = rewrite(dedent(CURRIED), module="toolz.curried", is_package=True, renames=renames)
    # The parameter of `merged` binds the name: nothing in the file is the module then.
    assert result == dedent(after).replace("merging.merge(", "exceptions.merge(").replace(
        "del merging", "del exceptions"
    )
    without_parameter = (
        dedent(CURRIED).replace(", exceptions=None", "").replace("exceptions or ", "")
    )
    result = rewrite(without_parameter, module="toolz.curried", is_package=True, renames=renames)
    assert result == dedent(after).replace(", exceptions=None", "").replace("exceptions or ", "")
    # Only a package's `__init__` gets the name from its submodule imports.
    plain = rewrite(without_parameter, module="toolz.other", is_package=False, renames=renames)
    assert "del exceptions" in plain and "exceptions.merge(" in plain


def test_a_submodule_moved_deeper_is_reached_through_its_new_package() -> None:
    # `from ._impl.merging import ...` binds `_impl`: reads follow; `del exceptions` cannot.
    source = dedent(CURRIED).replace(", exceptions=None", "").replace("exceptions or ", "")
    result = move(
        source,
        module="toolz.curried",
        is_package=True,
        renames={"toolz.curried.exceptions": "toolz.curried._impl.merging"},
    )
    assert "from ._impl.merging import merge, merge_with" in result
    assert "return _impl.merging.merge(*dicts, factory=dict), call(exceptions=1)" in result
    assert "del exceptions" in result


# --- the moved module itself ------------------------------------------------------------


def test_moved_module_rebases_its_own_relative_imports() -> None:
    before = """\
        from . import registry
        from .registry import lookup
        from ..engines.pricing import price
        from app.integrations.drivers.registry import Registry
        """
    after = """\
        from ..drivers import registry
        from ..drivers.registry import lookup
        from ..engines.pricing import price
        from app.integrations.drivers.registry import Registry
        """
    for name in ("app.integrations.drivers.events", "app.integrations.schemas.loop_events"):
        # The moved file may be named by its old or its new module name.
        moved = move(before, module=name, moved_from="app.integrations.drivers.events")
        assert moved == dedent(after)


def test_a_module_that_becomes_a_package_init_rebases_from_the_new_package() -> None:
    # pluggy's `_hooks.py` moved to `_hookspace/__init__.py`: its package is now itself.
    renames = {"pluggy._hooks": "pluggy._hookspace"}
    before = """\
        from ._result import Result
        from . import _tracing
        """
    after = """\
        from .._result import Result
        from .. import _tracing
        """
    moved = rewrite_module_references(
        dedent(before),
        module="pluggy._hookspace",
        is_package=True,
        was_package=False,
        renames=renames,
        moved_from="pluggy._hooks",
    )
    assert moved == dedent(after)
    # And back: the package's `__init__.py` becomes a module of its parent again.
    back = rewrite_module_references(
        moved,
        module="pluggy._hooks",
        is_package=False,
        was_package=True,
        renames={"pluggy._hookspace": "pluggy._hooks"},
        moved_from="pluggy._hookspace",
    )
    assert back == dedent(before)


def test_a_module_that_becomes_the_package_of_its_own_name_rebases_too() -> None:
    # `_hooks.py` to `_hooks/__init__.py`: the module keeps its name, not its package.
    before = "from ._result import Result\nimport pluggy._hooks\n"
    moved = rewrite_module_references(
        before,
        module="pluggy._hooks",
        is_package=True,
        was_package=False,
        renames={"pluggy._hooks": "pluggy._hooks"},
        moved_from="pluggy._hooks",
    )
    assert moved == "from .._result import Result\nimport pluggy._hooks\n"


def test_moved_module_follows_siblings_moved_in_the_same_step() -> None:
    renames = {
        "app.integrations.drivers.events": "app.integrations.schemas.loop_events",
        "app.integrations.drivers.kinds": "app.integrations.schemas.kinds",
    }
    before = """\
        from .kinds import LoopKind
        from .registry import lookup
        """
    after = """\
        from .kinds import LoopKind
        from ..drivers.registry import lookup
        """
    moved = move(
        before,
        renames=renames,
        module="app.integrations.drivers.events",
        moved_from="app.integrations.drivers.events",
    )
    assert moved == dedent(after)


def test_rename_in_place_keeps_everything_relative() -> None:
    renames = {"app.integrations.drivers.events": "app.integrations.drivers.loop_events"}
    before = """\
        from . import events
        from .events import LoopEvent
        """
    after = """\
        from . import loop_events as events
        from .loop_events import LoopEvent
        """
    assert move(before, renames=renames, module="app.integrations.drivers.bridge") == dedent(after)


def test_move_into_a_package_that_does_not_exist_yet() -> None:
    renames = {"app.integrations.drivers.events": "app.integrations.schemas.loop.events"}
    before = """\
        from ..drivers.events import LoopEvent
        """
    after = """\
        from ..schemas.loop.events import LoopEvent
        """
    assert move(before, renames=renames) == dedent(after)


# --- whole packages: submodules follow ---------------------------------------------------


PACKAGE = {"app.integrations.drivers": "app.integrations.adapters"}


def test_package_move_takes_its_submodules_along() -> None:
    before = """\
        import app.integrations.drivers
        from app.integrations.drivers.events import LoopEvent
        from app.integrations import drivers
        from ..drivers.registry import lookup
        from app.integrations.driversx import unrelated

        app.integrations.drivers.events.emit()
        """
    after = """\
        import app.integrations.adapters
        from app.integrations.adapters.events import LoopEvent
        from app.integrations import adapters as drivers
        from ..adapters.registry import lookup
        from app.integrations.driversx import unrelated

        app.integrations.adapters.events.emit()
        """
    assert move(before, renames=PACKAGE) == dedent(after)


def test_files_inside_a_moved_package_keep_their_internal_relative_imports() -> None:
    before = """\
        from . import registry
        from .events import LoopEvent
        from ..engines.pricing import price
        """
    after = """\
        from . import registry
        from .events import LoopEvent
        from ...integrations.engines.pricing import price
        """
    moved = move(
        before,
        renames={"app.integrations.drivers": "app.billing.drivers"},
        module="app.integrations.drivers.bridge",
        moved_from="app.integrations.drivers.bridge",
    )
    assert moved == dedent(after)


# --- attribute chains that need another import -------------------------------------------


def test_chain_through_the_parent_package_gets_an_import_next_to_the_original() -> None:
    before = """\
        from app.integrations import drivers


        def f():
            return drivers.events.LoopEvent
        """
    after = """\
        from app.integrations import drivers
        import app.integrations.schemas.loop_events


        def f():
            return app.integrations.schemas.loop_events.LoopEvent
        """
    assert move(before) == dedent(after)


def test_added_import_binds_the_module_name_when_the_root_name_is_taken() -> None:
    # `from lib import events` rather than `import lib.events as events`: the same binding,
    # in the form linters ask for (pylint / ruff PLR0402).
    renames = {"app.integrations.drivers.events": "lib.events"}
    before = """\
        from app.integrations import drivers

        lib = []
        lib.append(drivers.events.LoopEvent)
        """
    after = """\
        from app.integrations import drivers
        from lib import events

        lib = []
        lib.append(events.LoopEvent)
        """
    assert move(before, renames=renames) == dedent(after)


def test_chains_follow_the_import_visible_in_their_own_scope() -> None:
    before = """\
        from app.integrations import drivers


        def legacy():
            from app import drivers

            return drivers.events.LoopEvent


        class Handler:
            drivers = None

            def handle(self):
                return drivers.events.LoopEvent
        """
    after = """\
        from app.integrations import drivers
        import app.integrations.schemas.loop_events


        def legacy():
            from app import drivers

            return drivers.events.LoopEvent


        class Handler:
            drivers = None

            def handle(self):
                return app.integrations.schemas.loop_events.LoopEvent
        """
    assert move(before) == dedent(after)


def test_a_name_imported_from_two_modules_in_one_scope_is_left_alone_with_a_warning() -> None:
    before = """\
        try:
            from app.integrations import drivers
        except ImportError:
            from app.legacy import drivers

        drivers.events.LoopEvent
        """
    after = """\
        try:
            from app.integrations import drivers
        except ImportError:
            from app.legacy import drivers

        drivers.events.LoopEvent
        """
    warnings: list[str] = []
    source = dedent(before)
    result = rewrite_module_references(
        source, module="app.x", is_package=False, renames=EVENTS, warnings=warnings
    )
    assert result == dedent(after)
    assert warnings == [
        "'drivers' is imported from several modules in one scope; "
        "left drivers.events.LoopEvent unchanged"
    ]


# --- dotted strings ---------------------------------------------------------------------


def test_strings_naming_the_module_or_something_in_it_exactly() -> None:
    before = """\
        patch("app.integrations.drivers.events.emit")
        importlib.import_module('app.integrations.drivers.events')
        ENTRY = "app.integrations.drivers.events:main"
        NOT_IT = "app.integrations.drivers.eventsource"
        PROSE = "see app.integrations.drivers.events for details"
        RAW = b"app.integrations.drivers.events"
        """
    after = """\
        patch("app.integrations.schemas.loop_events.emit")
        importlib.import_module('app.integrations.schemas.loop_events')
        ENTRY = "app.integrations.schemas.loop_events:main"
        NOT_IT = "app.integrations.drivers.eventsource"
        PROSE = "see app.integrations.drivers.events for details"
        RAW = b"app.integrations.drivers.events"
        """
    assert move(before) == dedent(after)


def test_generated_code_importing_the_module_with_dunder_import_follows() -> None:
    # attrs compiles code that reaches its own module this way.
    renames = {"attr._make": "attr._impl.make"}
    before = """\
        hash_def = ", _cache_wrapper=__import__('attr._make')._make._CacheHashWrapper):"
        other = "__import__('attr.other').other"
        """
    after = """\
        hash_def = ", _cache_wrapper=__import__('attr._impl.make')._impl.make._CacheHashWrapper):"
        other = "__import__('attr.other').other"
        """
    assert move(before, module="attr._compat", renames=renames) == dedent(after)
    assert _rewrite_with_libcst(
        dedent(before), module="attr._compat", is_package=False, renames=renames
    ) == dedent(after)


def test_a_string_that_is_a_from_import_of_the_module_follows() -> None:
    # jinja2's compiler writes this import at the top of every compiled template: left as
    # it was, each template imports the old module (a shim's warning, or an ImportError).
    renames = {"jinja2.runtime": "jinja2.rendering.runtime"}
    before = """\
        self.writeline("from jinja2.runtime import " + ", ".join(exported_names))
        CODE = "    from jinja2.runtime import Context"
        ALIASED = "from jinja2.runtime import Context as C, Undefined"
        RUN = "from jinja2.runtime import Context; Context()"
        OTHER = "from jinja2.runtimes import x"
        DOC = "Use from jinja2.runtime import Context in your code"
        """
    after = """\
        self.writeline("from jinja2.rendering.runtime import " + ", ".join(exported_names))
        CODE = "    from jinja2.rendering.runtime import Context"
        ALIASED = "from jinja2.rendering.runtime import Context as C, Undefined"
        RUN = "from jinja2.runtime import Context; Context()"
        OTHER = "from jinja2.runtimes import x"
        DOC = "Use from jinja2.runtime import Context in your code"
        """
    assert move(before, module="jinja2.compiler", renames=renames) == dedent(after)
    assert _rewrite_with_libcst(
        dedent(before), module="jinja2.compiler", is_package=False, renames=renames
    ) == dedent(after)


def test_a_file_named_after_the_module_is_not_the_module() -> None:
    # black/schema.py reads the resource "black.schema.json": a file name, not the module
    # black.schema's `json` import. Moving the module leaves it (it is listed to review).
    renames = {"black.schema": "black.resources.schema"}
    before = """\
        FILE = "black.schema.json"
        STUB = "black.schema.pyi"
        ENTRY = "black.schema:get_schema"
        patch("black.schema.json.load")
        """
    after = """\
        FILE = "black.schema.json"
        STUB = "black.schema.pyi"
        ENTRY = "black.resources.schema:get_schema"
        patch("black.resources.schema.json.load")
        """
    assert move(before, module="black.files", renames=renames) == dedent(after)
    assert _rewrite_with_libcst(
        dedent(before), module="black.files", is_package=False, renames=renames
    ) == dedent(after)


def test_single_word_strings_are_never_rewritten() -> None:
    source = '__all__ = ["events"]\nKIND = "events"\n'
    assert move(source, renames={"events": "loop_events"}) == source


# --- nothing to do, twice, errors -------------------------------------------------------


def test_nothing_to_do_returns_the_very_same_source() -> None:
    source = dedent(
        """\
        from app.integrations.drivers import registry  # unrelated
        from ..drivers.eventsx import other
        import app.integrations.drivers.events_archive
        x = "app.integrations.drivers.eventsx"
        """
    )
    assert move(source) is source


def test_running_twice_changes_nothing_more() -> None:
    before = """\
        import app.integrations.drivers.events
        from app.integrations.drivers import events, registry
        from ..drivers.events import LoopEvent
        from app.integrations import drivers

        drivers.events.emit(app.integrations.drivers.events.LoopEvent())
        patch("app.integrations.drivers.events.emit")
        """
    once = move(before)
    assert move(once) == once
    assert "drivers.events" not in once


def test_new_name_inside_the_old_one_is_stable() -> None:
    renames = {"app.services": "app.services.legacy"}
    once = move("from app.services.mail import send\n", renames=renames)
    assert once == "from app.services.legacy.mail import send\n"
    assert move(once, renames=renames) == once


def test_unparseable_source_raises_a_parser_error_with_the_line() -> None:
    with pytest.raises(cst.ParserSyntaxError) as error:
        move("import os\ndef broken(:\n")
    assert error.value.raw_line == 2


def test_a_rename_that_is_not_a_dotted_name_is_refused() -> None:
    with pytest.raises(ValueError, match="not a dotted Python name"):
        move("import os\n", renames={"app/drivers/events.py": "app.x"})


# --- the prefilter ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "import app.integrations.drivers.events\n",
        "from . import events\n",
        "from .events import LoopEvent\n",
        "patch('app.integrations.drivers.events.emit')\n",
    ],
)
def test_prefilter_keeps_every_file_that_may_reference_the_module(source: str) -> None:
    assert may_reference(source, module="app.x", renames=EVENTS)


def test_prefilter_skips_files_that_cannot_reference_it() -> None:
    source = "from app.integrations.drivers import registry\nprevents = 1\n"
    assert not may_reference(source, module="app.x", renames=EVENTS)


def test_prefilter_keeps_the_moved_file_itself() -> None:
    module = "app.integrations.drivers.events"
    assert may_reference("from .registry import x\n", module=module, renames=EVENTS)


# --- as a LibCST codemod command ---------------------------------------------------------


class TestMoveModuleCommand(CodemodTest):
    TRANSFORM = MoveModuleCommand

    def test_rewrites_importers(self) -> None:
        before = """
            from ..drivers import events
            import app.integrations.drivers.events as ev
        """
        after = """
            from ..schemas import loop_events as events
            import app.integrations.schemas.loop_events as ev
        """
        context = CodemodContext(
            full_module_name="app.integrations.engines.pricing",
            full_package_name="app.integrations.engines",
        )
        self.assertCodemod(before, after, renames=EVENTS, context_override=context)

    def test_recognises_the_moved_file_by_its_old_module_name(self) -> None:
        before = """
            from .registry import lookup
        """
        after = """
            from ..drivers.registry import lookup
        """
        context = CodemodContext(
            full_module_name="app.integrations.drivers.events",
            full_package_name="app.integrations.drivers",
        )
        self.assertCodemod(before, after, renames=EVENTS, context_override=context)

    def test_nothing_to_do(self) -> None:
        code = """
            from .registry import lookup
        """
        context = CodemodContext(
            full_module_name="app.integrations.drivers.bridge",
            full_package_name="app.integrations.drivers",
        )
        self.assertCodemod(code, code, renames=EVENTS, context_override=context)


def test_runs_through_the_libcst_command_line(tmp_path: Path) -> None:
    drivers = tmp_path / "app" / "drivers"
    drivers.mkdir(parents=True)
    (drivers / "events.py").write_text("from .registry import lookup\n")
    (drivers / "__init__.py").write_text("from .events import LoopEvent\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "libcst.tool",
            "codemod",
            "-x",
            "codemods.move_module.MoveModuleCommand",
            "--no-format",
            "--hide-progress",
            "--rename",
            "app.drivers.events",
            "app.schemas.loop_events",
            "app",
        ],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (drivers / "__init__.py").read_text() == "from ..schemas.loop_events import LoopEvent\n"
    assert (drivers / "events.py").read_text() == "from ..drivers.registry import lookup\n"
