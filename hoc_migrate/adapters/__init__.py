"""Adapters: the file system, git (GitPython), LibCST and the import scanner."""
