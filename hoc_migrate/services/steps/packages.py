"""New folders a step creates become packages, with a header for their folder's layer (where
the project keeps headers)."""

from __future__ import annotations

from hoc_migrate.core.modules import normalize_root
from hoc_migrate.services.step_context import PlanContext


def _inside_a_root(ctx: PlanContext, folder: str) -> bool:
    roots = {normalize_root(r) for r in ctx.source_roots}
    return folder not in roots and any(folder.startswith(r + "/") or not r for r in roots)


_NOTICE_WORDS = (b"copyright", b"license", b"spdx-")


def license_notice(source: bytes) -> bytes:
    """The leading comment lines of a module when they are a copyright or license notice
    (`# SPDX-License-Identifier: MIT`): a package created for it starts with them too, as
    every file of such a project does. A shebang or encoding line is not part of it."""
    lines = source.splitlines(keepends=True)
    notice: list[bytes] = []
    for line in lines:
        stripped = line.strip()
        if not stripped.startswith(b"#"):
            break
        if stripped.startswith(b"#!") or b"coding" in stripped[:40] and not notice:
            continue
        notice.append(line if line.endswith((b"\n", b"\r")) else line + b"\n")
    if not any(w in b"".join(notice).lower() for w in _NOTICE_WORDS):
        return b""
    return b"".join(notice) + b"\n"


def _strip_notice(source: bytes) -> bytes:
    """`source` without leading comment lines (and the blank line after them)."""
    lines = source.splitlines(keepends=True)
    start = 0
    while start < len(lines) and lines[start].startswith(b"#"):
        start += 1
    if start and start < len(lines) and not lines[start].strip():
        start += 1
    return b"".join(lines[start:])


def package_marker(ctx: PlanContext, folder: str, notice: bytes = b"") -> bytes:
    """The `__init__.py` hoc-migrate writes into a folder it creates."""
    path = f"{folder}/__init__.py"
    package = ctx.module_of(path) or folder
    source = notice + f'"""The {package} package."""\n'.encode()
    layer = ctx.topology.folder_layer(path) if ctx.topology.headers else None
    if layer:  # a header needs its layer; a folder without one gets none
        audience = ctx.topology.audience(path)
        source = ctx.codemods.set_header(
            source,
            path=path,
            layer=layer,
            description=ctx.topology.layer_description(layer),
            audience=audience,
        )
    return source


def create_packages(
    ctx: PlanContext, folders: list[str], regular_package: bool, notice: bytes = b""
) -> list[str]:
    """Give new folders an __init__.py when the code came from a regular package (starting
    with the moved code's license `notice`, if any). A folder whose `__init__.py` the step
    itself wrote (a module moved to `pkg/__init__.py`) keeps it."""
    if not regular_package:
        return []
    created = []
    for folder in folders:
        path = f"{folder}/__init__.py"
        if not _inside_a_root(ctx, folder) or ctx.tree.exists(path):
            continue
        ctx.tree.write(path, package_marker(ctx, folder, notice))
        created.append(path)
    return created


def remove_emptied_packages(ctx: PlanContext, folders: list[str]) -> list[str]:
    """Remove the `__init__.py` of folders (deepest first) that a move left holding nothing
    else, when it is exactly the one hoc-migrate creates: moving a module into a new folder
    and back, or a plan and its inverse, leave the tree as it was."""
    removed = []
    for folder in sorted(folders, key=lambda f: f.count("/"), reverse=True):
        path = f"{folder}/__init__.py"
        if not _inside_a_root(ctx, folder) or list(ctx.tree.iter_files(folder)) != [path]:
            break
        if _strip_notice(ctx.tree.read_bytes(path)) != _strip_notice(package_marker(ctx, folder)):
            break
        ctx.tree.delete(path)
        removed.append(path)
    return removed


def follow_marker(ctx: PlanContext, old_module: str, new_folder: str) -> str | None:
    """A package hoc-migrate created (its `__init__.py` only comment lines and the docstring
    `The <package> package.`) that a later step moves: the docstring names the new package.
    Returns the path rewritten, if any."""
    path = f"{new_folder}/__init__.py"
    if not ctx.tree.is_file(path):
        return None
    source = ctx.tree.read_bytes(path)
    old = f'"""The {old_module} package."""'.encode()
    code = [line.strip() for line in source.splitlines() if not line.lstrip().startswith(b"#")]
    if [line for line in code if line] != [old]:
        return None
    new_module = ctx.module_of(path) or new_folder
    ctx.tree.write(path, source.replace(old, f'"""The {new_module} package."""'.encode()))
    return path
