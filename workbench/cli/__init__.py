"""The `workbench` command line: a thin layer over the same functions the app uses.

Each command group lives in its own module with a `register(subparsers)` function. Errors meant
for the user (`WorkbenchError`), and storage failures (a read-only or full data directory, a locked
database), are printed as one line on stderr with exit status 2.

A command that changes data acts as a verified user (see `workbench.actions.users`): on a store with
users, WORKBENCH_USER (or --user) with WORKBENCH_TOKEN, or --operator.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from ..config import load_config
from ..errors import WorkbenchError
from ..safetext import terminal
from ..store.errors import storage_problem
from .common import Context

# Command modules, in the order of the pipeline. Each registers its subcommands.
COMMAND_MODULES = ["corpus", "translate", "import_mt", "align", "flag", "glossary", "exchange", "users", "serve"]


def build_parser() -> argparse.ArgumentParser:
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
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
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
    except (OSError, SQLAlchemyError) as exc:
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
