"""Point every reference from one module path to another, without moving any file.

Submodules of `old` follow (`old.sub` -> `new.sub`). With `names`, only those definitions
move: `from old import X, Y` with X named becomes `from old import Y` + `from new import X`,
`old.X` through an imported `old` becomes `new.X`, and `"old.X"` strings follow.

    python -m libcst.tool codemod -x codemods.rewrite_import.RewriteImportCommand --no-format \\
        --old app.services.connectors --new app.hoc.cus.integrations.drivers.connectors \\
        [--name ConnectorClient ...] <files or folders>
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import libcst as cst
from libcst.codemod import CodemodCommand, CodemodContext

from codemods._dotted import Renames
from codemods._references import (
    context_is_package,
    file_place,
    may_reference,
    rewrite_module_references,
    rewrite_tree,
)

__all__ = ["RewriteImportCommand", "may_reference", "rewrite_imports", "rewrite_module_references"]


class RewriteImportCommand(CodemodCommand):
    DESCRIPTION = (
        "Rewrite references from one module path to another (optionally only named "
        "definitions), keeping relative imports, aliases and bound names."
    )

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument("--old", required=True, help="Dotted module path to replace.")
        arg_parser.add_argument("--new", required=True, help="Dotted module path to use instead.")
        arg_parser.add_argument(
            "--name",
            dest="names",
            action="append",
            default=None,
            help="Only this definition of OLD moves to NEW (repeatable).",
        )

    def __init__(
        self,
        context: CodemodContext,
        old: str,
        new: str,
        names: Sequence[str] | None = None,
    ) -> None:
        super().__init__(context)
        self.old = old
        self.new = new
        self.names = None if names is None else list(names)
        self._renames = Renames({old: new}, self.names)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        place = file_place(
            self.context.full_module_name, context_is_package(self.context), self._renames, None
        )
        result, warnings = rewrite_tree(tree, self._renames, place)
        for warning in warnings:
            self.warn(warning)
        return result


def rewrite_imports(
    source: str,
    *,
    module: str,
    is_package: bool,
    old: str,
    new: str,
    names: Sequence[str] | None = None,
) -> str:
    """`rewrite_module_references` for one `old` -> `new` rewrite (no file moves)."""
    return rewrite_module_references(
        source, module=module, is_package=is_package, renames={old: new}, names=names
    )
