"""Where a module of a given kind belongs: the schema, engine or driver folder of its unit (the
folder that holds its layer folder: a domain, or a sub-domain like `vault/`), and its name."""

from __future__ import annotations

from hoc_migrate.core.layers.topology import Topology
from hoc_migrate.core.module_shape import DRIVER, ENGINE, SCHEMA
from hoc_migrate.core.paths import parent

#: Folder names of each kind, in the two HOC generations (first: V1's).
KIND_FOLDERS = {
    SCHEMA: ("schemas", "L5_schemas"),
    ENGINE: ("engines", "L5_engines"),
    DRIVER: ("drivers", "L6_drivers"),
}
#: The suffix a file of each kind is named with (the HOC naming rule); a schema keeps its name.
KIND_SUFFIX = {ENGINE: "_engine", DRIVER: "_driver", SCHEMA: ""}
_ROLE_SUFFIXES = ("_service", "_engine", "_driver")


class Placement:
    def __init__(self, topology: Topology, folders: frozenset[str]) -> None:
        self.topology = topology
        self.folders = folders
        self._numbered: bool | None = None

    def unit(self, path: str) -> str | None:
        """The folder holding the file's layer folder (`.../integrations` for
        `.../integrations/drivers/x.py`); None outside the layer folders."""
        folder, _layer = self.topology.layer_folder(path)
        return parent(folder) if folder else None

    def kind_folder(self, path: str, kind: str) -> str | None:
        """The folder of `kind` in the file's unit: the one that exists, else the one named in
        the style of the file's own folder (`L6_drivers` -> `L5_engines`)."""
        unit = self.unit(path)
        if unit is None:
            return None
        names = KIND_FOLDERS[kind]
        for name in names:
            if f"{unit}/{name}" in self.folders:
                return f"{unit}/{name}"
        return f"{unit}/{names[1] if self.numbered_style else names[0]}"

    @property
    def numbered_style(self) -> bool:
        """Whether the tree names its layer folders `L5_engines/` (the second HOC generation)
        more often than `engines/`."""
        if self._numbered is None:
            numbered = plain = 0
            for folder in self.folders:
                last = folder.rsplit("/", 1)[-1]
                numbered += last in (KIND_FOLDERS[k][1] for k in KIND_FOLDERS)
                plain += last in (KIND_FOLDERS[k][0] for k in KIND_FOLDERS)
            self._numbered = numbered > plain
        return self._numbered

    def kind_layer(self, path: str, kind: str) -> str | None:
        """The layer the kind's folder has in the topology (a driver folder: L6)."""
        folder = self.kind_folder(path, kind)
        return self.topology.folder_layer(f"{folder}/module.py") if folder else None

    def destination(self, path: str, kind: str) -> str | None:
        """Where a module of `kind` belongs, named by the kind (`x_engine.py`); None when the
        file has no unit."""
        folder = self.kind_folder(path, kind)
        return f"{folder}/{kind_name(path, kind)}" if folder else None


def stem(path: str) -> str:
    """The file's name without `.py` and without a role suffix (`_service`, `_engine`, ...)."""
    name = path.rsplit("/", 1)[-1].removesuffix(".py")
    for suffix in _ROLE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def kind_name(path: str, kind: str) -> str:
    """The file name of the module as a `kind` (a schema keeps its own name)."""
    if kind == SCHEMA:
        name = path.rsplit("/", 1)[-1]
        return name if not name.endswith("_service.py") else f"{stem(path)}.py"
    return f"{stem(path)}{KIND_SUFFIX[kind]}.py"
