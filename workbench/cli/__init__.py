"""The `workbench` command line: a thin layer over the same functions the app uses.

Each command group lives in its own module with a `register(subparsers)` function. Errors meant
for the user (`WorkbenchError`) are printed as one line on stderr with exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from ..config import load_config
from ..errors import WorkbenchError
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
    parser.add_argument("--user", default="cli", help="name recorded as the author of changes (default: cli)")
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
        ctx = Context(config=config, actor=args.user)
        return int(args.func(ctx, args) or 0)
    except WorkbenchError as exc:
        print(f"workbench: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("workbench: interrupted; finished batches are saved", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    finally:
        if ctx is not None:
            ctx.close()
