"""Fixtures for the deploy tests; they live in deploy_git_sandbox so tests can import its helpers too."""

from deploy_git_sandbox import git_sandbox, sandbox  # noqa: F401  (pytest finds fixtures by name here)
