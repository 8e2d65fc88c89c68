"""``python -m studio products list|show|import|export``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studio.cli import add_json, add_workspace, emit, open_workspace
from studio.errors import NotFound


def register(sub) -> None:
    products = sub.add_parser("products", help="the product catalog")
    psub = products.add_subparsers(dest="action", required=True, parser_class=type(products))
    p = psub.add_parser("list", help="list products")
    p.add_argument("--search", default="", help="filter by name, slug or alias")
    add_workspace(p)
    add_json(p)
    p.set_defaults(func=cmd_list)
    p = psub.add_parser("show", help="one product's fact sheet")
    p.add_argument("slug")
    add_workspace(p)
    add_json(p)
    p.set_defaults(func=cmd_show)
    p = psub.add_parser("import", help="import a CSV or XLSX file (all rows or none)")
    p.add_argument("file", type=Path)
    p.add_argument("--mode", choices=["upsert", "create"], default="upsert",
                   help="upsert (default) updates existing slugs; create rejects them")
    add_workspace(p)
    add_json(p)
    p.set_defaults(func=cmd_import)
    p = psub.add_parser("export", help="export products as CSV or XLSX")
    p.add_argument("--format", choices=["csv", "xlsx"], default=None)
    p.add_argument("--out", type=Path, help="file to write (default: standard output, CSV)")
    add_workspace(p)
    p.set_defaults(func=cmd_export)


def cmd_list(args: argparse.Namespace) -> int:
    from studio.catalog.factsheet import completeness
    from studio.catalog.service import list_products

    with open_workspace(args) as (session, ws):
        rows = [{"slug": p.slug, "name_vi": p.name_vi, "name_en": p.name_en,
                 "producer": p.producer.name, "ocop_group": p.ocop_group,
                 "ocop_stars": p.ocop_stars, "price_vnd": p.price_vnd,
                 "completeness": completeness(p)}
                for p in list_products(session, ws, args.search)]
    emit(args, {"workspace": ws.slug, "products": rows}, lambda: "\n".join(
        f"{r['slug']:28} {r['ocop_stars'] or '-'}★ {r['name_vi']} ({r['producer']})"
        for r in rows) or "no products")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from studio.catalog.factsheet import facts, missing
    from studio.catalog.service import get_product

    with open_workspace(args) as (session, ws):
        product = get_product(session, ws, args.slug)
        data = facts(product)
        data["missing"] = [name for name, _ in missing(product)]
    emit(args, data, lambda: "\n".join(
        [f"{data['names']['vi']} / {data['names']['en']}",
         f"producer: {data['producer']['name']}",
         f"OCOP: {data['ocop']['stars'] or '-'}★ {data['ocop']['group']}",
         f"price: {data['price_vnd']} VND / {data['unit']}",
         f"missing: {', '.join(data['missing']) or 'nothing'}"]))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from studio.catalog.io import import_products

    if not args.file.is_file():
        raise NotFound(f"no file {args.file}; check the path")
    data = args.file.read_bytes()
    with open_workspace(args) as (session, ws):
        result = import_products(session, ws, data, args.file.name, mode=args.mode)
    report = {"workspace": ws.slug, "created": result.created, "updated": result.updated,
              "new_producers": result.new_producers}
    emit(args, report, lambda: f"imported {len(result.created)} new and "
         f"{len(result.updated)} updated products into '{ws.slug}'")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from studio.catalog.io import export_products

    fmt = args.format or (args.out.suffix.lstrip(".").lower() if args.out else "csv")
    if fmt not in ("csv", "xlsx"):
        raise NotFound(f"cannot export to '.{fmt}'; use --format csv or xlsx")
    with open_workspace(args) as (session, ws):
        data = export_products(session, ws, fmt)
    if args.out:
        tmp = args.out.with_name(args.out.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(args.out)
        print(f"wrote {args.out}", file=sys.stderr)
    elif fmt == "xlsx":
        raise NotFound("XLSX is binary: give --out FILE.xlsx")
    else:
        sys.stdout.write(data.decode("utf-8"))
    return 0
