"""Local preview: a file watcher, a rebuild loop and a live-reload HTTP server.

Nothing here knows how a site is built: callers pass a `rebuild(plan) -> Outcome`
callable (see sitegen/commands/serve.py for the real one).
"""

from .rebuild import Outcome, RebuildPlan, plan_rebuild
from .server import PreviewServer, base_path_of, resolve_request
from .session import watch_and_rebuild
from .watcher import Change, ChangeBatcher, ProjectLayout, Timing, classify_event, classify_path

__all__ = [
    "Change", "ChangeBatcher", "Outcome", "PreviewServer", "ProjectLayout", "RebuildPlan", "Timing",
    "base_path_of", "classify_event", "classify_path", "plan_rebuild", "resolve_request", "watch_and_rebuild",
]
