"""What recording each answer (for App Home's figures and `kb misses`) and its vote buttons
cost the Slack edge, beside the same replies without them, in the same run.

    python bench/feedback_bench.py [--questions 2000] [--rounds 5]

Measured, in ms of CPU per reply (median of the rounds), on the benchmarks' question mix
through ConversationReplies.reply_to_text (each in a thread of its own, on a real SQLite file):
  without       no workspace, so no answer record (the vote buttons' value is still made)
  with          the answer recorded for a workspace (one queued insert, committed by the
                database's writer thread, whose CPU is counted too)
and the same for rendering alone: render_answer without and with the vote buttons.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from bench.question_mix import questions as question_mix  # noqa: E402
from bot.advisor import Advisor  # noqa: E402
from bot.rendering.block_kit import VoteValue, render_answer  # noqa: E402
from bot.slack.answer_feedback import AnswerFeedback  # noqa: E402
from bot.slack.conversation_replies import ConversationReplies  # noqa: E402
from bot.slack.metrics import BotMetrics  # noqa: E402
from bot.storage.conversations import ConversationStore  # noqa: E402
from bot.storage.database import open_database  # noqa: E402
from bot.storage.feedback import FeedbackStore  # noqa: E402
from bot.storage.interface import Workspace  # noqa: E402


def _cpu_ms_per(count: int, run) -> float:
    started = time.process_time()  # every thread of the process: the writer's commits included
    run()
    return (time.process_time() - started) * 1000 / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    advisor = Advisor.from_directory()
    mix = question_mix(advisor.knowledge, args.questions)
    answers = [advisor.advise(text) for text in mix]  # warm: the reply, not the reasoning, is measured
    with tempfile.TemporaryDirectory() as folder:
        database = open_database(os.path.join(folder, "bench.sqlite3"))
        metrics = BotMetrics()
        replies = ConversationReplies(advisor, ConversationStore(database), metrics,
                                      AnswerFeedback(FeedbackStore(database, b"bench-key"), metrics))
        workspace = Workspace("", "T0BENCH")
        figures: dict[str, list[float]] = {"reply without": [], "reply with": [], "render without": [], "render with": []}
        for round_number in range(args.rounds):
            pairs = (("reply without", False), ("reply with", True))
            for name, recorded in pairs if round_number % 2 == 0 else reversed(pairs):  # neither always goes first
                def reply_to_all(recorded=recorded, name=name) -> None:
                    for index, text in enumerate(mix):
                        replies.reply_to_text(workspace, "C0BENCH", f"{round_number}{name}.{index}", text, starts_thread=True,
                                              recorded=recorded)
                    database.write(lambda connection: None)  # until every queued write is committed
                figures[name].append(_cpu_ms_per(len(mix), reply_to_all))
            vote = VoteValue("0" * 32, "vm", "high", "should our billing API be a container?")
            renders = (("render without", None), ("render with", vote))
            for name, given in renders if round_number % 2 == 0 else reversed(renders):
                figures[name].append(_cpu_ms_per(len(answers), lambda given=given: [render_answer(a, "1.1", given) for a in answers]))
        database.close()
    medians = {name: statistics.median(values) for name, values in figures.items()}
    for name, value in medians.items():
        print(f"{name:15} {value:.4f} ms of CPU a reply (median of {args.rounds} rounds of {len(mix)})")
    print(f"reply with / without a record: {medians['reply with'] / medians['reply without']:.2f} "
          f"(+{medians['reply with'] - medians['reply without']:.4f} ms)")
    print(f"render with / without vote buttons: {medians['render with'] / medians['render without']:.2f} "
          f"(+{medians['render with'] - medians['render without']:.4f} ms)")


if __name__ == "__main__":
    main()
