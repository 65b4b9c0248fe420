"""Move a module or a whole package: rewrite every reference to it, in the file's own style.

The file move itself is the caller's job; this rewrites one file's source. Run it on every
file under the source roots, passing `moved_from` for the moved file(s) themselves.

    python -m libcst.tool codemod -x codemods.move_module.MoveModuleCommand --no-format \\
        --rename app.drivers.events app.schemas.loop_events  <files or folders>

From the command line, run it from the source root before moving the files: the file whose
module is being moved is recognised by its (old) path and its relative imports re-based.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping, Sequence

import libcst as cst
from libcst.codemod import CodemodCommand, CodemodContext

from codemods._dotted import Renames, is_within
from codemods._references import (
    context_is_package,
    file_place,
    may_reference,
    rewrite_module_references,
    rewrite_tree,
)

__all__ = ["MoveModuleCommand", "may_reference", "rewrite_module_references"]


class MoveModuleCommand(CodemodCommand):
    DESCRIPTION = (
        "Rewrite every reference to moved modules or packages (imports of every form, "
        "attribute chains, dotted-path strings), keeping relative imports and aliases."
    )

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--rename",
            dest="renames",
            metavar=("OLD", "NEW"),
            nargs=2,
            action="append",
            required=True,
            help="Dotted module or package path before and after the move (repeatable).",
        )

    def __init__(
        self,
        context: CodemodContext,
        renames: Mapping[str, str] | Iterable[Sequence[str]],
        moved_from: str | None = None,
    ) -> None:
        super().__init__(context)
        # The command line gives [[old, new], ...]; Python callers a mapping.
        pairs = renames.items() if isinstance(renames, Mapping) else renames
        self.renames = {old: new for old, new in pairs}
        self._rename_map = Renames(self.renames)
        module = context.full_module_name
        if moved_from is None and module and any(is_within(module, old) for old in self.renames):
            # Command line: a file still at a moved module's old path is that module.
            moved_from = module
        self.moved_from = moved_from

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        place = file_place(
            self.context.full_module_name,
            context_is_package(self.context),
            self._rename_map,
            self.moved_from,
        )
        result, warnings = rewrite_tree(tree, self._rename_map, place)
        for warning in warnings:
            self.warn(warning)
        return result
