"""``web.page_run``: what a page run settles once (``run_memo``: the language, the settings) is kept
for that run only -- the next run, a widget's callback (outside any run) and another thread ask
again, so a language switch or a changed settings file counts at the next run."""
from __future__ import annotations

import threading

from tipdash.web.state import page_run, run_memo


def test_a_run_settles_a_value_once_and_the_next_run_asks_again():
    calls = []

    def make():
        calls.append(1)
        return len(calls)

    assert (run_memo("x", make), run_memo("x", make)) == (1, 2)      # outside a run: every time
    with page_run():
        assert (run_memo("x", make), run_memo("x", make)) == (3, 3)
        seen = []
        other = threading.Thread(target=lambda: seen.append(run_memo("x", make)))
        other.start()
        other.join()
        assert seen == [4]                                           # another thread: its own
    assert run_memo("x", make) == 5
    with page_run():
        assert run_memo("x", make) == 6                              # a new run starts empty


def test_a_run_that_fails_leaves_nothing_behind():
    try:
        with page_run():
            run_memo("y", lambda: "kept")
            raise RuntimeError("the page failed")
    except RuntimeError:
        pass
    assert run_memo("y", lambda: "asked again") == "asked again"
