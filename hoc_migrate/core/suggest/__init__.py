"""`plan suggest`: from the layer check's findings to a plan (pure: no I/O)."""
