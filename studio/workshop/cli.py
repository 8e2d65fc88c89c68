"""``python -m studio workshop create|list|progress|sheet|handout``."""

from __future__ import annotations

import argparse
from pathlib import Path

from studio.cli import add_json, emit
from studio.errors import StudioError


def register(sub) -> None:
    ws = sub.add_parser("workshop", help="workshop mode for trainers")
    wsub = ws.add_subparsers(dest="action", required=True, parser_class=type(ws))
    p = wsub.add_parser("create", help="create a workshop with join codes")
    p.add_argument("--name", required=True)
    p.add_argument("--seats", type=int, help="number of seats")
    p.add_argument("--participants", type=Path, help="file with one participant name a line")
    p.add_argument("--trainer", help="username of the trainer who runs it")
    add_json(p)
    p.set_defaults(func=cmd_create)
    p = wsub.add_parser("list", help="list workshops")
    add_json(p)
    p.set_defaults(func=cmd_list)
    p = wsub.add_parser("progress", help="the trainer's board: one row per participant")
    p.add_argument("id", type=int)
    add_json(p)
    p.set_defaults(func=cmd_progress)
    p = wsub.add_parser("sheet", help="printable PDF of the join codes")
    p.add_argument("id", type=int)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--base-url", help="address participants open (default: this machine's LAN)")
    p.set_defaults(func=cmd_sheet)


def _session():
    from studio.db.session import get_engine, is_migrated, session_scope

    if not is_migrated(get_engine()):
        raise StudioError("the database is not initialised; run 'python -m studio init' first")
    return session_scope()


def _actor(session, action: str):
    """The STUDIO_USER user, checked for ``action`` (None: the machine's operator, any workshop)."""
    from studio.accounts.auth import get_user
    from studio.accounts.permissions import check
    from studio.config import get_settings

    username = get_settings().cli_user
    if not username:
        return None
    user = get_user(session, username)
    check(user.role, action)
    return user


def _names(path: Path | None) -> list[str] | None:
    if path is None:
        return None
    if not path.is_file():
        raise StudioError(f"no file {path}; check the path")
    try:
        return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip()]
    except UnicodeDecodeError as exc:
        raise StudioError(f"{path} is not UTF-8 text; save it as UTF-8") from exc


def cmd_create(args: argparse.Namespace) -> int:
    from studio.accounts.auth import get_user
    from studio.workshop.service import create_workshop

    if (args.seats is None) == (args.participants is None):
        raise StudioError("give either --seats K or --participants FILE")
    with _session() as session:
        actor = _actor(session, "workshop.create")
        trainer = get_user(session, args.trainer) if args.trainer else actor
        workshop = create_workshop(session, args.name, seats=args.seats,
                                   participants=_names(args.participants), trainer=trainer)
        from studio.db.models import Workspace

        data = {"id": workshop.id, "name": workshop.name,
                "held_on": workshop.held_on.isoformat(),
                "seats": [{"code": s.code, "workspace": session.get(Workspace,
                                                                    s.workspace_id).slug,
                           "participant": s.participant,
                           "expires_at": s.expires_at.isoformat()} for s in workshop.seats]}
    emit(args, data, lambda: f"workshop {data['id']} '{data['name']}':\n" + "\n".join(
        f"  {s['code']}  {s['workspace']}  {s['participant']}" for s in data["seats"]))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from studio.accounts.models import Workshop
    from studio.workshop.service import visible_workshops

    with _session() as session:
        actor = _actor(session, "workshop.progress")
        shown = (session.scalars(select(Workshop).order_by(Workshop.id)) if actor is None
                 else sorted(visible_workshops(session, actor), key=lambda w: w.id))
        rows = [{"id": w.id, "name": w.name, "held_on": w.held_on.isoformat(),
                 "seats": len(w.seats), "joined": sum(1 for s in w.seats if s.joined_at)}
                for w in shown]
    emit(args, {"workshops": rows}, lambda: "\n".join(
        f"{r['id']:4} {r['held_on']} {r['name']} ({r['joined']}/{r['seats']})" for r in rows)
        or "no workshops")
    return 0


def cmd_progress(args: argparse.Namespace) -> int:
    from studio.workshop.progress import workshop_progress
    from studio.workshop.service import get_workshop

    with _session() as session:
        actor = _actor(session, "workshop.progress")
        rows = workshop_progress(session, get_workshop(session, args.id, actor))
    emit(args, {"workshop": args.id, "participants": rows}, lambda: "\n".join(
        f"{r['code']} {r['participant'] or '-':20} "
        + " ".join("✓" if r["steps"][n]["done"] else "·" for n in sorted(r["steps"]))
        for r in rows))
    return 0


def cmd_sheet(args: argparse.Namespace) -> int:
    from studio.config import get_settings
    from studio.workshop.documents import join_sheet_pdf
    from studio.workshop.service import get_workshop, lan_address

    settings = get_settings()
    base = args.base_url or settings.public_url or f"http://{lan_address()}:{settings.port}"
    with _session() as session:
        actor = _actor(session, "workshop.progress")
        data = join_sheet_pdf(get_workshop(session, args.id, actor), base)
    tmp = args.out.with_name(args.out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(args.out)
    print(f"wrote {args.out}")
    return 0
