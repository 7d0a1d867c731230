"""What to rebuild for a batch of changes, and the loop that keeps rebuilding.

The loop knows nothing about how a site is built: it is handed a `rebuild`
callable, so `serve` and `build --watch` share it and tests drive it with a
fake builder.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass

from .watcher import Change, ChangeBatcher


@dataclass(frozen=True)
class RebuildPlan:
    """One rebuild, and the changes that asked for it (none for the first build)."""

    changes: tuple[Change, ...]

    @property
    def config_changed(self) -> bool:
        # Some settings (base_url, folders) decide how the preview itself runs.
        return any(change.kind == "config" for change in self.changes)

    def describe(self) -> str:
        paths = sorted({change.path for change in self.changes})
        if not paths:
            return "initial build"
        if len(paths) <= 3:
            return ", ".join(paths) + " changed"
        return f"{paths[0]} and {len(paths) - 1} more files changed"


@dataclass(frozen=True)
class Outcome:
    """The result of one rebuild: ERROR is "" on success, else what to show the user."""

    error: str = ""
    summary: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


Rebuild = Callable[[RebuildPlan], Outcome]
Report = Callable[[RebuildPlan, Outcome], None]

INITIAL_PLAN = RebuildPlan(changes=())


def plan_rebuild(changes: tuple[Change, ...]) -> RebuildPlan:
    return RebuildPlan(changes=tuple(sorted(set(changes))))


def run_guarded(rebuild: Rebuild, plan: RebuildPlan) -> Outcome:
    """Run one rebuild; a crash inside the builder becomes an error outcome, so the preview survives it."""
    try:
        return rebuild(plan)
    except Exception as exc:  # noqa: BLE001 - a builder bug must not take the preview down
        traceback.print_exc()
        return Outcome(error=f"internal error while rebuilding ({type(exc).__name__}: {exc}); see the terminal")


def rebuild_on_changes(batcher: ChangeBatcher, rebuild: Rebuild, report: Report) -> None:
    """Rebuild once per calm batch until the batcher is closed."""
    while (batch := batcher.next_batch()) is not None:
        plan = plan_rebuild(batch)
        report(plan, run_guarded(rebuild, plan))
