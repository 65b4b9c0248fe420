"""New folders a step creates become packages, with a header for their folder's layer (where
the project keeps headers)."""

from __future__ import annotations

from hoc_migrate.services.step_context import PlanContext


def _inside_a_root(ctx: PlanContext, folder: str) -> bool:
    roots = {r.strip("/") for r in ctx.source_roots}
    return folder not in roots and any(folder.startswith(r + "/") or not r for r in roots)


def package_marker(ctx: PlanContext, folder: str) -> bytes:
    """The `__init__.py` hoc-migrate writes into a folder it creates."""
    path = f"{folder}/__init__.py"
    package = ctx.module_of(path) or folder
    source = f'"""The {package} package."""\n'.encode()
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


def create_packages(ctx: PlanContext, folders: list[str], regular_package: bool) -> list[str]:
    """Give new folders an __init__.py when the code came from a regular package."""
    if not regular_package:
        return []
    created = []
    for folder in folders:
        if not _inside_a_root(ctx, folder):
            continue
        path = f"{folder}/__init__.py"
        ctx.tree.write(path, package_marker(ctx, folder))
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
        if ctx.tree.read_bytes(path) != package_marker(ctx, folder):
            break
        ctx.tree.delete(path)
        removed.append(path)
    return removed
