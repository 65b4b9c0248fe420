"""Reliability suite: property-based migrations, fault injection of `apply`, hostile input.

.venv/bin/pytest tests/reliability -n 2              # CI: well under two minutes
HOC_MIGRATE_LONG=1 .venv/bin/pytest tests/reliability  # the long hypothesis profile
.venv/bin/python benchmarks/torture.py               # the long run, with its figures
"""
