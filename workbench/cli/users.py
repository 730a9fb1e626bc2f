"""`workbench users`: add users, list them, change their role or password, issue API tokens, disable,
enable or delete them. Every change goes through `workbench.actions.users` as the verified acting user
(an admin, or the operator with --operator; on a store without users, whoever runs the command)."""

from __future__ import annotations

import argparse
import sys

from ..actions import users as actions
from ..errors import WorkbenchError
from ..records import USER_ROLES
from .common import Context, add_format, emit, out


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("users", help="manage the users who sign in to the app",
                       description="Users and roles: translator, reviewer, admin.")
    usub = p.add_subparsers(dest="users_command", metavar="ACTION")
    usub.required = True

    a = usub.add_parser("add", help="add a user (prints a random password unless --password-stdin)")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--role", required=True, choices=USER_ROLES)
    pw = a.add_mutually_exclusive_group()
    pw.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    pw.add_argument("--no-password", action="store_true",
                    help="no password: the user signs in only through the OpenID Connect provider")
    a.set_defaults(func=cmd_add)

    ls = usub.add_parser("list", help="list users, roles and whether they are disabled")
    add_format(ls)
    ls.set_defaults(func=cmd_list)

    r = usub.add_parser("role", help="change a user's role")
    r.add_argument("name", metavar="NAME")
    r.add_argument("role", choices=USER_ROLES)
    r.set_defaults(func=cmd_role)

    pa = usub.add_parser("password", help="set a new password (prints a random one unless --password-stdin)")
    pa.add_argument("name", metavar="NAME")
    pa.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    pa.set_defaults(func=cmd_password)

    t = usub.add_parser("token", help="issue a new API token for the CLI (printed once; replaces the old one)")
    t.add_argument("name", metavar="NAME")
    t.add_argument("--revoke", action="store_true", help="remove the user's token instead")
    t.set_defaults(func=cmd_token)

    for action, helptext in (("disable", "disable a user: no sign-in, no token; open sessions end"),
                             ("enable", "enable a disabled user again"),
                             ("delete", "delete a user (their changes keep their name in the histories)")):
        d = usub.add_parser(action, help=helptext)
        d.add_argument("name", metavar="NAME")
        d.set_defaults(func=cmd_status, action=action)


def _password(args: argparse.Namespace) -> tuple[str, bool]:
    """(password, generated)."""
    if args.password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise WorkbenchError("--password-stdin: no password on standard input")
        return line, False
    from ..auth import new_password

    return new_password(), True


def cmd_add(ctx: Context, args: argparse.Namespace) -> int:
    password, generated = (None, False) if args.no_password else _password(args)
    user = actions.add_user(ctx.store, ctx.user, args.name, args.role, password)
    out(f"added {user.name} ({user.role})")
    if generated:
        out(f"password: {password}  (shown only this once)")
    return 0


def cmd_list(ctx: Context, args: argparse.Namespace) -> int:
    rows = [{"name": a.user.name, "role": a.user.role, **({"disabled": True} if a.disabled else {})}
            for a in ctx.store.user_accounts()]
    emit(rows, args.format, ["name", "role", "disabled"])
    return 0


def cmd_role(ctx: Context, args: argparse.Namespace) -> int:
    actions.change_role(ctx.store, ctx.user, args.name, args.role)
    out(f"{args.name}: {args.role}")
    return 0


def cmd_password(ctx: Context, args: argparse.Namespace) -> int:
    password, generated = _password(args)
    actions.change_password(ctx.store, ctx.user, args.name, password)
    out(f"{args.name}: password changed")
    if generated:
        out(f"password: {password}  (shown only this once)")
    return 0


def cmd_token(ctx: Context, args: argparse.Namespace) -> int:
    if args.revoke:
        actions.revoke_token(ctx.store, ctx.user, args.name)
        out(f"{args.name}: token revoked")
        return 0
    token = actions.issue_token(ctx.store, ctx.user, args.name)
    out(f"{args.name}: new API token (shown only this once; any earlier token no longer works):")
    out(token)
    out(f"use it as: WORKBENCH_USER={args.name} WORKBENCH_TOKEN=<token> workbench ...", err=True)
    return 0


def cmd_status(ctx: Context, args: argparse.Namespace) -> int:
    if args.action == "delete":
        actions.delete_user(ctx.store, ctx.user, args.name)
    else:
        actions.set_disabled(ctx.store, ctx.user, args.name, args.action == "disable")
    out(f"{args.name}: {args.action}d")
    return 0
