"""LibCST codemods behind the hoc-migrate plan steps; they never import hoc_migrate."""
