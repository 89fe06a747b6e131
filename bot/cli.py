"""The `placement` command: ask questions, check and test the knowledge base, serve Slack."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence, TextIO

from .knowledge import DEFAULT_DIRECTORY, KnowledgeError, read_knowledge
from .knowledge.problems import errors_in

EXIT_PROBLEMS = 1
EXIT_BROKEN_KNOWLEDGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="placement", description="Containers or VMs? Answers with reasons from the article.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ask = commands.add_parser("ask", help="answer a question (or one question per line of standard input)")
    ask.add_argument("question", nargs="*", help="the question; leave out to read questions from standard input")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question (the documented contract)")
    ask.add_argument("--knowledge", default=DEFAULT_DIRECTORY, metavar="DIR", help="knowledge directory (default: the bundled one)")

    kb = commands.add_parser("kb", help="check or test a knowledge base")
    kb_commands = kb.add_subparsers(dest="kb_command", required=True, metavar="KB_COMMAND")
    check = kb_commands.add_parser("check", help="print file:line for every problem; exit 1 if there are errors")
    check.add_argument("directory", nargs="?", default=DEFAULT_DIRECTORY)
    test = kb_commands.add_parser("test", help="run the example questions; print every miss")
    test.add_argument("directory", nargs="?", default=DEFAULT_DIRECTORY)

    serve = commands.add_parser("serve", help="run the Slack app (HTTP on $PORT, or Socket Mode with $SLACK_APP_TOKEN)")
    mode = serve.add_mutually_exclusive_group()
    mode.add_argument("--http", dest="mode", action="store_const", const="http", help="HTTP mode even if SLACK_APP_TOKEN is set")
    mode.add_argument("--socket-mode", dest="mode", action="store_const", const="socket-mode", help="Socket Mode (needs SLACK_APP_TOKEN)")
    return parser


def _load_advisor(directory: str, err: TextIO):
    from .advisor import Advisor

    try:
        return Advisor.from_directory(directory)
    except KnowledgeError as error:
        for problem in error.problems:
            print(problem, file=err)
        print(f"placement: the knowledge base in {directory} is broken; nothing was answered", file=err)
        return None


def _ask(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    from .rendering.json_contract import to_json
    from .rendering.terminal_text import to_text

    advisor = _load_advisor(args.knowledge, err)
    if advisor is None:
        return EXIT_BROKEN_KNOWLEDGE
    questions = [" ".join(args.question)] if args.question else (line.rstrip("\n") for line in stdin)
    first = True
    for text in questions:
        if not args.question and not text.strip():
            continue
        answer = advisor.advise(text)
        if args.json:
            # ASCII only: a raw U+2028 or U+0085 in a line breaks readers that split lines on them
            out.write(json.dumps(to_json(answer)) + "\n")
        else:
            out.write(("" if first else "\n") + to_text(answer) + "\n")
        out.flush()
        first = False
    return 0


def _kb_check(directory: str, out: TextIO) -> int:
    knowledge, problems = read_knowledge(directory)
    for problem in problems:
        print(problem, file=out)
    if knowledge is None:
        print(f"{len(errors_in(problems))} error(s); the bot will not start with this knowledge base", file=out)
        return EXIT_PROBLEMS
    print(
        f"ok: {len(knowledge.sections)} sections, {len(knowledge.facts)} facts, {len(knowledge.rules)} rules, "
        f"{len(knowledge.rows)} table rows, {len(knowledge.clarify)} questions, {len(knowledge.examples)} examples",
        file=out,
    )
    return 0


def _kb_test(directory: str, out: TextIO, err: TextIO) -> int:
    from .example_check import check_examples

    advisor = _load_advisor(directory, err)
    if advisor is None:
        return EXIT_BROKEN_KNOWLEDGE
    misses = check_examples(advisor)
    for miss in misses:
        print(miss, file=out)
    total = len(advisor.knowledge.examples)
    print(f"{total - len(misses)} passed, {len(misses)} failed", file=out)
    return EXIT_PROBLEMS if misses else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    out, err, stdin = sys.stdout, sys.stderr, sys.stdin
    try:
        if args.command == "ask":
            return _ask(args, out, err, stdin)
        if args.command == "kb":
            return _kb_check(args.directory, out) if args.kb_command == "check" else _kb_test(args.directory, out, err)
        from .slack.server import serve

        return serve(err, args.mode)
    except BrokenPipeError:  # `placement ask ... | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
