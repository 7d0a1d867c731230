"""One preview session: build, serve, watch, rebuild, until Ctrl-C."""

from __future__ import annotations

import sys
import threading
import webbrowser

from .rebuild import INITIAL_PLAN, Outcome, Rebuild, RebuildPlan, Report, rebuild_on_changes, run_guarded
from .server import LiveState, PreviewServer
from .watcher import ChangeBatcher, ProjectLayout, ProjectWatcher, Timing


def report_to(live: LiveState | None) -> Report:
    """A report callback that prints each outcome and, when serving, tells the open tabs."""

    def report(plan: RebuildPlan, outcome: Outcome) -> None:
        if outcome.ok:
            detail = f": {outcome.summary}" if outcome.summary else ""
            print(f"Built ({plan.describe()}){detail}", flush=True)
            if live is not None:
                live.build_succeeded()
        else:
            print(f"Build failed ({plan.describe()}):\n{outcome.error}", file=sys.stderr, flush=True)
            if live is not None:
                has_good_build = live.status.version > 0
                live.build_failed(outcome.error)
                served = "the last good build" if has_good_build else "nothing until a build succeeds"
                print(f"Serving {served}; open tabs show the error.", file=sys.stderr, flush=True)

    return report


def watch_and_rebuild(
    layout: ProjectLayout,
    rebuild: Rebuild,
    *,
    server: PreviewServer | None = None,
    open_browser: bool = False,
    timing: Timing = Timing(),
) -> None:
    """Build once, then rebuild on every calm batch of changes; serve too when given a SERVER.

    Returns when interrupted with Ctrl-C. The watcher starts before the first
    build so an edit saved while it runs still triggers a rebuild.
    """
    live = server.live if server is not None else None
    report = report_to(live)
    batcher = ChangeBatcher(timing=timing)
    watcher = ProjectWatcher(layout, batcher)
    loop = threading.Thread(
        target=rebuild_on_changes, args=(batcher, rebuild, report), name="sitegen-rebuild", daemon=True
    )
    watcher.start()
    try:
        report(INITIAL_PLAN, run_guarded(rebuild, INITIAL_PLAN))
        if server is not None:
            server.start()
            print(f"Serving {server.url}  (Ctrl-C to stop)", flush=True)
            if open_browser:
                webbrowser.open(server.url)
        else:
            print("Watching for changes  (Ctrl-C to stop)", flush=True)
        loop.start()
        threading.Event().wait()
    except KeyboardInterrupt:
        print("\nStopped.", flush=True)
    finally:
        batcher.close()
        watcher.stop()
        if server is not None:
            server.stop()
        if loop.is_alive():
            loop.join(timeout=5)
