"""`placement serve --knowledge DIR` and SIGHUP: an author's edit reaches the running bot
without a restart, and a broken edit never takes it down."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import threading
import time

from bot_harness import SlackSender, mention, serve_environment

from bot.knowledge import DEFAULT_DIRECTORY


class _Log:
    """The server's stderr, read as it comes."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()

    def wait_for(self, text: str, after: int = 0, timeout: float = 60.0) -> int:
        """The index of the first line from `after` on that holds `text`."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = next((i for i, line in enumerate(self.lines) if i >= after and text in line), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                assert left > 0, f"{text!r} never logged:\n" + "\n".join(self.lines)
                self._changed.wait(left)


def _answer(sender: SlackSender, fake_slack, text: str, ts: str) -> str:
    count = len(fake_slack.calls("chat.postMessage"))
    assert sender.send_event(mention(text, ts=ts)).status == 200
    return fake_slack.wait_for("chat.postMessage", count + 1, timeout=30)[count]["text"]


def test_sighup_reloads_a_valid_edit_and_keeps_the_old_knowledge_on_a_broken_one(tmp_path, fake_slack, database_path):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIRECTORY, knowledge)
    env = serve_environment(fake_slack.api_url, PLACEMENT_DB=database_path)
    port = int(env["PORT"])
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--http", "--knowledge", str(knowledge)], cwd=tmp_path,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        log = _Log(process.stderr)
        log.wait_for("listening for Slack on port")
        sender = SlackSender(f"http://127.0.0.1:{port}/slack/events", fake_slack)
        question = "should our billing API be a container?"
        assert _answer(sender, fake_slack, question, "1700000100.000001").endswith(": Run it in containers.")

        verdicts = knowledge / "verdicts.yaml"
        verdicts.write_text(verdicts.read_text().replace("headline: Run it in containers.", "headline: Containers, as edited."))
        seen = len(log.lines)
        process.send_signal(signal.SIGHUP)
        log.wait_for(f"reloaded the knowledge base from {knowledge}", after=seen)
        assert _answer(sender, fake_slack, question, "1700000100.000002").endswith(": Containers, as edited.")

        rules = knowledge / "rules.yaml"
        rules.write_text("rules: [\n")
        seen = len(log.lines)
        process.send_signal(signal.SIGHUP)
        still = log.wait_for("has errors (above); still answering from the one loaded before", after=seen)
        assert any(f"{rules}:" in line for line in log.lines[seen:still])
        assert _answer(sender, fake_slack, question, "1700000100.000003").endswith(": Containers, as edited.")
        assert process.poll() is None
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
    assert not any("Traceback" in line for line in log.lines)
