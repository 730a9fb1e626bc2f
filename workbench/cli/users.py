"""`workbench users`: add users, list them, change their role or password.

Whoever can run the CLI on the server can read the store anyway, so these commands act as the
operator (recorded as `--user`, default "cli") without a sign-in.
"""

from __future__ import annotations

import argparse
import sys

from ..auth import change_role, hash_password, new_password
from ..errors import WorkbenchError
from ..records import USER_ROLES, User
from .common import Context, add_format, emit


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

    ls = usub.add_parser("list", help="list users and roles")
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


def _password(args: argparse.Namespace) -> tuple[str, bool]:
    """(password, generated)."""
    if args.password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise WorkbenchError("--password-stdin: no password on standard input")
        return line, False
    return new_password(), True


def cmd_add(ctx: Context, args: argparse.Namespace) -> int:
    if args.no_password:
        password_hash, password, generated = "", "", False
    else:
        password, generated = _password(args)
        password_hash = hash_password(password)
    user = ctx.store.add_user(args.name.strip(), args.role, password_hash, actor=ctx.actor)
    print(f"added {user.name} ({user.role})")
    if generated:
        print(f"password: {password}  (shown only this once)")
    return 0


def cmd_list(ctx: Context, args: argparse.Namespace) -> int:
    emit([{"name": u.name, "role": u.role} for u in ctx.store.users()], args.format, ["name", "role"])
    return 0


def cmd_role(ctx: Context, args: argparse.Namespace) -> int:
    # The operator acts with admin rights; change_role still guards the last admin.
    change_role(ctx.store, User(ctx.actor, "admin"), args.name, args.role)
    print(f"{args.name}: {args.role}")
    return 0


def cmd_password(ctx: Context, args: argparse.Namespace) -> int:
    password, generated = _password(args)
    ctx.store.set_user_password(args.name, hash_password(password), actor=ctx.actor)
    print(f"{args.name}: password changed")
    if generated:
        print(f"password: {password}  (shown only this once)")
    return 0
