"""The `placement` command: ask questions, check and test the knowledge base, serve Slack."""

from __future__ import annotations

import argparse
import json
import os
import sys
from importlib.metadata import PackageNotFoundError, version
from typing import Sequence, TextIO

from .knowledge import DEFAULT_DIRECTORY, KnowledgeError, read_knowledge
from .knowledge.problems import errors_in

EXIT_PROBLEMS = 1
EXIT_BROKEN_KNOWLEDGE = 2
EXIT_CODES = """exit codes:
  0  done (kb check: no errors; kb test: every example passed; kb diff: no answer changed)
  1  kb check found errors, kb test found a miss, or kb diff found a changed answer
  2  wrong arguments, a broken knowledge base or question file, no database (kb misses), or serve could not start"""
BUNDLED = "the knowledge base shipped with the bot"


def _version() -> str:
    try:
        return version("placement")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def _command(commands: argparse._SubParsersAction, name: str, summary: str, description: str = "") -> argparse.ArgumentParser:
    return commands.add_parser(name, help=summary, description=description or summary, epilog=EXIT_CODES,
                               formatter_class=argparse.RawDescriptionHelpFormatter)


def _knowledge_argument(parser: argparse.ArgumentParser, what: str = "knowledge directory") -> None:
    parser.add_argument("directory", nargs="?", default=DEFAULT_DIRECTORY, metavar="DIR", help=f"{what} (default: {BUNDLED})")


def _knowledge_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--knowledge", default=DEFAULT_DIRECTORY, metavar="DIR",
                        help=f"answer from this knowledge directory, e.g. an edited copy (default: {BUNDLED})")


def _parser() -> argparse.ArgumentParser:
    from .authoring.graph import FORMATS
    from .slack.settings import ENVIRONMENT

    parser = argparse.ArgumentParser(prog="placement", description="Containers or VMs? Answers with reasons from the article.",
                                     epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"placement {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", help="what to do")

    ask = _command(commands, "ask", "answer a question (or one question per line of standard input)")
    ask.add_argument("question", nargs="*", help="the question; leave it out to read one question per line of standard input")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question (the contract in the README)")
    _knowledge_option(ask)

    kb = _command(commands, "kb", "check, test, score, compare and draw a knowledge base; list what the bot missed")
    kb_commands = kb.add_subparsers(dest="kb_command", required=True, metavar="KB_COMMAND", help="what to do with it")
    check = _command(kb_commands, "check", "print file:line and what to do for every problem; exit 1 if there are errors")
    _knowledge_argument(check, "the knowledge directory to check")
    test = _command(kb_commands, "test", "run the example questions (examples.yaml); print every miss")
    _knowledge_argument(test)
    score = _command(kb_commands, "score", "ask labelled questions; print each miss, a score per file and a total",
                     "Ask each labelled question (a YAML list of items with `q` and either `verdict` or `intent: compare`) "
                     "and print each miss, a score line per file and a total. It measures; it exits 0 whatever the score.")
    score.add_argument("files", nargs="+", metavar="FILE", help="labelled question files")
    _knowledge_option(score)
    diff = _command(kb_commands, "diff", "list every answer whose intent, verdict or confidence an edit changes",
                    "Ask the examples of both knowledge bases (and any labelled question files) of both, and list every "
                    "answer whose intent, verdict or confidence differs.")
    diff.add_argument("old", metavar="OLD_DIR", help="the knowledge directory before the edit")
    diff.add_argument("new", nargs="?", default=DEFAULT_DIRECTORY, metavar="NEW_DIR", help=f"after the edit (default: {BUNDLED})")
    diff.add_argument("--questions", action="append", default=[], metavar="FILE",
                      help="a labelled question file to ask as well (give it again for more files)")
    coverage = _command(kb_commands, "coverage", "for each article section: the rules and examples that cover it")
    _knowledge_argument(coverage)
    graph = _command(kb_commands, "graph", "draw phrases -> facts -> rules -> verdicts, with article sections",
                     "Draw the knowledge base: phrase families -> facts -> rules (with the section each cites) -> verdict "
                     "weights. `auto` writes SVG when Graphviz's `dot` is installed and Mermaid when it is not.")
    _knowledge_argument(graph)
    graph.add_argument("--format", choices=("auto", *FORMATS), default="auto", help="what to write (default: auto)")
    graph.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    misses = _command(kb_commands, "misses", "list the questions the bot could not decide or was voted down for, as YAML",
                      "Read the bot's database and print, most frequent first, every question whose answer was unknown or "
                      "of low confidence, or voted Not helpful, with what the bot answered: a YAML file to turn into "
                      "examples. Only the last PLACEMENT_RETENTION_DAYS days (default 30), as the bot keeps them.")
    misses.add_argument("--db", metavar="PATH_OR_URL",
                        help="the bot's database: a SQLite file or a postgresql:// URL (default: $DATABASE_URL, else $PLACEMENT_DB, "
                             "else placement.sqlite3)")

    environment = "\n".join(f"  {name:21} {meaning}" for name, meaning in ENVIRONMENT)
    serve = commands.add_parser(
        "serve", help="run the Slack app (HTTP on $PORT, or Socket Mode with $SLACK_APP_TOKEN)",
        description="Run the Slack app. Settings come from the environment only. SIGHUP reloads the knowledge "
                    "directory (a broken edit is logged and the running knowledge kept); SIGTERM finishes the "
                    "answers in flight, then exits.",
        epilog=f"environment:\n{environment}\n\n{EXIT_CODES}", formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = serve.add_mutually_exclusive_group()
    mode.add_argument("--http", dest="mode", action="store_const", const="http", help="HTTP mode even if SLACK_APP_TOKEN is set")
    mode.add_argument("--socket-mode", dest="mode", action="store_const", const="socket-mode", help="Socket Mode (needs SLACK_APP_TOKEN)")
    _knowledge_option(serve)
    return parser


def _load_advisor(directory: str, err: TextIO):
    from .advisor import Advisor

    try:
        return Advisor.from_directory(directory)
    except KnowledgeError as error:
        _print_problems(error, err)
        print(f"placement: the knowledge base in {directory} is broken; nothing was answered", file=err)
        return None


def _print_problems(error: KnowledgeError, err: TextIO) -> None:
    for problem in error.problems:
        print(problem, file=err)


def _ask(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    from .rendering.json_contract import to_json
    from .rendering.terminal_text import to_text

    advisor = _load_advisor(args.knowledge, err)
    if advisor is None:
        return EXIT_BROKEN_KNOWLEDGE
    if not args.question and stdin.isatty():
        print('Type a question and press Enter; Ctrl-D ends. (Or: placement ask "should our billing API be a container?")', file=err)
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


def _read_labelled_files(paths: Sequence[str], err: TextIO):
    """Every file's questions, or None (problems printed) if any file is not usable."""
    from .authoring.labelled import read_labelled

    files, broken = {}, False
    for path in paths:
        try:
            files[path] = read_labelled(path)
        except KnowledgeError as error:
            _print_problems(error, err)
            broken = True
    return None if broken else files


def _kb_score(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .authoring.score import misses, score_line

    files = _read_labelled_files(args.files, err)
    advisor = _load_advisor(args.knowledge, err) if files is not None else None
    if advisor is None:
        return EXIT_BROKEN_KNOWLEDGE
    right = total = 0
    for path, questions in files.items():
        found = misses(advisor, questions)
        for miss in found:
            print(miss, file=out)
        print(score_line(os.path.basename(path), len(questions) - len(found), len(questions)), file=out)
        right, total = right + len(questions) - len(found), total + len(questions)
    print(score_line("all", right, total), file=out)
    return 0


def _kb_diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .authoring.diff import changes

    files = _read_labelled_files(args.questions, err)
    old = _load_advisor(args.old, err) if files is not None else None
    new = _load_advisor(args.new, err) if old is not None else None
    if new is None:
        return EXIT_BROKEN_KNOWLEDGE
    questions = [
        (example.ask, f"{os.path.join(advisor.knowledge.directory, 'examples.yaml')}:{example.line}")
        for advisor in (new, old)
        for example in advisor.knowledge.examples
    ]
    questions += [(q.text, f"{q.file}:{q.line}") for labelled in files.values() for q in labelled]
    found, asked = changes(old, new, questions)
    for change in found:
        print(change, file=out)
    print(f"{len(found)} of {asked} answers changed", file=out)
    return EXIT_PROBLEMS if found else 0


def _kb_coverage(directory: str, out: TextIO, err: TextIO) -> int:
    from .authoring.coverage import ENOUGH_EXAMPLES, coverage, describe

    advisor = _load_advisor(directory, err)
    if advisor is None:
        return EXIT_BROKEN_KNOWLEDGE
    sections = coverage(advisor)
    for entry in sections:
        print("\n".join(describe(entry)), file=out)
    thin = [entry.section for entry in sections if entry.thin]
    print(f"{len(thin)} of {len(sections)} sections have fewer than {ENOUGH_EXAMPLES} examples"
          + (f": {', '.join(thin)}" if thin else ""), file=out)
    return 0


def _kb_graph(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .authoring import graph

    knowledge, problems = read_knowledge(args.directory)
    if knowledge is None:
        _print_problems(KnowledgeError(errors_in(problems)), err)
        print(f"placement: the knowledge base in {args.directory} is broken; nothing was drawn", file=err)
        return EXIT_BROKEN_KNOWLEDGE
    chosen = args.format
    if chosen == "auto":
        chosen = "svg" if graph.dot_installed() else "mermaid"
        if chosen == "mermaid":
            print("placement: Graphviz's dot is not installed, so this is Mermaid; install graphviz for SVG", file=err)
    elif chosen == "svg" and not graph.dot_installed():
        print("placement: --format svg needs Graphviz's dot (apt-get install graphviz); try --format mermaid", file=err)
        return EXIT_BROKEN_KNOWLEDGE
    built = graph.build_graph(knowledge)
    draw = {
        "text": lambda: graph.to_text(knowledge),
        "mermaid": lambda: graph.to_mermaid(built),
        "dot": lambda: graph.to_dot(built),
        "svg": lambda: graph.to_svg(graph.to_dot(built)),
    }
    drawn = draw[chosen]()
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(drawn)
    else:
        out.write(drawn)
    return 0


def _kb_misses(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .authoring.misses import misses_yaml, read_misses
    from .slack.settings import DEFAULT_DATABASE, MissingSetting, read_retention_days
    from .storage.database import DatabaseError, describe
    from .storage.engines import BadDatabaseUrl

    location = (args.db or os.environ.get("DATABASE_URL", "").strip() or os.environ.get("PLACEMENT_DB", "").strip()
                or DEFAULT_DATABASE)
    is_url = "://" in location
    shown = "at the URL given" if is_url else location  # a URL may hold a password
    if not is_url and not os.path.isfile(location):
        print(f"placement: no database at {location!r}: give the bot's with --db PATH or PLACEMENT_DB", file=err)
        return EXIT_BROKEN_KNOWLEDGE
    try:
        days = read_retention_days()
    except MissingSetting as problem:
        print(f"placement: {problem}", file=err)
        return EXIT_BROKEN_KNOWLEDGE
    try:
        misses = read_misses(location, days)
    except (DatabaseError, BadDatabaseUrl) as error:
        print(f"placement: could not read the database {shown}: {describe(error)}", file=err)
        return EXIT_BROKEN_KNOWLEDGE
    out.write(misses_yaml(misses, shown, days))
    return 0


def _kb(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.kb_command == "check":
        return _kb_check(args.directory, out)
    if args.kb_command == "test":
        return _kb_test(args.directory, out, err)
    if args.kb_command == "score":
        return _kb_score(args, out, err)
    if args.kb_command == "diff":
        return _kb_diff(args, out, err)
    if args.kb_command == "coverage":
        return _kb_coverage(args.directory, out, err)
    if args.kb_command == "misses":
        return _kb_misses(args, out, err)
    return _kb_graph(args, out, err)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    out, err, stdin = sys.stdout, sys.stderr, sys.stdin
    try:
        if args.command == "ask":
            return _ask(args, out, err, stdin)
        if args.command == "kb":
            return _kb(args, out, err)
        from .slack.server import serve

        return serve(err, args.mode, knowledge=args.knowledge)
    except BrokenPipeError:  # `placement ask ... | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
