"""`workbench serve`: start the Streamlit app (the same as `streamlit run app.py`)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..actions.users import ensure_admin
from ..errors import WorkbenchError
from .common import Context

APP = Path(__file__).resolve().parents[2] / "app.py"
# The production settings of .streamlit/config.toml, given on the command line too so that they hold
# when the server is started from another directory than the checkout: no developer menu, no
# tracebacks, no file watching, no full garbage collection after each run (it cost more than an
# editor move's own work), no usage statistics. The upload limit follows the import limit.
SERVER_OPTIONS = {"server.headless": "true", "browser.gatherUsageStats": "false", "client.toolbarMode": "minimal",
                  "client.showErrorDetails": "none", "server.fileWatcherType": "none", "server.runOnSave": "false",
                  "runner.postScriptGC": "false"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="start the browser app")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", default="localhost")
    p.set_defaults(func=cmd_serve)


def cmd_serve(ctx: Context, args: argparse.Namespace) -> int:
    if not APP.is_file():
        raise WorkbenchError(f"{APP}: the app's entry script is missing (run from a source checkout)")
    # The first start creates the admin here, so that the password is printed in the terminal
    # that started the app rather than waiting for the first browser visit.
    first = ensure_admin(ctx.store, ctx.config.admin_password)
    if first is not None:
        print(first.message(f"http://{args.address}:{args.port}"), flush=True)
    env = dict(os.environ)
    env["WORKBENCH_DATA_DIR"] = str(ctx.config.data_dir)
    if ctx.config.db_url:
        env["WORKBENCH_DB"] = ctx.config.db_url
    options = {**SERVER_OPTIONS, "server.port": str(args.port), "server.address": args.address,
               "server.maxUploadSize": str(max(1, -(-ctx.config.max_import_bytes // (1024 * 1024))))}
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP)]
    for name, value in options.items():
        cmd += [f"--{name}", value]
    # Replace this process with Streamlit: SIGTERM from a service manager (or Ctrl+C) then reaches
    # the server itself instead of leaving it running on the port behind a dead parent.
    sys.stdout.flush()
    os.execvpe(cmd[0], cmd, env)
    return 0  # not reached
