"""Writer: stories, listings, live scripts and captions, languages side by side, with checks."""

import streamlit as st

from pages.common import db, lang, require_workspace, show_error, tr
from studio.catalog.factsheet import facts
from studio.catalog.labels import product_name
from studio.catalog.service import get_product, list_producers, list_products
from studio.config import get_settings
from studio.errors import StudioError
from studio.writing import KINDS, LANGS, approve, as_text, generate, save_draft
from studio.writing.checks import is_fix
from studio.writing.editing import apply_edits, editable
from studio.writing.findings import Finding
from studio.writing.limits import CHANNELS, get_limits
from studio.writing.service import (
    apply_fix,
    check_texts,
    drafts,
    listings_csv,
    producer_listings,
    remove_span,
    workspace_style,
)

UI = lang()
ST = st.session_state
st.title(tr("writing.writer.title"))
# Texts set by a generation or a fix are applied here, before their text areas are drawn.
for _key, _text in ST.pop("writer.pending", {}).items():
    ST[_key] = _text

with db() as session:
    ws = require_workspace(session)
    products = {p.slug: product_name(p, UI) for p in list_products(session, ws)}
    producers = {p.id: p.name for p in list_producers(session, ws)}
if not products:
    st.info(tr("common.none"))
    st.stop()

c1, c2, c3 = st.columns(3)
slug = c1.selectbox(tr("writing.product"), list(products), key="writer.product",
                    format_func=products.get)
kind = c2.selectbox(tr("writing.kind"), KINDS, key="writer.kind",
                    format_func=lambda k: tr(f"writing.kind.{k}"))
engine = c3.radio(tr("writing.engine"), ["offline", "llm"], key="writer.engine",
                  horizontal=True, index=1 if get_settings().llm_configured else 0,
                  format_func=lambda e: tr(f"writing.engine.{e}"))
c4, c5, c6 = st.columns(3)
langs = c4.multiselect(tr("writing.langs"), LANGS, default=["vi", "en"], key="writer.langs")
channel = None
if kind in ("listing", "caption"):
    options = CHANNELS if kind == "listing" else ["", *CHANNELS]
    channel = c5.selectbox(tr("writing.channel"), options, key="writer.channel",
                           format_func=lambda c: get_limits(c).label if c else "—") or None
more, minutes = [], 30
if kind == "script":
    more = c5.multiselect(tr("writing.more_products"), [s for s in products if s != slug],
                          key="writer.more", format_func=products.get)
    minutes = int(c6.number_input(tr("writing.minutes"), 1, 240, 30, key="writer.minutes"))


def _store(result, only: list[str]) -> None:
    """Keep the result; fill the text areas of ``only`` (before they are drawn next run)."""
    ST["writer.result"] = result.to_dict()
    ST["writer.pending"] = {f"writer.text.{code}.{key}": text
                            for code, fields in result.texts.items() if code in only
                            for key, text in editable(result.kind, fields).items()}


def _run(only: list[str], merge: bool = False) -> None:
    boxes = {code: st.empty() for code in only}
    streamed: dict[str, str] = {code: "" for code in only}

    def on_token(code: str, piece: str) -> None:
        streamed[code] += piece
        boxes[code].code(streamed[code][-1500:], language="json")

    try:
        with db() as session:
            ws = require_workspace(session)
            result = generate(session, ws, [slug, *more], kind, only, channel=channel,
                              engine=engine, minutes=minutes, on_token=on_token)
    except StudioError as exc:
        show_error(exc)
        return
    old = ST.get("writer.result")
    if merge and old and old["kind"] == kind:  # one language written again
        merged = {**old["texts"], **result.texts}
        result.findings = [f for f in old["findings"] if f["lang"] not in only] + result.findings
        result.notices = {**{k: v for k, v in old["notices"].items() if k not in only},
                          **result.notices}
        result.texts = merged
    _store(result, only)
    st.rerun()


if st.button(tr("writing.generate"), key="writer.generate", type="primary",
             disabled=not langs):
    _run(langs)

data = ST.get("writer.result")
if not data or data["kind"] != kind or data["product"] != slug:
    st.caption(tr("writing.hint"))
else:
    cols = st.columns(len(data["texts"]))
    edited: dict[str, dict] = {}
    for col, (code, fields) in zip(cols, data["texts"].items(), strict=True):
        with col:
            st.subheader(code.upper())
            if code in data["notices"]:
                st.warning(tr("writing.fallback_notice", reason=data["notices"][code]))
            edits = {}
            for key in editable(kind, fields):
                state_key = f"writer.text.{code}.{key}"
                edits[key] = st.text_area(key, key=state_key, height=160 if
                                          key in ("long", "description", "body", "caption")
                                          else 90)
                for i, f in enumerate(x for x in data["findings"]
                                      if x["lang"] == code and x["field"] == key):
                    badge = {"error": "🔴", "warning": "🟠", "info": "🔵"}[f["severity"]]
                    st.caption(f"{badge} **{f['kind']}** · {f['message']} — _{f['rule']}_")
                    finding = Finding(**{k: f[k] for k in ("kind", "severity", "start", "end",
                                                           "text", "rule", "message",
                                                           "suggestion")})
                    if f["suggestion"] and (is_fix(finding) or f["kind"] == "limit"):
                        if st.button(tr("writing.apply_fix", fix=f["suggestion"][:40]),
                                     key=f"writer.fix.{code}.{key}.{i}"):
                            try:
                                ST["writer.pending"] = {state_key: apply_fix(edits[key], f)}
                                st.rerun()
                            except StudioError as exc:
                                show_error(exc)
                    else:
                        if f["suggestion"]:
                            st.caption(tr("writing.suggestion", text=f["suggestion"]))
                        if f["kind"] in ("claim", "injection") and st.button(
                                tr("writing.remove", text=f["text"][:40]),
                                key=f"writer.remove.{code}.{key}.{i}"):
                            try:
                                ST["writer.pending"] = {state_key: remove_span(edits[key], f)}
                                st.rerun()
                            except StudioError as exc:
                                show_error(exc)
            edited[code] = apply_edits(kind, fields, edits)
            if st.button(tr("writing.regenerate"), key=f"writer.regen.{code}"):
                _run([code], merge=True)
            text = as_text(kind, edited[code])
            st.download_button(tr("writing.download_txt"), text.encode("utf-8"),
                               f"{slug}-{kind}-{code}.txt", key=f"writer.dl_txt.{code}")
            st.download_button(tr("writing.download_md"),
                               as_text(kind, edited[code], markdown=True).encode("utf-8"),
                               f"{slug}-{kind}-{code}.md", key=f"writer.dl_md.{code}")
            with st.expander(tr("writing.copy")):
                st.code(text, language=None)
    blocked = any(f["severity"] == "error" for f in data["findings"])
    (st.error if blocked else st.success)(tr("writing.blocked" if blocked else "writing.clear"))
    b1, b2, b3 = st.columns(3)
    if b1.button(tr("writing.recheck"), key="writer.recheck"):
        with db() as session:
            ws = require_workspace(session)
            sheets = tuple(facts(get_product(session, ws, s)) for s in [slug, *more])
            glossary, accent = workspace_style(ws)
        data["texts"], data["findings"] = edited, [
            {**f.to_dict(), "lang": code, "field": name} for code, fields in edited.items()
            for name, f in check_texts(kind, fields, code, sheets, channel, glossary, accent)]
        ST["writer.result"] = data
        st.rerun()
    if b2.button(tr("writing.save_version"), key="writer.save"):
        with db() as session:
            ws = require_workspace(session)
            version = save_draft(session, ws, get_product(session, ws, slug), kind, channel,
                                 edited, data["findings"], engine=data["engine"])
        st.success(tr("writing.saved", number=version.number))
    if b3.button(tr("writing.approve"), key="writer.approve"):
        try:
            with db() as session:
                ws = require_workspace(session)
                product = get_product(session, ws, slug)
                draft = next((d for d in drafts(session, ws, product)
                              if d.kind == kind and d.channel == (channel or "")), None)
                if draft is None:
                    raise StudioError(tr("writing.save_first"))
                approve(session, draft)
            st.success(tr("writing.approved"))
        except StudioError as exc:
            show_error(exc)

with db() as session:
    ws = require_workspace(session)
    product = get_product(session, ws, slug)
    history = [(d.kind, d.channel, d.status, v.number, v.created_at, v.texts)
               for d in drafts(session, ws, product) for v in d.versions]
if history:
    with st.expander(tr("writing.versions", count=len(history))):
        labels = [f"{k} {c} · v{n} · {s} · {at:%Y-%m-%d %H:%M}"
                  for k, c, s, n, at, _ in history]
        pick = st.selectbox(tr("writing.version"), range(len(history)), key="writer.version",
                            format_func=lambda i: labels[i])
        for code, fields in history[pick][5].items():
            st.markdown(f"**{code.upper()}**")
            st.code(as_text(history[pick][0], fields), language=None)

with st.expander(tr("writing.bulk")):
    producer = st.selectbox(tr("writing.producer"), list(producers), key="writer.bulk_producer",
                            format_func=producers.get) if producers else None
    bulk_channels = st.multiselect(tr("writing.channels"), CHANNELS, default=["shopee"],
                                   key="writer.bulk_channels")
    if st.button(tr("writing.bulk_run"), key="writer.bulk_run", disabled=producer is None):
        bar = st.progress(0.0, text=tr("writing.bulk_progress", done=0, total="…"))
        try:
            with db() as session:
                ws = require_workspace(session)
                rows = producer_listings(
                    session, ws, producer, bulk_channels, langs or ["vi"],
                    on_progress=lambda done, total: bar.progress(
                        done / total, text=tr("writing.bulk_progress", done=done,
                                              total=total)))
            ST["writer.bulk_csv"] = listings_csv(rows)
        except StudioError as exc:
            show_error(exc)
    if ST.get("writer.bulk_csv"):
        st.download_button(tr("writing.bulk_csv"), ST["writer.bulk_csv"].encode("utf-8"),
                           "listings.csv", "text/csv", key="writer.bulk_download")
