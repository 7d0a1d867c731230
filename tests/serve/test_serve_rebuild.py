"""The rebuild plan and loop, driven by a fake builder: no sockets, no real build."""

from __future__ import annotations

import threading
import time

from sitegen.serve.rebuild import INITIAL_PLAN, Outcome, RebuildPlan, plan_rebuild, rebuild_on_changes, run_guarded
from sitegen.serve.server import LiveState
from sitegen.serve.session import report_to
from sitegen.serve.watcher import Change, ChangeBatcher, Timing

PAPER = Change("content", "content/papers/a.md")
LISTING = Change("content", "content/listings/x.txt")
TEMPLATE = Change("theme", "templates/paper.html")
CONFIG = Change("config", "sitegen.toml")


def test_a_plan_lists_each_change_once_in_a_stable_order():
    plan = plan_rebuild((PAPER, LISTING, PAPER))
    assert plan.changes == (LISTING, PAPER)


def test_only_a_config_edit_counts_as_a_config_change():
    assert plan_rebuild((CONFIG, PAPER)).config_changed is True
    assert plan_rebuild((PAPER, TEMPLATE)).config_changed is False
    assert INITIAL_PLAN.config_changed is False


def test_plans_describe_what_changed():
    assert plan_rebuild((PAPER,)).describe() == "content/papers/a.md changed"
    many = tuple(Change("content", f"content/papers/p{i}.md") for i in range(10))
    assert plan_rebuild(many).describe() == "content/papers/p0.md and 9 more files changed"
    assert INITIAL_PLAN.describe() == "initial build"


def test_a_crashing_builder_becomes_an_error_not_a_dead_preview(capsys):
    def broken(plan: RebuildPlan) -> Outcome:
        raise RuntimeError("boom <b>")

    outcome = run_guarded(broken, INITIAL_PLAN)
    assert not outcome.ok
    assert "boom <b>" in outcome.error
    assert "Traceback" in capsys.readouterr().err


class FakeBuilder:
    """Records every plan; the first build can be held open to add changes while it 'runs'."""

    def __init__(self, hold_first: bool = False):
        self.plans: list[RebuildPlan] = []
        self.started = threading.Event()
        self.release = threading.Event()
        if not hold_first:
            self.release.set()

    def __call__(self, plan: RebuildPlan) -> Outcome:
        self.plans.append(plan)
        self.started.set()
        self.release.wait(timeout=10)
        return Outcome(summary=f"{len(plan.changes)} changes")


def _run_loop(batcher: ChangeBatcher, builder: FakeBuilder, outcomes: list[Outcome]) -> threading.Thread:
    loop = threading.Thread(target=rebuild_on_changes, args=(batcher, builder, lambda plan, o: outcomes.append(o)))
    loop.start()
    return loop


def test_changes_during_a_rebuild_cause_exactly_one_more_rebuild():
    batcher = ChangeBatcher(timing=Timing(quiet=0.05, max_wait=10))
    builder = FakeBuilder(hold_first=True)
    outcomes: list[Outcome] = []
    loop = _run_loop(batcher, builder, outcomes)
    batcher.add([PAPER])
    assert builder.started.wait(timeout=5)
    for index in range(200):  # saved while the first rebuild is still running
        batcher.add([Change("content", f"content/papers/p{index}.md")])
    builder.release.set()
    time.sleep(0.5)
    batcher.close()
    loop.join(timeout=5)
    assert len(builder.plans) == 2
    assert builder.plans[0].changes == (PAPER,)
    assert len(builder.plans[1].changes) == 200
    assert all(outcome.ok for outcome in outcomes)


def test_the_loop_survives_a_failed_rebuild_and_keeps_going():
    batcher = ChangeBatcher(timing=Timing(quiet=0.05, max_wait=10))
    results = iter([Outcome(error="templates/paper.html:3: error (render): unexpected '}'"), Outcome()])
    plans: list[RebuildPlan] = []

    def builder(plan: RebuildPlan) -> Outcome:
        plans.append(plan)
        return next(results)

    reported: list[Outcome] = []
    loop = threading.Thread(target=rebuild_on_changes, args=(batcher, builder, lambda p, o: reported.append(o)))
    loop.start()
    batcher.add([TEMPLATE])
    time.sleep(0.4)
    batcher.add([TEMPLATE])
    time.sleep(0.4)
    batcher.close()
    loop.join(timeout=5)
    assert [o.ok for o in reported] == [False, True]
    assert [plan.changes for plan in plans] == [(TEMPLATE,), (TEMPLATE,)]


def test_reports_tell_open_tabs_and_keep_the_last_good_version(capsys):
    live = LiveState()
    report = report_to(live)
    report(INITIAL_PLAN, Outcome(summary="463 papers"))
    assert live.status.version == 1 and live.status.error == ""
    report(plan_rebuild((TEMPLATE,)), Outcome(error="templates/paper.html:3: error (render): bad"))
    assert live.status.version == 1
    assert "templates/paper.html:3" in live.status.error
    report(plan_rebuild((TEMPLATE,)), Outcome())
    assert live.status.version == 2 and live.status.error == ""
    printed = capsys.readouterr()
    assert "templates/paper.html:3" in printed.err
    assert "463 papers" in printed.out
