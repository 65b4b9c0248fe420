"""A real package survives a move: every importer, in every form, still imports and works.

Each scenario writes the small `shop` package to tmp_path, proves its own tests pass, moves
files on disk the way the planner will, runs `rewrite_module_references` on every .py file,
then imports every module and runs the package's own tests in a fresh interpreter.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from textwrap import dedent

from codemods.move_module import rewrite_module_references

SHOP: dict[str, str] = {
    "shop/__init__.py": """\
        \"\"\"A tiny shop.\"\"\"

        from .billing.invoice import total

        __all__ = ["total"]
        """,
    "shop/util.py": """\
        def fmt(amount):
            return str(amount)
        """,
    "shop/billing/__init__.py": """\
        from . import invoice
        from .invoice import Invoice, total as total

        __all__ = ["Invoice", "invoice", "total"]
        """,
    "shop/billing/tax.py": """\
        def rate():
            return 2
        """,
    # The module every scenario moves.
    "shop/billing/invoice.py": """\
        \"\"\"Invoice maths.\"\"\"

        from . import tax
        from .tax import rate
        from ..util import fmt


        class Invoice:
            def __init__(self, amount):
                self.amount = amount

            def describe(self):
                return f"invoice of {self.amount}"


        def total(amount):
            return fmt(amount * rate())


        def total_via_module(amount):
            return fmt(amount * tax.rate())
        """,
    "shop/billing/sibling.py": """\
        from . import invoice
        from .invoice import total


        def order_total(amount):
            return invoice.total(amount) if total else None
        """,
    "shop/orders/__init__.py": "",
    "shop/orders/plain.py": """\
        import shop.billing.invoice


        def order_total(amount):
            return shop.billing.invoice.total(amount)


        def make(amount):
            return shop.billing.invoice.Invoice(amount)
        """,
    "shop/orders/aliased.py": """\
        import shop.billing.invoice as inv


        def order_total(amount):
            return inv.total(amount)


        def make(amount):
            return inv.Invoice(amount)
        """,
    "shop/orders/from_package.py": """\
        from shop.billing import invoice, tax  # both billing


        def order_total(amount):
            return invoice.total(amount) if tax.rate() else None


        def make(amount):
            return invoice.Invoice(amount)
        """,
    "shop/orders/from_module.py": """\
        from shop.billing.invoice import (
            Invoice,  # the record
            total,
        )


        def order_total(amount):
            return total(amount)


        def make(amount):
            return Invoice(amount)
        """,
    "shop/orders/star.py": """\
        from shop.billing.invoice import *


        def order_total(amount):
            return total(amount)
        """,
    "shop/orders/relative.py": """\
        from ..billing.invoice import Invoice, total
        from ..billing import invoice as invoice_module


        def order_total(amount):
            return total(amount) if invoice_module.total else None


        def make(amount):
            return Invoice(amount)
        """,
    "shop/orders/lazy.py": """\
        def order_total(amount):
            from ..billing.invoice import total  # lazy on purpose

            return total(amount)
        """,
    "shop/orders/typed.py": """\
        from __future__ import annotations

        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from shop.billing.invoice import Invoice


        def order_total(amount):
            from shop.billing import invoice

            return invoice.total(amount)


        def describe(record: Invoice) -> str:
            return record.describe()
        """,
    "shop/orders/dynamic.py": """\
        import importlib
        import pkgutil

        MODULE = "shop.billing.invoice"
        ENTRY = "shop.billing.invoice:total"


        def order_total(amount):
            return importlib.import_module(MODULE).total(amount)


        def entry_total(amount):
            return pkgutil.resolve_name(ENTRY)(amount)
        """,
    "shop/tests/__init__.py": "",
    "shop/tests/test_shop.py": """\
        import unittest
        from unittest import mock

        import shop
        from shop.billing import sibling
        from shop.orders import (
            aliased,
            dynamic,
            from_module,
            from_package,
            lazy,
            plain,
            relative,
            star,
            typed,
        )

        IMPORTERS = [aliased, from_module, from_package, lazy, plain, relative, star, typed, sibling]
        MAKERS = [aliased, from_module, from_package, plain, relative]


        class ShopTest(unittest.TestCase):
            def test_every_importer_totals(self):
                for module in IMPORTERS:
                    self.assertEqual(module.order_total(3), "6", module.__name__)

            def test_every_importer_makes_invoices(self):
                for module in MAKERS:
                    record = module.make(5)
                    self.assertEqual(typed.describe(record), "invoice of 5", module.__name__)

            def test_strings_name_the_module(self):
                self.assertEqual(dynamic.order_total(4), "8")
                self.assertEqual(dynamic.entry_total(4), "8")

            def test_patch_by_dotted_string(self):
                with mock.patch("shop.billing.invoice.rate", return_value=10):
                    self.assertEqual(plain.order_total(3), "30")
                with mock.patch("shop.billing.invoice.Invoice.describe", return_value="patched"):
                    self.assertEqual(plain.make(1).describe(), "patched")

            def test_reexports(self):
                self.assertEqual(shop.total(1), "2")
                for name in shop.__all__:
                    self.assertTrue(hasattr(shop, name), name)
                self.assertEqual(shop.billing.invoice.total_via_module(2), "4")
                for name in shop.billing.__all__:
                    self.assertTrue(hasattr(shop.billing, name), name)


        if __name__ == "__main__":
            unittest.main()
        """,
}


def write_tree(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text), encoding="utf-8")


def module_of(root: Path, path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(root).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    return ".".join(parts[:-1] if is_package else parts), is_package


def python_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def assert_package_works(root: Path) -> None:
    """Import every module, then run the shop's own tests, in a fresh interpreter."""
    modules = [module_of(root, p)[0] for p in python_files(root)]
    for command in (
        ["-c", "; ".join(f"import {m}" for m in modules)],
        ["-m", "unittest", "-q", "shop.tests.test_shop"],
    ):
        done = subprocess.run(
            [sys.executable, "-B", *command],
            cwd=root,
            env={"PYTHONPATH": str(root), "PATH": ""},
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr


def perform(
    root: Path,
    *,
    renames: Mapping[str, str],
    moves: Mapping[str, str] | None = None,
    names: Sequence[str] | None = None,
) -> dict[str, str]:
    """Move `moves` (old -> new path, files or folders) and rewrite every file; return the tree."""
    moves = moves or {}
    moved_paths = {(root / old).resolve(): (root / new) for old, new in moves.items()}
    for old, new in moved_paths.items():
        new.parent.mkdir(parents=True, exist_ok=True)
        old.rename(new)
    moved_from: dict[Path, str] = {}
    for old, new in moved_paths.items():
        for path in [new] if new.is_file() else python_files(new):
            moved_from[path] = module_of(root, old / path.relative_to(new))[0]
    for path in python_files(root):
        module, is_package = module_of(root, path)
        source = path.read_text(encoding="utf-8")
        result = rewrite_module_references(
            source,
            module=module,
            is_package=is_package,
            renames=renames,
            names=names,
            moved_from=moved_from.get(path),
        )
        path.write_text(result, encoding="utf-8")
    return {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in python_files(root)}


def test_module_move_keeps_the_package_working(tmp_path: Path) -> None:
    write_tree(tmp_path, SHOP)
    assert_package_works(tmp_path)

    # Renamed, and into a package that does not exist yet.
    (tmp_path / "shop" / "billing" / "core").mkdir()
    (tmp_path / "shop" / "billing" / "core" / "__init__.py").write_text("")
    tree = perform(
        tmp_path,
        renames={"shop.billing.invoice": "shop.billing.core.invoice_calc"},
        moves={"shop/billing/invoice.py": "shop/billing/core/invoice_calc.py"},
    )

    assert_package_works(tmp_path)
    leftovers = ("billing.invoice", "billing import invoice", "from . import invoice", ".invoice ")
    assert not any(old in text for old in leftovers for text in tree.values())
    assert tree["shop/billing/core/invoice_calc.py"].startswith(
        '"""Invoice maths."""\n\nfrom .. import tax\nfrom ..tax import rate\n'
        "from ...util import fmt\n"
    )
    assert tree["shop/billing/__init__.py"] == dedent(
        """\
        from .core import invoice_calc as invoice
        from .core.invoice_calc import Invoice, total as total

        __all__ = ["Invoice", "invoice", "total"]
        """
    )
    assert tree["shop/orders/from_package.py"].startswith(
        "from shop.billing import tax  # both billing\n"
        "from shop.billing.core import invoice_calc as invoice\n"
    )


def test_package_move_keeps_the_package_working(tmp_path: Path) -> None:
    write_tree(tmp_path, SHOP)
    (tmp_path / "shop" / "finance").mkdir()
    (tmp_path / "shop" / "finance" / "__init__.py").write_text("")

    tree = perform(
        tmp_path,
        renames={"shop.billing": "shop.finance.ledger"},
        moves={"shop/billing": "shop/finance/ledger"},
    )

    assert_package_works(tmp_path)
    assert not any("billing" in text.replace("# both billing", "") for text in tree.values())
    assert "from .finance.ledger.invoice import total\n" in tree["shop/__init__.py"]
    # Inside the moved package nothing changes; imports leaving it climb one level more.
    invoice = tree["shop/finance/ledger/invoice.py"]
    assert "from . import tax\nfrom .tax import rate\nfrom ...util import fmt\n" in invoice


def test_rewrite_import_of_extracted_names_keeps_the_package_working(tmp_path: Path) -> None:
    write_tree(tmp_path, SHOP)
    # What extract_schema does to the files: Invoice moves to shop/models/records.py.
    invoice = tmp_path / "shop" / "billing" / "invoice.py"
    source = invoice.read_text()
    start, end = source.index("class Invoice:"), source.index("def total(")
    (tmp_path / "shop" / "models").mkdir()
    (tmp_path / "shop" / "models" / "__init__.py").write_text("")
    (tmp_path / "shop" / "models" / "records.py").write_text(source[start:end].rstrip() + "\n")
    invoice.write_text(source[:start] + source[end:])

    tree = perform(
        tmp_path,
        renames={"shop.billing.invoice": "shop.models.records"},
        names=["Invoice"],
    )

    assert_package_works(tmp_path)
    assert tree["shop/orders/from_module.py"].startswith(
        dedent(
            """\
            from shop.billing.invoice import (
                total,
            )
            from shop.models.records import (
                Invoice,  # the record
            )
            """
        )
    )
    assert "from ..models.records import Invoice\n" in tree["shop/billing/__init__.py"]
    assert 'mock.patch("shop.models.records.Invoice.describe"' in tree["shop/tests/test_shop.py"]
    assert "invoice.Invoice" not in "".join(tree.values())
