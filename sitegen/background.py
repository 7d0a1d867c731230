"""Run one pure function in a second Python process, so a large build uses both cores.

A plain child interpreter (`python -m sitegen.background IN OUT`), not multiprocessing:
spawn re-imports the caller's main script, which breaks scripts without a `__main__` guard,
and fork copies whatever locks the caller's threads (the preview server's) hold. Arguments
and the result travel as pickles in temporary files, so neither side blocks on a pipe; both are
written and read as streams, never held as one more copy in memory.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def in_background(function: Callable[..., Any], *args: Any) -> Iterator[Callable[[], Any]]:
    """Start FUNCTION(*ARGS) in another process; yields a function that waits for and returns its result.

    The function's exception, if it raised one, is raised again here. Leaving the block
    without asking for the result stops the process.
    """
    with tempfile.TemporaryDirectory(prefix="sitegen-job-") as scratch:
        request, response = Path(scratch) / "request.pickle", Path(scratch) / "response.pickle"
        with request.open("wb") as stream:
            pickle.dump((function, args), stream, protocol=pickle.HIGHEST_PROTOCOL)
        environment = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if isinstance(p, str)))
        child = subprocess.Popen([sys.executable, "-m", __name__, str(request), str(response)],
                                 env=environment, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)

        def result() -> Any:
            _, errors = child.communicate()
            if child.returncode != 0 or not response.is_file():
                raise RuntimeError(f"the background job {function.__qualname__} stopped with status "
                                   f"{child.returncode}: {errors.decode(errors='replace').strip()[-2000:]}")
            with response.open("rb") as stream:
                failed, value = pickle.load(stream)
            if failed:
                raise value
            return value

        try:
            yield result
        finally:
            if child.poll() is None:
                child.kill()
                child.communicate()


def _serve(request: Path, response: Path) -> None:
    with request.open("rb") as stream:
        function, args = pickle.load(stream)
    try:
        outcome = (False, function(*args))
    except Exception as exc:  # noqa: BLE001 - handed to the caller, which raises it
        outcome = (True, exc if _round_trips(exc) else RuntimeError(f"{type(exc).__name__}: {exc}"))
    with response.open("wb") as stream:
        pickle.dump(outcome, stream, protocol=pickle.HIGHEST_PROTOCOL)


def _round_trips(exc: Exception) -> bool:
    # Exceptions whose __init__ takes other arguments than their message cannot be unpickled.
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001
        return False
    return True


if __name__ == "__main__":
    _serve(Path(sys.argv[1]), Path(sys.argv[2]))
