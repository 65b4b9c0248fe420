"""New folders a step creates become packages, with a header for their folder's layer."""

from __future__ import annotations

from hoc_migrate.services.step_context import PlanContext


def create_packages(ctx: PlanContext, folders: list[str], regular_package: bool) -> list[str]:
    """Give new folders an __init__.py when the code came from a regular package."""
    if not regular_package:
        return []
    created = []
    roots = {r.strip("/") for r in ctx.source_roots}
    for folder in folders:
        if folder in roots or not any(folder.startswith(r + "/") or not r for r in roots):
            continue
        path = f"{folder}/__init__.py"
        package = ctx.module_of(path) or folder
        source = f'"""The {package} package."""\n'.encode()
        layer = ctx.topology.folder_layer(path)
        if layer:  # a header needs its layer; a folder without one gets none
            audience = ctx.topology.audience(path)
            source = ctx.codemods.set_header(source, path=path, layer=layer, audience=audience)
        ctx.tree.write(path, source)
        created.append(path)
    return created
