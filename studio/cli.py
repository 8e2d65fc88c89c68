"""``python -m studio ...``: parse, call the library, print. ``--json`` gives machine output.

Each capability registers its own subcommands from ``studio/<capability>/cli.py`` (a
``register(subparsers)`` function), listed in CAPABILITIES. Errors print one line that says how to
fix the problem and exit with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from studio.errors import StudioError, ValidationFailed

CAPABILITIES = (
    "studio.core_cli",
    "studio.catalog.cli",
    "studio.writing.cli",
    "studio.writing.check_cli",
    "studio.translate.cli",
    "studio.video.cli",
    "studio.publish.cli",
    "studio.live.cli",
    "studio.accounts.cli",
    "studio.workshop.cli",
)


class UsageError(StudioError):
    """The command line itself is wrong."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would exit 2 with a usage block
        raise UsageError(f"{message}; see '{self.prog} --help'")


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def add_workspace(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workspace", help="workspace slug (default: the only workspace)")


@contextmanager
def open_workspace(args: argparse.Namespace) -> Iterator[tuple]:
    """(session, workspace) for a command's ``--workspace``; commits when the command succeeds."""
    from studio.db.session import get_engine, is_migrated, session_scope

    if not is_migrated(get_engine()):
        raise StudioError("the database is not initialised; run 'python -m studio init' first")
    with session_scope() as session:
        yield session, scoped_workspace(session, getattr(args, "workspace", None))


def scoped_workspace(session, slug: str | None):
    """The workspace a command works on. With STUDIO_USER set, only one that user may see."""
    from studio.catalog.service import get_workspace
    from studio.config import get_settings

    username = get_settings().cli_user
    if not username:
        return get_workspace(session, slug)  # the machine's operator: every workspace
    from studio.accounts.auth import get_user, require_workspace_access, visible_workspaces

    user = get_user(session, username)
    if slug:
        return require_workspace_access(session, user, slug)
    spaces = visible_workspaces(session, user)
    if len(spaces) != 1:
        names = ", ".join(w.slug for w in spaces) or "none"
        raise StudioError(f"user '{user.username}' has {len(spaces)} workspaces ({names}); "
                          "choose one with --workspace")
    return spaces[0]


def emit(args: argparse.Namespace, data: object, text: str | Callable[[], str] = "") -> None:
    """Print ``data`` as JSON with --json, else the human ``text``."""
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(text() if callable(text) else text)


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # the parent package is absent
        return False


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m studio", description="OCOP Live Studio command line")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in CAPABILITIES:
        if not _module_exists(name):
            continue  # that capability has not landed yet
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return int(args.func(args) or 0)
    except ValidationFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        if len(exc.problems) > 1:
            for row in exc.table("en"):
                where = f"row {row['row']}, " if row["row"] is not None else ""
                print(f"  {where}{row['column']}: {row['reason']}", file=sys.stderr)
        return 2
    except StudioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted; run the command again to continue", file=sys.stderr)
        return 2
