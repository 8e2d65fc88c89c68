"""Glossary and translation memory editors, and the glossary CSV import."""

import streamlit as st

from pages.common import confirm_delete, db, flash, require_workspace, show_error, show_flash, tr
from studio.errors import StudioError
from studio.translate import LANGUAGES, SEED_SUGGESTIONS, glossary, memory

st.title(tr("translate.glossary.title"))
st.caption(tr("translate.glossary.intro"))
show_flash()

with db() as session:
    ws = require_workspace(session)
    terms = [glossary.entry_dict(e) for e in glossary.list_terms(session, ws)]
    entries = [{"id": e.id, "source": e.source, "target": e.target, "from": e.source_lang,
                "to": e.target_lang, "uses": e.uses} for e in memory.list_memory(session, ws)]

tab_terms, tab_memory, tab_import = st.tabs([tr(f"translate.glossary.tab.{name}")
                                             for name in ("terms", "memory", "import")])
langs = list(LANGUAGES)

with tab_terms:
    with st.form("glossary.add"):
        a, b = st.columns(2)
        src = a.text_input(tr("translate.glossary.source"), key="glossary.add.source")
        tgt = b.text_input(tr("translate.glossary.target"), key="glossary.add.target")
        c, d, e = st.columns(3)
        lang_from = c.selectbox(tr("translate.from"), langs, key="glossary.add.from")
        lang_to = d.selectbox(tr("translate.to"), langs, index=1, key="glossary.add.to")
        note = e.text_input(tr("translate.glossary.note"), key="glossary.add.note")
        if st.form_submit_button(tr("translate.glossary.save")):
            try:
                with db() as session:
                    glossary.add_term(session, require_workspace(session), src, tgt, lang_from,
                                      lang_to, note)
                flash(tr("translate.glossary.saved", source=src))
                st.rerun()
            except StudioError as exc:
                show_error(exc)
    if terms:
        st.dataframe([{tr("translate.glossary.source"): t["source"],
                       tr("translate.glossary.target"): t["target"],
                       tr("translate.from"): t["from"], tr("translate.to"): t["to"],
                       tr("translate.glossary.note"): t["note"]} for t in terms],
                     hide_index=True, width="stretch", key="glossary.table")
        names = {t["id"]: f"{t['source']} → {t['target']}" for t in terms}
        pick = st.selectbox(tr("translate.glossary.pick"), list(names), key="glossary.pick",
                            format_func=names.get)
        if st.button(tr("translate.glossary.delete"), key="glossary.delete"):
            st.session_state["glossary.confirm"] = pick
        if confirm_delete("glossary.confirm", pick, names.get(pick, "")):
            with db() as session:
                glossary.delete_term(session, require_workspace(session), pick)
            st.rerun()
    else:
        st.info(tr("translate.glossary.empty"))
    known = {(t["source"], t["from"], t["to"]) for t in terms}
    missing = [s for s in SEED_SUGGESTIONS if (s[0], s[2], s[3]) not in known]
    if missing:
        st.caption(tr("translate.glossary.suggestions", terms=", ".join(f"{s[0]} → {s[1]}"
                                                                for s in missing)))
        if st.button(tr("translate.glossary.add_suggestions"), key="glossary.seed"):
            with db() as session:
                ws = require_workspace(session)
                for source, target, lang_from, lang_to, note in missing:
                    glossary.add_term(session, ws, source, target, lang_from, lang_to, note)
            st.rerun()

with tab_memory:
    query = st.text_input(tr("common.search"), key="memory.search")
    rows = [r for r in entries
            if query.casefold() in (r["source"] + " " + r["target"]).casefold()]
    if rows:
        st.dataframe([{tr("translate.glossary.source"): r["source"],
                       tr("translate.glossary.target"): r["target"],
                       tr("translate.from"): r["from"], tr("translate.to"): r["to"],
                       tr("translate.glossary.uses"): r["uses"]} for r in rows],
                     hide_index=True, width="stretch", key="memory.table")
        by_id = {r["id"]: r for r in rows}
        pick = st.selectbox(tr("translate.glossary.pick"), list(by_id), key="memory.pick",
                            format_func=lambda i: by_id[i]["source"][:80])
        chosen = by_id[pick]
        new_target = st.text_area(tr("translate.glossary.target"), chosen["target"],
                                  key=f"memory.target.{pick}")
        save, delete = st.columns(2)
        if save.button(tr("translate.glossary.save"), key="memory.save"):
            try:
                with db() as session:
                    memory.approve(session, require_workspace(session), chosen["source"],
                                   new_target, chosen["from"], chosen["to"], "edited")
                flash(tr("translate.glossary.saved", source=chosen["source"][:40]))
                st.rerun()
            except StudioError as exc:
                show_error(exc)
        if delete.button(tr("translate.glossary.delete"), key="memory.delete"):
            st.session_state["memory.confirm"] = pick
        if confirm_delete("memory.confirm", pick, chosen["source"][:40]):
            with db() as session:
                memory.delete_memory(session, require_workspace(session), pick)
            st.rerun()
    else:
        st.info(tr("translate.glossary.memory_empty"))

with tab_import:
    st.caption(tr("translate.glossary.import_help"))
    upload = st.file_uploader(tr("translate.glossary.file"), type=["csv"], key="glossary.upload")
    c, d = st.columns(2)
    lang_from = c.selectbox(tr("translate.from"), langs, key="glossary.import.from")
    lang_to = d.selectbox(tr("translate.to"), langs, index=1, key="glossary.import.to")
    if upload is not None and st.button(tr("translate.glossary.import"), key="glossary.import"):
        try:
            with db() as session:
                report = glossary.import_csv(session, require_workspace(session),
                                             upload.getvalue(), lang_from, lang_to)
            flash(tr("translate.glossary.imported", **report))
            st.rerun()
        except StudioError as exc:
            show_error(exc)
