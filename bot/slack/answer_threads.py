"""The threads the answers run on (Bolt's listener executor), with a bounded stop.

A ThreadPoolExecutor's threads are joined when the interpreter exits, so one answer stuck
on a hung Slack would hold the exit for as long as the client's timeouts and retries
allow. These threads are daemons: `stop(timeout)` waits at most `timeout` seconds for what was
submitted, then cancels what has not started, and the process may exit; an answer cut
off that way was never finished in the event ledger, so it is handed back, not lost.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Executor, Future, wait
from typing import Any, Callable

_STOP = None


class AnswerThreads(Executor):
    def __init__(self, count: int, name: str = "answer") -> None:
        self._work: queue.SimpleQueue = queue.SimpleQueue()
        self._outstanding: set[Future] = set()
        self._lock = threading.Lock()
        self._stopped = False
        self._threads = [threading.Thread(target=self._run, name=f"{name}-{n}", daemon=True) for n in range(count)]
        for thread in self._threads:
            thread.start()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        with self._lock:
            if self._stopped:
                raise RuntimeError("the answer threads are stopping")
            self._outstanding.add(future)
        future.add_done_callback(self._forget)
        self._work.put((future, fn, args, kwargs))
        return future

    def idle(self) -> int:
        """How many threads would start on new work at once."""
        with self._lock:
            return max(len(self._threads) - len(self._outstanding), 0)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Waits until everything submitted so far is done; False if not within `timeout`."""
        with self._lock:
            outstanding = list(self._outstanding)
        return not wait(outstanding, timeout=timeout).not_done

    def stop(self, timeout: float | None) -> bool:
        """Takes no more work, waits up to `timeout` seconds for what was submitted, then
        cancels what has not started. True if everything submitted was done."""
        with self._lock:
            self._stopped = True
            outstanding = list(self._outstanding)
        left = wait(outstanding, timeout=timeout).not_done
        for future in left:
            future.cancel()  # only those not started yet
        for _ in self._threads:
            self._work.put(_STOP)
        return not left

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.stop(None if wait else 0)

    def _forget(self, future: Future) -> None:
        with self._lock:
            self._outstanding.discard(future)

    def _run(self) -> None:
        while True:
            item = self._work.get()
            if item is _STOP:
                return
            future, fn, args, kwargs = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as error:
                future.set_exception(error)
