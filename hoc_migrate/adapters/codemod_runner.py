"""The LibCST codemods behind the SourceCodemods port.

Sources arrive as bytes; they are decoded as Python would (PEP 263 cookie, BOM) and encoded
back the same way, so encoding, BOM and line endings survive. LibCST parse errors and codemod
refusals become errors naming the file and line.

Many files to rewrite at once (a module nearly everything imports) go to a pool of forked
processes, one per core, only above `PARALLEL_THRESHOLD` files per worker: a pool costs
tens of milliseconds to start and to feed.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import NamedTuple

from codemods import _header, extract_schema, split_hybrid
from codemods._docs import rewrite_docs
from codemods._references import (
    may_reference,
    relative_imports_change,
    rewrite_module_references,
)
from hoc_migrate.adapters.codemod_errors import reported
from hoc_migrate.adapters.config_refs import ConfigRenames, rewrite_config
from hoc_migrate.adapters.source_text import decode_source, encode_source
from hoc_migrate.core.errors import HocMigrateError
from hoc_migrate.ports import Extraction, ReferenceFile, Split

#: Fewer candidate files than this are rewritten in this process (no pool to start).
PARALLEL_THRESHOLD = 64
#: Fewest files per task sent to a worker (there are a few tasks per worker, so that
#: files the fast path leaves to LibCST, ten times slower, still spread evenly).
_MIN_CHUNK = 16


class LibcstCodemods:
    def may_reference(self, source: bytes, *, renames: Mapping[str, str]) -> bool:
        # A byte-level test first: most files of a large tree never mention the module.
        needles = {old.rpartition(".")[2].encode() for old in renames}
        if not any(n in source for n in needles):
            return False
        try:
            text, _ = decode_source(source)
        except (UnicodeDecodeError, SyntaxError):
            return True  # let the rewrite report it with its line
        return may_reference(text, module=None, renames=renames)

    def rewrite_references(
        self,
        source: bytes,
        *,
        path: str,
        module: str,
        is_package: bool,
        renames: Mapping[str, str],
        names: Sequence[str] | None = None,
        moved_from: str | None = None,
        relative: str = "keep",
        protected: frozenset[str] = frozenset(),
        was_package: bool | None = None,
        shadowed: frozenset[str] = frozenset(),
    ) -> bytes:
        with reported(path, source):
            text, encoding = decode_source(source)
            result = rewrite_module_references(
                text,
                module=module,
                is_package=is_package,
                renames=renames,
                names=names,
                moved_from=moved_from,
                relative=relative,
                protected=protected,
                was_package=was_package,
                shadowed=shadowed,
            )
            return source if result == text else encode_source(result, encoding)

    def relative_imports_change(
        self,
        source: bytes,
        *,
        old_module: str,
        new_module: str,
        is_package: bool,
        renames: Mapping[str, str],
        relative: str = "keep",
        was_package: bool | None = None,
    ) -> bool:
        if b"from" not in source:
            return False
        try:
            text, _ = decode_source(source)
        except (UnicodeDecodeError, SyntaxError):
            return True  # the rewrite reports it with its line
        return relative_imports_change(
            text,
            old_module=old_module,
            new_module=new_module,
            is_package=is_package,
            renames=renames,
            relative=relative,
            was_package=was_package,
        )

    def rewrite_references_batch(
        self,
        files: Sequence[ReferenceFile],
        *,
        renames: Mapping[str, str],
        names: Sequence[str] | None = None,
        relative: str = "keep",
        protected: frozenset[str] = frozenset(),
        shadowed: frozenset[str] = frozenset(),
    ) -> list[bytes]:
        workers = min(_usable_cores(), len(files) // PARALLEL_THRESHOLD)
        context = _fork_context()
        options = _Options(relative, protected, shadowed)
        if workers < 2 or context is None:
            return [self._rewrite_file(f, renames, names, options) for f in files]
        size = max(_MIN_CHUNK, -(-len(files) // (workers * 4)))  # a few chunks per worker
        chunks = [
            (list(files[i : i + size]), dict(renames), names, options)
            for i in range(0, len(files), size)
        ]
        results: list[bytes] = []
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            try:
                # In order: the first failing chunk is re-run here, which raises the very
                # error (file, line) the sequential path raises.
                for chunk, (outputs, failed) in zip(
                    chunks, pool.map(_rewrite_chunk, chunks), strict=True
                ):
                    if failed is not None:
                        results += [
                            self._rewrite_file(f, renames, names, options) for f in chunk[0]
                        ]
                        continue
                    results += [
                        f.source if out is None else out
                        for f, out in zip(chunk[0], outputs, strict=True)
                    ]
            except BaseException:
                pool.shutdown(cancel_futures=True)
                raise
        return results

    def _rewrite_file(
        self,
        file: ReferenceFile,
        renames: Mapping[str, str],
        names: Sequence[str] | None,
        options: _Options,
    ) -> bytes:
        return self.rewrite_references(
            file.source,
            path=file.path,
            module=file.module,
            is_package=file.is_package,
            renames=renames,
            names=names,
            moved_from=file.moved_from,
            relative=options.relative,
            protected=options.protected,
            was_package=file.was_package,
            shadowed=options.shadowed,
        )

    def rewrite_config(
        self,
        path: str,
        source: bytes,
        *,
        modules: Mapping[str, str],
        files: Mapping[str, str],
        new_packages: Sequence[str] = (),
        gone_packages: Sequence[str] = (),
        line_length: int | None = None,
    ) -> bytes:
        renames = ConfigRenames(
            modules, files, tuple(new_packages), tuple(gone_packages), line_length
        )
        return rewrite_config(path, source, renames)

    def rewrite_docs(self, source: bytes, *, renames: Mapping[str, str]) -> bytes:
        try:
            text, encoding = decode_source(source)
        except (UnicodeDecodeError, SyntaxError):
            return source
        result = rewrite_docs(text, renames)
        return source if result == text else encode_source(result, encoding)

    def read_header(self, source: bytes) -> Mapping[str, str]:
        try:
            text, _ = decode_source(source)
        except (UnicodeDecodeError, SyntaxError):
            return {}
        return _header.read_header(text)

    def set_header(
        self,
        source: bytes,
        *,
        path: str,
        layer: str | None = None,
        description: str | None = None,
        audience: str | None = None,
        role: str | None = None,
        hybrid: bool = False,
        note: str | None = None,
        fields: Mapping[str, str] | None = None,
    ) -> bytes:
        with reported(path, source):
            text, encoding = decode_source(source)
            result = _header.set_header(
                text,
                layer=layer,
                layer_description=description,
                audience=audience,
                role=role,
                hybrid=hybrid,
                hybrid_note=note,
                fields=fields,
            )
            return source if result == text else encode_source(result, encoding)

    def extract_definitions(
        self,
        source: bytes,
        *,
        path: str,
        target: bytes | None,
        names: Sequence[str] | str,
        source_module: str,
        target_module: str,
        source_is_package: bool,
        reexport: bool,
        audience: str | None,
        role: str | None,
    ) -> Extraction:
        with reported(path, source):
            text, encoding = decode_source(source)
            target_text, target_encoding = (
                decode_source(target) if target is not None else (None, "utf-8")
            )
            header = _header.HeaderSpec(
                layer="L5", layer_description="Domain Schemas", audience=audience, role=role
            )
            result = extract_schema.extract(
                text,
                names=names,  # a list or a selector, as validated
                source_module=source_module,
                target_module=target_module,
                target_source=target_text,
                reexport=reexport,
                header=header,
                source_is_package=source_is_package,
            )
            return Extraction(
                source=encode_source(result.source, encoding),
                target=encode_source(result.target_source, target_encoding, target_module),
                moved=tuple(result.moved),
                helpers=tuple(result.carried_helpers),
                already=tuple(result.already_extracted),
            )

    def split_module(
        self,
        source: bytes,
        *,
        path: str,
        driver: bytes | None,
        names: Sequence[str] | str,
        module: str,
        driver_module: str,
        engine_module: str | None,
        partial: bool,
        audience: str | None,
        note: str | None,
        line_length: int = 88,
        first_party: Sequence[str] = (),
        protocol_module: str | None = None,
        protocol: bytes | None = None,
    ) -> Split:
        with reported(path, source):
            text, encoding = decode_source(source)
            driver_text, driver_encoding = (
                decode_source(driver) if driver is not None else (None, "utf-8")
            )
            protocol_text, protocol_encoding = (
                decode_source(protocol) if protocol is not None else (None, "utf-8")
            )
            result = split_hybrid.split(
                text,
                names=names,  # a list or "auto", as validated
                module=module,
                driver_module=driver_module,
                engine_module=engine_module,
                driver_source=driver_text,
                partial=partial,
                engine_header=_header.HeaderSpec(
                    layer="L5", layer_description="Domain Engines", audience=audience
                ),
                driver_header=_header.HeaderSpec(
                    layer="L6", layer_description="Drivers", audience=audience
                ),
                hybrid_note=note,
                line_length=line_length,
                first_party=first_party,
                protocol_module=protocol_module,
                protocol_source=protocol_text,
                protocol_header=_header.HeaderSpec(
                    layer="L5", layer_description="Domain Schemas", audience=audience
                ),
            )
            return Split(
                engine=encode_source(result.engine_source, encoding),
                driver=encode_source(result.driver_source, driver_encoding, driver_module),
                moved=tuple(result.moved),
                split=tuple(result.split_methods),
                protocol=(
                    encode_source(result.protocol_source, protocol_encoding, protocol_module)
                    if protocol_module is not None and result.protocol_source
                    else None
                ),
                already=tuple(result.already_split),
                explanation=(
                    *(_explain(c) for c in result.classification),
                    *(f"split {note}" for note in result.method_notes),
                    *(f"driver method {operation}" for operation in result.operations),
                ),
            )

    def classify(self, source: bytes, *, path: str) -> list[str]:
        with reported(path, source):
            text, _ = decode_source(source)
            return [_explain(c) for c in split_hybrid.classify(text)]


class _Options(NamedTuple):
    """How every file of a batch is rewritten (see `rewrite_references`)."""

    relative: str
    protected: frozenset[str]
    shadowed: frozenset[str]


_Chunk = tuple[list[ReferenceFile], dict[str, str], Sequence[str] | None, _Options]


def _rewrite_chunk(chunk: _Chunk) -> tuple[list[bytes | None], int | None]:
    """In a worker: each file's new bytes (None: unchanged), up to the first failing file,
    whose index comes second (the parent re-runs it to raise its error)."""
    files, renames, names, options = chunk
    codemods = LibcstCodemods()
    outputs: list[bytes | None] = []
    for index, file in enumerate(files):
        try:
            result = codemods._rewrite_file(file, renames, names, options)
        except HocMigrateError:
            return outputs, index
        outputs.append(None if result == file.source else result)
    return outputs, None


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _fork_context() -> multiprocessing.context.BaseContext | None:
    """Forked workers start in milliseconds with everything imported. None (rewrite in
    this process) where fork is missing or unsafe: a forked child must not inherit other
    running threads, and spawned workers would spend longer importing than they save."""
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return None
    return multiprocessing.get_context("fork")


def _explain(c: split_hybrid.Classification) -> str:
    why = "; ".join(c.reasons) if c.reasons else "no database use found"
    return f"{c.name} ({c.kind}, line {c.line}): {c.verdict} — {why}"
