"""hoc-migrate: declarative, verified architecture migrations for layered Python codebases."""

__version__ = "0.1.0"
