"""``python -m studio user add|list|passwd``."""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from studio.accounts.permissions import ROLES
from studio.cli import add_json, emit
from studio.errors import StudioError


def register(sub) -> None:
    user = sub.add_parser("user", help="studio accounts")
    usub = user.add_subparsers(dest="action", required=True, parser_class=type(user))
    p = usub.add_parser("add", help="create a user")
    p.add_argument("--username", required=True)
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--name", default="", help="display name")
    p.add_argument("--password-file", type=Path,
                   help="file whose first line is the password (default: ask)")
    p.add_argument("--workspace", action="append", default=[],
                   help="workspace slug the user may open (repeatable)")
    add_json(p)
    p.set_defaults(func=cmd_add)
    p = usub.add_parser("list", help="list users")
    add_json(p)
    p.set_defaults(func=cmd_list)


def _password(args: argparse.Namespace) -> str:
    if args.password_file:
        if not args.password_file.is_file():
            raise StudioError(f"no file {args.password_file}; check the path")
        lines = args.password_file.read_text(encoding="utf-8").splitlines()
        if not lines or not lines[0]:
            raise StudioError(f"{args.password_file} is empty; put the password on line 1")
        return lines[0]
    return getpass.getpass("password: ")


def _actor(session):
    """The user named by STUDIO_USER (the CLI then acts with that user's rights), else None."""
    from studio.accounts.auth import get_user
    from studio.config import get_settings

    username = get_settings().cli_user
    return get_user(session, username) if username else None


def _session():
    from studio.db.session import get_engine, is_migrated, session_scope

    if not is_migrated(get_engine()):
        raise StudioError("the database is not initialised; run 'python -m studio init' first")
    return session_scope()


def cmd_add(args: argparse.Namespace) -> int:
    from studio.accounts.auth import create_user, require_workspace_access
    from studio.accounts.permissions import check
    from studio.catalog.service import get_workspace

    password = _password(args)
    with _session() as session:
        actor = _actor(session)
        if actor is None:
            spaces = [get_workspace(session, slug) for slug in args.workspace]
        else:  # STUDIO_USER: only workspaces that user may open, and only with users.manage
            spaces = [require_workspace_access(session, actor, slug) for slug in args.workspace]
            check(actor.role, "users.manage")
        user = create_user(session, args.username, password, args.role, args.name, spaces)
        data = {"username": user.username, "role": user.role,
                "workspaces": [w.slug for w in spaces]}
    emit(args, data, f"user '{data['username']}' ({data['role']}) created")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from studio.accounts.auth import visible_workspaces
    from studio.accounts.models import User
    from studio.accounts.permissions import check

    with _session() as session:
        actor = _actor(session)
        if actor is not None:  # STUDIO_USER: the user list is for those who manage users
            check(actor.role, "users.manage")
        rows = [{"username": u.username, "name": u.display_name, "role": u.role,
                 "active": u.active, "workspaces": [w.slug for w in visible_workspaces(session, u)]}
                for u in session.scalars(select(User).order_by(User.username))]
    emit(args, {"users": rows}, lambda: "\n".join(
        f"{r['username']:20} {r['role']:9} {', '.join(r['workspaces'])}" for r in rows))
    return 0
