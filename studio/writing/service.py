"""Writing as a service: generate, check, log; drafts with versions; bulk listings.

``generate`` is what the CLI, the pages and other capabilities call. Every text an engine writes
is run through the checks and carries its findings; every generation is logged (prompt name and
version, engine, model, parameters, output, tokens, latency, product, kind, channel, language).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from studio.catalog.factsheet import facts as fact_sheet
from studio.catalog.service import get_product
from studio.db.models import Product, Workspace
from studio.errors import NotFound, StudioError
from studio.writing.engines import LANGS, Engine, Request, WritingError, get_engine
from studio.writing.findings import Finding, blocking
from studio.writing.limits import FIELDS as LIMIT_FIELDS
from studio.writing.limits import check_limits
from studio.writing.models import Draft, DraftVersion, Generation
from studio.writing.phrases import bank
from studio.writing.script import script_text

TokenSink = Callable[[str, str], None]  # (lang, text piece)


@dataclass
class Result:
    """Texts per language for one request, with their findings and notices."""

    kind: str
    products: list[str]
    channel: str | None
    engine: str
    texts: dict[str, dict] = field(default_factory=dict)
    findings: list[dict] = field(default_factory=list)
    notices: dict[str, str] = field(default_factory=dict)
    engines: dict[str, str] = field(default_factory=dict)
    generation_ids: dict[str, int] = field(default_factory=dict)

    @property
    def blocked(self) -> bool:
        return any(f["severity"] == "error" for f in self.findings)

    def to_dict(self) -> dict:
        data = {"kind": self.kind, "product": self.products[0], "channel": self.channel,
                "engine": self.engine, "texts": self.texts, "findings": self.findings,
                "notices": self.notices, "engines": self.engines}
        if len(self.products) > 1:
            data["products"] = self.products
        return data


def parse_langs(value: str | Iterable[str]) -> list[str]:
    """'vi,en' → ['vi', 'en']; WritingError names an unknown language."""
    items = value.split(",") if isinstance(value, str) else list(value)
    langs = [x.strip() for x in items if x.strip()]
    if not langs:
        raise WritingError(f"no language given; pass --langs with some of {', '.join(LANGS)}")
    for lang in langs:
        if lang not in LANGS:
            raise WritingError(f"unknown language {lang!r}; use some of {', '.join(LANGS)}")
    return list(dict.fromkeys(langs))


def generate(session: Session, ws: Workspace, slugs: list[str] | str, kind: str,
             langs: list[str] | str, *, channel: str | None = None, engine: str | Engine =
             "offline", minutes: int = 30, reasons: Iterable[str] = (),
             on_token: TokenSink | None = None) -> Result:
    """Write ``kind`` for the products ``slugs`` in each of ``langs``, check it and log it."""
    slugs = [slugs] if isinstance(slugs, str) else list(slugs)
    langs = parse_langs(langs)
    products = [get_product(session, ws, slug) for slug in slugs]
    sheets = tuple(fact_sheet(p) for p in products)
    eng = get_engine(engine) if isinstance(engine, str) else engine
    result = Result(kind, slugs, channel, eng.name)
    glossary, accent = workspace_style(ws)
    for lang in langs:
        request = Request(kind, lang, sheets, channel, minutes, tuple(reasons))
        sink = (lambda piece, _lang=lang: on_token(_lang, piece)) if on_token else None
        written = eng.write(request, on_token=sink)
        found = check_texts(kind, written.fields, lang, sheets, channel, glossary, accent)
        result.texts[lang] = written.fields
        result.engines[lang] = written.engine
        if written.notice:
            result.notices[lang] = written.notice
        result.findings += [{**f.to_dict(), "lang": lang, "field": name} for name, f in found]
        result.generation_ids[lang] = log_generation(session, ws, products[0], request, written,
                                                     [f for _, f in found])
    return result


def workspace_style(ws: Workspace) -> tuple[tuple[str, ...], str | None]:
    """The workspace's brand glossary and Vietnamese accent style (from its settings)."""
    conf = (ws.settings or {}).get("writing", {}) if isinstance(ws.settings, dict) else {}
    return tuple(conf.get("glossary") or ()), conf.get("accent_style")


# -- checks ------------------------------------------------------------------------------------
def text_fields(kind: str, fields: dict) -> Iterator[tuple[str, str, str]]:
    """(field name, text, product slug or "") of every text a reader or listener gets.

    A script's host notes (the banned-phrase reminder, never read aloud) are not checked: they
    quote the banned phrases on purpose.
    """
    if kind == "script":
        yield "title", fields.get("title", ""), ""
        for i, seg in enumerate(fields.get("segments", [])):
            yield f"segments[{i}]", "\n".join(seg["lines"]), seg.get("product", "")
        for i, qa in enumerate(fields.get("questions", [])):
            yield f"questions[{i}]", f"{qa['q']}\n{qa['a']}", qa.get("product", "")
        return
    for name, value in fields.items():
        if isinstance(value, str):
            yield name, value, ""
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            sep = " " if name == "hashtags" else ("\n" if name == "bullets" else ", ")
            yield name, sep.join(value), ""


def check_texts(kind: str, fields: dict, lang: str, sheets: tuple[dict, ...],
                channel: str | None, glossary: tuple[str, ...] = (),
                accent_style: str | None = None) -> list[tuple[str, Finding]]:
    """Every finding on the texts of one language, as (field name, finding)."""
    from studio.writing.checks import run_checks

    merged = merge_facts(sheets)
    by_slug = {sheet.get("slug"): sheet for sheet in sheets}
    # Words the fact sheets use are the producer's own spelling: accepted (quoted in en/fr).
    # The phrase bank's own loanwords ("livestream", "shop") are part of the house style.
    glossary = (*glossary, *(t for sheet in sheets for t in fact_texts(sheet)),
                *bank(lang).get("vocabulary", []))
    out: list[tuple[str, Finding]] = []
    for name, text, slug in text_fields(kind, fields):
        if not text:
            continue
        found = run_checks(text, lang, facts=by_slug.get(slug, merged), channel=None, field=name,
                           glossary=glossary, accent_style=accent_style)
        out += [(name, f) for f in found]
    if channel and kind in ("listing", "caption"):
        for name in LIMIT_FIELDS:
            if name in fields:
                out += [(name, f) for f in check_limits({name: fields[name]}, channel)]
    return out


def fact_texts(value) -> list[str]:
    """Every text value of a fact sheet (nested dicts and lists)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in fact_texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in fact_texts(v)]
    return []


def merge_facts(sheets: tuple[dict, ...]) -> dict:
    """One fact sheet for several products (a live script): lists joined, texts joined."""
    if len(sheets) == 1:
        return sheets[0]
    merged: dict = {}
    for sheet in sheets:
        for key, value in sheet.items():
            merged[key] = _merge_value(merged.get(key), value)
    return merged


def _merge_value(old, new):
    if old is None:
        return new
    if isinstance(old, dict) and isinstance(new, dict):
        return {k: _merge_value(old.get(k), new.get(k)) for k in {**old, **new}}
    if isinstance(old, list) and isinstance(new, list):
        return old + [x for x in new if x not in old]
    if isinstance(old, str) and isinstance(new, str):
        return old if new in old else f"{old}; {new}"
    return old if new is None else new


def apply_fix(text: str, finding: dict) -> str:
    """``text`` with ``finding``'s suggestion applied (a limit suggestion is the whole text)."""
    suggestion = finding.get("suggestion") or ""
    if not suggestion:
        raise StudioError("this finding has no automatic fix; edit the text by hand")
    if finding["kind"] == "limit":
        return suggestion
    start, end = finding["start"], finding["end"]
    if text[start:end] != finding["text"]:
        raise StudioError("the text changed since it was checked; check it again, then fix")
    return text[:start] + suggestion + text[end:]


def remove_span(text: str, finding: dict) -> str:
    """``text`` without the flagged span (a claim or an injected instruction), spaces tidied."""
    start, end = finding["start"], finding["end"]
    if text[start:end] != finding["text"]:
        raise StudioError("the text changed since it was checked; check it again, then fix")
    head, tail = text[:start].rstrip(" "), text[end:].lstrip(" ")
    if not tail or tail[0] in ".!?\n":
        head = head.rstrip(",;:– ")
    joined = head + (" " if head and tail and tail[0] not in ".,;:!?" else "") + tail
    return joined.strip(" ")


# -- log ---------------------------------------------------------------------------------------
def log_generation(session: Session, ws: Workspace, product: Product | None, request: Request,
                   written, findings: list[Finding]) -> int:
    row = Generation(
        workspace_id=ws.id, product_id=product.id if product else None, kind=request.kind,
        channel=request.channel or "", lang=request.lang, engine=written.engine,
        model=written.model or "", prompt_name=written.prompt_name or "",
        prompt_version=written.prompt_version,
        parameters={**written.parameters,
                    "products": [p.get("slug") for p in request.products]},
        output=written.fields, findings=[f.to_dict() for f in findings],
        tokens_in=written.tokens_in, tokens_out=written.tokens_out,
        latency_s=float(written.latency_s or 0.0), notice=written.notice or "")
    session.add(row)
    session.flush()
    return row.id


def history(session: Session, ws: Workspace, product: Product | None = None,
            limit: int = 200) -> list[Generation]:
    """Generations of ``ws`` (of one product when given), newest first."""
    stmt = select(Generation).where(Generation.workspace_id == ws.id)
    if product is not None:
        stmt = stmt.where(Generation.product_id == product.id)
    return list(session.scalars(stmt.order_by(Generation.id.desc()).limit(limit)))


# -- drafts ------------------------------------------------------------------------------------
def save_draft(session: Session, ws: Workspace, product: Product, kind: str,
               channel: str | None, texts: dict, findings: list[dict], *, engine: str = "",
               note: str = "") -> DraftVersion:
    """Save ``texts`` as the next version of the product's draft for ``kind``/``channel``."""
    draft = session.scalar(select(Draft).where(
        Draft.workspace_id == ws.id, Draft.product_id == product.id, Draft.kind == kind,
        Draft.channel == (channel or "")))
    if draft is None:
        draft = Draft(workspace_id=ws.id, product_id=product.id, kind=kind,
                      channel=channel or "", status="draft", title=product.name_vi)
        session.add(draft)
        session.flush()
    number = max((v.number for v in draft.versions), default=0) + 1
    version = DraftVersion(workspace_id=ws.id, draft_id=draft.id, number=number, texts=texts,
                           findings=findings, engine=engine, note=note)
    draft.versions.append(version)
    draft.status = "draft"
    session.flush()
    return version


def drafts(session: Session, ws: Workspace, product: Product) -> list[Draft]:
    stmt = select(Draft).where(Draft.workspace_id == ws.id, Draft.product_id == product.id)
    return list(session.scalars(stmt.order_by(Draft.kind, Draft.channel)))


def approve(session: Session, draft: Draft) -> Draft:
    """Mark a draft approved; refused while its latest version has a blocking finding."""
    if not draft.versions:
        raise StudioError("the draft has no saved version; save the texts first")
    latest = draft.versions[-1]
    if any(f.get("severity") == "error" for f in latest.findings):
        raise StudioError("the texts still have blocking findings (errors); fix them, save, "
                          "then approve")
    draft.status = "approved"
    session.flush()
    return draft


# -- text exports ------------------------------------------------------------------------------
def as_text(kind: str, fields: dict, *, markdown: bool = False) -> str:
    """One language's fields as plain text or Markdown (for copy and download)."""
    if kind == "script":
        return script_text(fields)
    out = []
    for name, value in fields.items():
        if isinstance(value, list):
            value = "\n".join(f"- {v}" for v in value) if name == "bullets" else ", ".join(
                value) if name == "tags" else " ".join(value)
        if not isinstance(value, str) or not value:
            continue
        out.append(f"## {name}\n\n{value}" if markdown else f"[{name}]\n{value}")
    return "\n\n".join(out) + "\n"


# -- bulk listings -----------------------------------------------------------------------------
CSV_COLUMNS = ("product", "channel", "lang", "title", "description", "bullets", "tags",
               "hashtags", "caption", "author", "errors", "warnings")


def bulk_listings(sheets: list[dict], channels: list[str], langs: list[str], *,
                  checks: bool = True, on_progress: Callable[[int, int], None] | None = None,
                  engine: Engine | None = None,
                  on_written: Callable[[Request, object, list], None] | None = None
                  ) -> list[dict]:
    """Offline listings of every product × channel × language (rows ready for CSV).

    ``on_written(request, written, findings)`` is called for each text (to log it).
    """
    eng = engine or get_engine("offline")
    total, done, rows = len(sheets) * len(channels) * len(langs), 0, []
    for sheet in sheets:
        for channel in channels:
            for lang in langs:
                written = eng.write(Request("listing", lang, (sheet,), channel))
                found = check_texts("listing", written.fields, lang, (sheet,), channel) \
                    if checks else []
                if on_written:
                    on_written(Request("listing", lang, (sheet,), channel), written,
                               [f for _, f in found])
                rows.append({"product": sheet["slug"], "channel": channel, "lang": lang,
                             "fields": written.fields,
                             "findings": [{**f.to_dict(), "field": n} for n, f in found]})
                done += 1
                if on_progress:
                    on_progress(done, total)
    return rows


def listings_csv(rows: list[dict]) -> str:
    """CSV text of bulk listing rows (list fields joined; error and warning counts)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for row in rows:
        f = row["fields"]
        writer.writerow({
            "product": row["product"], "channel": row["channel"], "lang": row["lang"],
            "title": f.get("title", ""), "description": f.get("description", ""),
            "bullets": "\n".join(f.get("bullets", [])), "tags": ", ".join(f.get("tags", [])),
            "hashtags": " ".join(f.get("hashtags", [])), "caption": f.get("caption", ""),
            "author": f.get("author", ""),
            "errors": sum(1 for x in row["findings"] if x["severity"] == "error"),
            "warnings": sum(1 for x in row["findings"] if x["severity"] == "warning")})
    return buf.getvalue()


def producer_listings(session: Session, ws: Workspace, producer_id: int, channels: list[str],
                      langs: list[str], *,
                      on_progress: Callable[[int, int], None] | None = None) -> list[dict]:
    """Every listing of one producer's products (logged), as rows for :func:`listings_csv`."""
    products = list(session.scalars(select(Product).where(
        Product.workspace_id == ws.id, Product.producer_id == producer_id).order_by(Product.slug)))
    if not products:
        raise NotFound("this producer has no products yet; add one in the catalog first")
    if not channels:
        raise WritingError("choose at least one channel for the bulk listings")
    by_slug = {p.slug: p for p in products}

    def log(request: Request, written, findings: list) -> None:
        log_generation(session, ws, by_slug[request.facts["slug"]], request, written, findings)

    return bulk_listings([fact_sheet(p) for p in products], channels, parse_langs(langs),
                         on_progress=on_progress, on_written=log)


__all__ = ["Result", "apply_fix", "remove_span", "approve", "as_text", "blocking", "bulk_listings",
           "check_texts", "drafts", "generate", "history", "listings_csv", "log_generation",
           "parse_langs", "producer_listings", "save_draft"]
