"""The one exception type a user sees: it names the stage and the file."""

from __future__ import annotations

from .model import Diagnostic


class SitegenError(Exception):
    """A failure the user can fix; printed without a traceback by the CLI."""

    def __init__(self, stage: str, file: str | None, message: str, line: int | None = None):
        self.stage = stage
        self.file = file
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        return f"{where}error ({self.stage}): {self.message}"


class BuildFailed(Exception):
    """Input errors were found; nothing was written."""

    def __init__(self, diagnostics: tuple[Diagnostic, ...]):
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.severity == "error"]
        super().__init__(f"{len(errors)} error(s) in the input; nothing was written")
