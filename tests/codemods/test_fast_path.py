"""The fast path (`ast` + text splices) gives exactly the LibCST path's bytes, or declines.

Every comparison runs both: `fast_rewrite` (None when it cannot prove its output) and
`_rewrite_with_libcst` (the reference). Where the fast path answers, the answers must be
equal byte for byte. Separate tests show it does answer for the common forms, so that the
equality is not vacuous.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from textwrap import dedent

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from codemods._fast_path import fast_rewrite
from codemods._references import _rewrite_with_libcst, rewrite_module_references
from hoc_migrate.adapters import codemod_runner
from hoc_migrate.adapters.codemod_runner import LibcstCodemods
from hoc_migrate.core.errors import SourceParseError
from hoc_migrate.ports import ReferenceFile
from hoc_migrate.services.migration import compute, prepare_migration
from tests.codemods.test_import_matrix import SHOP


def both(
    source: str,
    *,
    module: str,
    is_package: bool = False,
    renames: Mapping[str, str],
    names: Sequence[str] | None = None,
    moved_from: str | None = None,
) -> tuple[str | None, str]:
    """(fast path result or None, LibCST result); fails if they differ."""
    kwargs = dict(module=module, is_package=is_package, renames=renames, names=names)
    fast = fast_rewrite(source, moved_from=moved_from, **kwargs)  # type: ignore[arg-type]
    warnings: list[str] = []
    try:
        slow = _rewrite_with_libcst(source, moved_from=moved_from, warnings=warnings, **kwargs)  # type: ignore[arg-type]
    except Exception:
        # Whatever LibCST refuses (a parse error, a node it cannot print) the fast path
        # must decline too, so that callers see the same error.
        assert fast is None, f"fast path answered where LibCST raises:\n{source}"
        raise
    if fast is not None:
        assert fast == slow, f"fast path differs on:\n{source}"
        assert (fast is source) == (slow is source)
        assert warnings == []
    return fast, slow


# --- the import-form matrix: every file of the shop package, every scenario ---------------

SCENARIOS = [
    ({"shop.billing.invoice": "shop.billing.core.invoice_calc"}, None),
    ({"shop.billing.invoice": "shop.ledger"}, None),
    ({"shop.billing.invoice": "shop.billing.invoice2"}, None),
    ({"shop.billing": "shop.finance.ledger"}, None),
    ({"shop.billing.invoice": "shop.models.records"}, ["Invoice"]),
    ({"shop.billing.invoice": "records"}, None),
]


def shop_files() -> list[tuple[str, str, bool]]:
    out = []
    for path, text in SHOP.items():
        parts = path[: -len(".py")].split("/")
        is_package = parts[-1] == "__init__"
        module = ".".join(parts[:-1] if is_package else parts)
        out.append((dedent(text), module, is_package))
    return out


@pytest.mark.parametrize(("renames", "names"), SCENARIOS)
def test_every_file_of_the_import_matrix_gives_the_same_bytes(
    renames: dict[str, str], names: list[str] | None
) -> None:
    for source, module, is_package in shop_files():
        both(source, module=module, is_package=is_package, renames=renames, names=names)
        for ending in ("\r\n", "\r"):
            crlf = source.replace("\n", ending)
            both(crlf, module=module, is_package=is_package, renames=renames, names=names)


def test_the_fast_path_takes_most_files_of_the_matrix() -> None:
    renames = {"shop.billing.invoice": "shop.billing.core.invoice_calc"}
    files = shop_files()
    taken = [
        module
        for source, module, is_package in files
        if both(source, module=module, is_package=is_package, renames=renames)[0] is not None
    ]
    # Declined: `from . import invoice` next to other names (splits), `from shop.billing
    # import invoice, tax` (splits), `from .invoice import Invoice, total as total` stays
    # fast; the moved module itself is not in this loop.
    assert len(taken) >= len(files) - 3, sorted({m for _s, m, _p in files} - set(taken))


# --- forms, one by one: the fast path answers, and equals LibCST ----------------------------

RENAMES = {"app.core.target": "app.schemas.target"}
MODULE = "app.pkg.user"

FAST_FORMS = [
    "import app.core.target\n\napp.core.target.compute(1)\n",
    "import app.core.target as t  # the target\n\nt.compute(1)\n",
    "from app.core import target\n\ntarget.compute(1)\n",
    "from app.core import target as tg\n",
    "from app.core.target import Record, compute as c\n",
    "from app.core.target import (  # noqa: F401\n    Record,  # the main one\n    compute,\n)\n",
    "from app.core.target import *\n",
    "from ..core import target\n",
    "from ..core.target import compute\n",
    "from  ..core.target  import  compute\n",
    "import os; import app.core.target; x = app.core.target.f\n",
    "if TYPE_CHECKING:\n    from app.core.target import Record\n",
    "def f():\n    from ..core import target  # lazy\n\n    return target.compute(1)\n",
    "class C:\n    def m(self):\n        import app.core.target\n        return app.core.target.x\n",
    'patch("app.core.target.compute")\nENTRY = \'app.core.target:main\'\nX = """app.core.target"""\n',
    'NOT = "see app.core.target"\nRAW = b"app.core.target"\nESC = "app.core.target\\n"\n',
    "import app.core.target\n\n(app.core.target).f, ( app . core . target ).g\n",
    "import app.core.target\n\nx = (app.core\n     .target.compute)\n",
    "import app.core.target\r\n\r\napp.core.target.compute(1)\r\n",
    "import app.core\n\napp.core.target.compute(1)\nimport app.core.target\n",
    "# comment about app.core.target\nimport json  # app.core.target\n",
    "from app.core.target import Record\n\n\n@Record.wrap\ndef f(x: 'app.core.target.Record' = 1): ...\n",
    "x = '—'  # non-ASCII, NFKC-normal\nimport app.core.target\n",
    "import app.core.target as t\n\nprint(f'total {x}', t.compute(1))\n",
]


@pytest.mark.parametrize("source", FAST_FORMS)
def test_common_forms_take_the_fast_path_and_equal_libcst(source: str) -> None:
    fast, slow = both(source, module=MODULE, renames=RENAMES)
    assert fast is not None
    assert fast == slow


DECLINED_FORMS = [
    "from app.core import target, helpers\n",  # splits
    "from app import core\n\ncore.target.compute(1)\n",  # needs an added import
    "import app.core.target\napp = 1\napp.core.target.f\n",  # the root is taken: an alias
    "try:\n    from app import core\nexcept ImportError:\n    from app.old import core\n"
    "core.target.x\n",  # ambiguous: LibCST warns
    "from app.core.target \\\n    import Record\n",  # a continuation in the import
    "import app . core . target\n",  # spaces inside the dotted name
    "X = 'app.core.target' 'x'\n",  # implicit concatenation
    "X = f'{app.core.target}'\nimport app.core.target\n",  # f-string mentioning the module
    "import app.core.target\ndef broken(:\n",  # LibCST reports the error
    "ﬁle = 1\nimport app.core.target\n",  # NFKC would change an identifier
    # Layouts LibCST does not print back as they were (its output is not a splice):
    "import app.core.target\n\x0cx = app.core.target.z\n",  # a form feed
    "import app.core.target\rx = app.core.target.z\r",  # lone CR line breaks
    "\\\nimport app.core.target\n",  # a line holding only a backslash
    "import app.core.target\n\n    # an indented comment after the last statement\n",
    "import app.core.target\n   \n",  # spaces on a line after the last statement
]


@pytest.mark.parametrize("source", DECLINED_FORMS)
def test_unusual_forms_are_left_to_libcst(source: str) -> None:
    fast = fast_rewrite(source, module=MODULE, is_package=False, renames=RENAMES)
    assert fast is None


def test_the_moved_module_itself_is_left_to_libcst() -> None:
    source = "from .helpers import scale\n"
    assert (
        fast_rewrite(
            source,
            module="app.schemas.target",
            is_package=False,
            renames=RENAMES,
            moved_from="app.core.target",
        )
        is None
    )
    assert rewrite_module_references(
        source,
        module="app.schemas.target",
        is_package=False,
        renames=RENAMES,
        moved_from="app.core.target",
    ) == ("from ..core.helpers import scale\n")


def test_nothing_to_do_returns_the_same_object() -> None:
    source = "import app.core.helpers\nx = 'app.core.targets'\n"
    assert fast_rewrite(source, module=MODULE, is_package=False, renames=RENAMES) is source


def test_invalid_rename_still_raises_through_the_public_function() -> None:
    with pytest.raises(ValueError, match="not a dotted Python name"):
        rewrite_module_references(
            "import os\n", module=MODULE, is_package=False, renames={"a/b.py": "c"}
        )


# --- generated sources --------------------------------------------------------------------

ROOT_NAMES = ["app", "core", "target", "t", "tg", "lib", "schemas", "Record", "helpers"]

IMPORTS = [
    "import app.core.target",
    "import app.core.target as {name}",
    "import app.core",
    "import app",
    "import app.core.helpers",
    "import app.schemas.target",
    "import lib.target",
    "from app.core import target",
    "from app.core import target as {name}",
    "from app.core import target, helpers",
    "from app.core import helpers, target as {name}",
    "from app.core.target import Record, compute",
    "from app.core.target import Record as {name}",
    "from app.core.target import compute as Record",
    "from app.core.target import (\n    Record,  # the record\n    compute,\n)",
    "from app.core.target import (Record,\n                              compute)",
    "from app.core.target import *",
    "from app.core.helpers import *",
    "from app import core",
    "from app import core as {name}",
    "from ..core import target",
    "from ..core import target as {name}",
    "from ..core.target import compute",
    "from ..core.target import Record as {name}",
    "from .. import core",
    "from . import target",
    "from .target import Record",
    "from . import helpers",
    "from ...x import y",
    "from  app.core.target  import  Record",
    "from  ..core  import  target",
    "import  app.core.target  as  {name}",
    "from app.core . target import Record",
    "from app.core.target \\\n    import Record",
    "import os; import app.core.target",
    "from app.core.target import Record; x = 1",
    "from .import target",
    "from.core import target",
    "from __future__ import annotations",
]

USES = [
    "{root}.compute(1)",
    "{root}.target.compute(1)",
    "{root}.core.target.compute(1)",
    "{root}.Record",
    "({root}).compute",
    "( {root} ).core . target .x",
    "x = ({root}\n    .core  # why\n    .target.compute)",
    "x = {root}.core \\\n    .target.compute",
    "{root} = None",
    "del {root}",
    "for {root} in []: pass",
    "lambda {root}: {root}.target",
    "[{root} for {root} in ()]",
    "(y := {root}.target)",
    "print({root}.target.Record.x, {root}[0].target)",
    "@{root}.target.deco\ndef g({root}=app.core.target): return {root}",
    '"app.core.target"',
    "'app.core.target.compute'",
    '"app.core.target:compute"',
    '"app.core:target"',
    '"app.core:target.compute"',
    '"""app.core.target"""',
    "r'app.core.target'",
    "u'app.core.target.Record'",
    "b'app.core.target'",
    "'app.core.target\\x2e'",
    "'app.core.target' 'x'",
    "'app.core' '.target'",
    "('app.core.target'\n 'x')",
    "f'app.core.target'",
    "f'{{{root}.target}}'",
    "f'{{x!r:>{{w}}}} {root} at{root}'",
    "f'{{(app := 1)}}'",
    "f'{{x}}' 'app.core.target'",
    "'see app.core.target'",
    "'app.core.targets'",
    "'app.core.target.legacy'",
    "# app.core.target in a comment",
    "x = 1  # {root}.target",
    "'—' + {root}.target.x",
    "X: 'app.core.target.Record' = {root}.target",
    "global {root}",
    "try:\n    pass\nexcept E as {root}:\n    pass",
    "with open() as {root}: {root}.target",
    "match x:\n    case app.core.target.K: pass\n    case {{'k': {root}}}: pass",
]

CONTEXTS = [
    "{body}",
    "def f():\n{indented}",
    "async def f():\n{indented}",
    "class C:\n{indented}",
    "class C:\n    def m(self):\n{indented2}",
    "if TYPE_CHECKING:\n{indented}",
    "try:\n{indented}\nexcept ImportError:\n    pass",
    "if x:\n    pass\nelif y:\n{indented}\nelse:\n{indented}",
    "@decorate\ndef f():\n{indented}",
    "def f():\n    def g():\n{indented2}\n    return g",
    "if x: {oneline}",
]

# (renames, names): module moves, renames in place, package moves, definitions (names mode)
SETUPS = [
    ({"app.core.target": "app.schemas.target"}, None),
    ({"app.core.target": "app.core.loop_target"}, None),
    ({"app.core.target": "lib.target"}, None),
    ({"app.core.target": "target2"}, None),
    ({"app.core": "app.engine.core"}, None),
    ({"app.core": "app.core.legacy"}, None),
    ({"app": "platform.app"}, None),
    ({"app.core.target": "app.schemas.records"}, ["Record"]),
    ({"app.core.target": "app.schemas.records"}, ["Record", "compute"]),
    ({"app.core.target": "app.schemas.target", "app.core.helpers": "app.util.helpers"}, None),
]
PLACES = [
    ("app.pkg.user", False),
    ("app.core.sibling", False),
    ("app.core", True),
    ("app", True),
    ("app.pkg.sub.deep", False),
    ("", False),
    ("top", False),
]


def _indent(text: str, levels: int) -> str:
    pad = "    " * levels
    return "\n".join(pad + line if line else line for line in text.split("\n"))


@st.composite
def fragments(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            template = draw(st.sampled_from(IMPORTS))
        else:
            template = draw(st.sampled_from(USES))
        lines.append(
            template.format(
                name=draw(st.sampled_from(ROOT_NAMES)), root=draw(st.sampled_from(ROOT_NAMES))
            )
        )
    body = "\n".join(lines)
    context = draw(st.sampled_from(CONTEXTS))
    return context.format(
        body=body,
        indented=_indent(body, 1),
        indented2=_indent(body, 2),
        oneline=lines[0] if "\n" not in lines[0] else "pass",
    )


@st.composite
def sources(draw: st.DrawFn) -> str:
    parts = draw(st.lists(fragments(), min_size=1, max_size=6))
    separator = draw(
        st.sampled_from(["\n", "\n\n", "\n# note\n", "\n   \n", "\n  # indented\n", "\n\\\n"])
    )
    text = separator.join(parts) + draw(
        st.sampled_from(["\n", "", "\n\n", "\n   \n", "\n    # trailing\n", "\n\t\n\n  "])
    )
    ending = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    return text.replace("\n", ending)


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    source=sources(),
    setup=st.sampled_from(SETUPS),
    place=st.sampled_from(PLACES),
)
@example(
    source="import app.core.target\n\napp.core.target.compute(1)\n",
    setup=SETUPS[0],
    place=PLACES[0],
)
def test_generated_sources_give_the_same_bytes_on_both_paths(
    source: str,
    setup: tuple[dict[str, str], list[str] | None],
    place: tuple[str, bool],
) -> None:
    renames, names = setup
    module, is_package = place
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(source)
    except SyntaxError:
        assume(False)
    try:
        both(source, module=module, is_package=is_package, renames=renames, names=names)
    except AssertionError:
        raise
    except Exception:
        pass  # LibCST itself refused the source (and the fast path declined: checked)


# --- the batch behind the planner: many files at once, in a process pool ----------------


def _importer(index: int) -> bytes:
    forms = [
        "from ..core.target import compute\n",
        "import app.core.target as t\n",
        "from app.core import target  # moved\n",
        "from app.core import target, helpers\n",  # LibCST path (splits)
    ]
    return (forms[index % len(forms)] + f"\n\ndef f{index}():\n    return 1\n").encode()


@pytest.fixture
def pool_for_small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use the pool from 8 files per worker, with two workers, where fork is safe."""
    if codemod_runner._fork_context() is None:
        pytest.skip("no fork here (or other threads run): the batch runs in-process")
    monkeypatch.setattr(codemod_runner, "PARALLEL_THRESHOLD", 8)
    monkeypatch.setattr(codemod_runner, "_usable_cores", lambda: 2)


def test_the_pool_returns_every_file_in_order_as_one_by_one(
    pool_for_small_batches: None,
) -> None:
    files = [
        ReferenceFile(f"app/pkg/m{i:03}.py", _importer(i), f"app.pkg.m{i:03}", False)
        for i in range(150)
    ]
    codemods = LibcstCodemods()
    one_by_one = [
        codemods.rewrite_references(
            f.source, path=f.path, module=f.module, is_package=False, renames=RENAMES
        )
        for f in files
    ]
    batch = codemods.rewrite_references_batch(files, renames=RENAMES)
    assert batch == one_by_one
    assert batch[0] == b"from ..schemas.target import compute\n\n\ndef f0():\n    return 1\n"
    assert batch[3].startswith(b"from app.core import helpers\nfrom app.schemas import target\n")


def test_the_pool_raises_the_first_broken_file_with_its_line(
    pool_for_small_batches: None,
) -> None:
    files = [
        ReferenceFile(f"app/pkg/m{i:03}.py", _importer(i), f"app.pkg.m{i:03}", False)
        for i in range(150)
    ]
    for broken in (97, 41):
        files[broken] = ReferenceFile(
            files[broken].path, b"import app.core.target\n\ndef broken(:\n", "app.pkg.x", False
        )
    with pytest.raises(SourceParseError) as error:
        LibcstCodemods().rewrite_references_batch(files, renames=RENAMES)
    assert error.value.summary == "app/pkg/m041.py:3: does not parse"
    assert [(p.file, p.line) for p in error.value.problems] == [("app/pkg/m041.py", 3)]


def test_a_plan_rewrites_every_importer_through_the_batch(
    tmp_path: Path, pool_for_small_batches: None
) -> None:
    """The planner's loop: source root '.', a hundred importers, the pool, the results."""
    tree = {
        "app/__init__.py": "",
        "app/core/__init__.py": "",
        "app/core/target.py": "from .helpers import scale\n",
        "app/core/helpers.py": "def scale(x):\n    return x\n",
        "app/schemas/__init__.py": "",
        "app/pkg/__init__.py": "",
        "app/pkg/unrelated.py": "import json\n",
    }
    for i in range(100):
        tree[f"app/pkg/m{i:03}.py"] = _importer(i).decode()
    for name, text in tree.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "name: t\nsource_roots: ['.']\nsteps:\n"
        "  - move: {from: app/core/target.py, to: app/schemas/target.py}\n"
    )

    result = compute(prepare_migration(plan, tmp_path))

    modified = [c.path for c in result.changes.modified]
    assert modified == [f"app/pkg/m{i:03}.py" for i in range(100)]
    after = {c.path: c.after for c in result.changes.changes}
    assert after["app/pkg/m001.py"] == _importer(1).replace(b"app.core", b"app.schemas")
    assert after["app/schemas/target.py"] == b"from ..core.helpers import scale\n"
