"""The `workbench` command line: a thin layer over the same functions the app uses.

Each command group lives in its own module with a `register(subparsers)` function. Errors meant
for the user (`WorkbenchError`), and storage failures (a read-only or full data directory, a locked
database), are printed as one line on stderr with exit status 2.

A command that changes data acts as a verified user (see `workbench.actions.users`): on a store with
users, WORKBENCH_USER (or --user) with WORKBENCH_TOKEN, or --operator.

Start-up is part of every batch call, so only the module of the command given is imported (see
`COMMANDS`; all of them for `workbench --help` or an unknown command), and SQLAlchemy loads with
the store, not with the command line.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from ..config import load_config
from ..errors import WorkbenchError
from ..safetext import terminal
from .common import Context

# Command modules, in the order of the pipeline. Each registers its subcommands.
COMMAND_MODULES = ["corpus", "translate", "import_mt", "align", "flag", "glossary", "exchange", "users", "serve"]
# Which module registers each command (tests check this against the modules' `register`).
COMMANDS: dict[str, str] = {
    "import": "corpus", "docs": "corpus", "segments": "corpus", "stories": "corpus", "role": "corpus",
    "translate": "translate", "import-mt": "import_mt", "score": "import_mt",
    "align": "align", "align-words": "align", "flag": "flag", "dismiss": "flag", "resolve": "flag",
    "glossary": "glossary", "export": "exchange", "import-tm": "exchange", "import-xliff": "exchange",
    "import-tbx": "exchange", "import-terms": "exchange", "users": "users", "serve": "serve",
}
# Options of the top-level parser that take a value (the command is the first word after them).
_VALUE_OPTIONS = ("--config", "--db", "--data-dir", "--user")


def command_of(argv: Sequence[str]) -> str | None:
    """The command word of a command line, or None when there is none before an option parser must
    see every command (--help, a bare `--`)."""
    tokens = iter(argv)
    for tok in tokens:
        if tok in ("-h", "--help", "--"):
            return None
        if tok in _VALUE_OPTIONS:
            next(tokens, None)
        elif not tok.startswith("-"):
            return tok
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; with `argv`, only the module of its command is imported and registered."""
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Machine-translation and alignment workbench for Russian and Ukrainian news.",
    )
    parser.add_argument("--config", help="TOML configuration file (default: $WORKBENCH_CONFIG or ./workbench.toml)")
    parser.add_argument("--db", help="SQLAlchemy database URL (default: $WORKBENCH_DB or DATA_DIR/workbench.db)")
    parser.add_argument("--data-dir", help="data directory (default: $WORKBENCH_DATA_DIR or ./data)")
    parser.add_argument("--user", default="",
                        help="act as this user (default: $WORKBENCH_USER); on a store with users it needs "
                             "WORKBENCH_TOKEN from `workbench users token NAME`")
    parser.add_argument("--operator", action="store_true",
                        help="act as the server's operator with admin rights (whoever can read the store); "
                             "recorded as 'NAME (operator)' in every history and the audit log")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    command = command_of(argv) if argv is not None else None
    names = [COMMANDS[command]] if command in COMMANDS else COMMAND_MODULES
    for name in names:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def _storage_errors() -> tuple[type[BaseException], ...]:
    """OSError, and SQLAlchemy's errors once the store has loaded SQLAlchemy (before that, none can occur)."""
    exc_module = sys.modules.get("sqlalchemy.exc")
    return (OSError,) if exc_module is None else (OSError, exc_module.SQLAlchemyError)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    ctx = None
    try:
        config = load_config(args.config)
        config = config.with_overrides(db_url=args.db, data_dir=Path(args.data_dir) if args.data_dir else None)
        ctx = Context(config=config, requested_user=args.user, operator=args.operator)
        return int(args.func(ctx, args) or 0)
    except WorkbenchError as exc:
        print(terminal(f"workbench: {exc}", keep_newlines=False), file=sys.stderr)
        return 2
    except _storage_errors() as exc:
        from ..store.errors import storage_problem

        print(terminal(f"workbench: {storage_problem(exc)}", keep_newlines=False), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("workbench: interrupted; finished batches are saved", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    finally:
        if ctx is not None:
            ctx.close()


def __getattr__(name: str) -> object:
    """`storage_problem` is re-exported for callers of the CLI; it lives with the store (SQLAlchemy),
    so it is imported on first use."""
    if name == "storage_problem":
        from ..store.errors import storage_problem

        return storage_problem
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
