"""What a module holds (its data types, constants, functions, imports) and what that says of
its layer: a schema module (pure data), logic (an engine) or database work (a driver)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hoc_migrate.core.report import plural

SCHEMA = "schema"
ENGINE = "engine"
DRIVER = "driver"


@dataclass(frozen=True)
class ImportedNames:
    """One import as written: `from module import names` (level: leading dots), or
    `import module` (no names)."""

    module: str
    names: tuple[str, ...]
    level: int = 0
    type_checking: bool = False


@dataclass(frozen=True)
class ModuleShape:
    data_types: tuple[str, ...] = ()  # dataclasses, enums, NamedTuple / TypedDict classes
    classes: tuple[str, ...] = ()  # the other classes
    functions: tuple[str, ...] = ()  # top-level functions
    constants: tuple[str, ...] = ()  # top-level assignments
    data_members: int = 0  # fields, enum members and constants
    logic_statements: int = 0  # statements in functions and methods
    imports: tuple[ImportedNames, ...] = ()
    session_calls: bool = False  # `session.execute(...)` and the like

    @property
    def defines(self) -> frozenset[str]:
        """The names the module itself defines at the top level (not those it imports)."""
        return frozenset(self.data_types + self.classes + self.functions + self.constants)

    def imports_at_runtime(self, modules: Iterable[str]) -> list[str]:
        """The modules among `modules` (and their submodules) imported outside
        `if TYPE_CHECKING:`."""
        wanted = tuple(modules)
        return sorted(
            {
                i.module
                for i in self.imports
                if not i.type_checking
                and i.level == 0
                and any(i.module == m or i.module.startswith(m + ".") for m in wanted)
            }
        )

    def is_schema(self) -> bool:
        """Pure data: data types and constants, no other class, and less logic (statements in
        its functions and methods) than data (fields, members, constants)."""
        return (
            bool(self.data_types) and not self.classes and self.logic_statements < self.data_members
        )

    def describe(self) -> str:
        """The evidence, in one line: what it defines and how much logic it holds."""
        parts = [
            plural(len(self.data_types), "data type"),
            plural(len(self.constants), "constant"),
            plural(len(self.classes), "other class", "other classes"),
            plural(len(self.functions), "function"),
        ]
        return (
            f"{', '.join(parts)}; "
            f"{plural(self.data_members, 'field or member', 'fields and members')} against "
            f"{plural(self.logic_statements, 'statement')} of logic"
        )


def content_kind(shape: ModuleShape, database_work: bool) -> str:
    """What the content says the module is: a driver when it works with the database, a
    schema when it is pure data, an engine otherwise."""
    if database_work:
        return DRIVER
    return SCHEMA if shape.is_schema() else ENGINE
