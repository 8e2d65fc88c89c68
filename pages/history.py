"""Generation history: every text the writer produced for a product, and how."""

import streamlit as st

from pages.common import db, lang, require_workspace, tr
from studio.catalog.labels import product_name
from studio.catalog.service import get_product, list_products
from studio.writing import history

UI = lang()
st.title(tr("writing.history.title"))

with db() as session:
    ws = require_workspace(session)
    products = {p.slug: product_name(p, UI) for p in list_products(session, ws)}
    if not products:
        st.info(tr("common.none"))
        st.stop()
    slug = st.selectbox(tr("writing.product"), list(products), key="history.product",
                        format_func=products.get)
    rows = [{"id": g.id, "at": g.created_at, "kind": g.kind, "channel": g.channel,
             "lang": g.lang, "engine": g.engine, "model": g.model,
             "prompt": f"{g.prompt_name} v{g.prompt_version}" if g.prompt_version
             else g.prompt_name, "tokens": f"{g.tokens_in or '-'} / {g.tokens_out or '-'}",
             "latency_s": g.latency_s, "errors": sum(1 for f in g.findings
                                                     if f.get("severity") == "error"),
             "notice": g.notice, "output": g.output, "parameters": g.parameters}
            for g in history(session, ws, get_product(session, ws, slug))]

if not rows:
    st.info(tr("writing.history.empty"))
    st.stop()
st.dataframe([{k: v for k, v in r.items() if k not in ("output", "parameters")} for r in rows],
             hide_index=True, use_container_width=True, key="history.table")
pick = st.selectbox(tr("writing.history.pick"), [r["id"] for r in rows], key="history.pick",
                    format_func=lambda i: next(f"#{r['id']} {r['kind']} {r['lang']} "
                                               f"{r['at']:%Y-%m-%d %H:%M}"
                                               for r in rows if r["id"] == i))
chosen = next(r for r in rows if r["id"] == pick)
st.json(chosen["parameters"], expanded=False)
st.json(chosen["output"])
