"""Prompt library: the writer's prompt files, edits saved as new versions, versions compared."""

import streamlit as st

from pages.common import db, lang, require_workspace, show_error, tr
from studio.catalog.factsheet import facts
from studio.catalog.labels import product_name
from studio.catalog.service import get_product, list_products
from studio.config import get_settings
from studio.errors import StudioError
from studio.writing import Request, generate
from studio.writing import prompts as library
from studio.writing.engines import LLMEngine
from studio.writing.engines.llm import variables
from studio.writing.limits import CHANNELS

UI = lang()
st.title(tr("writing.prompts.title"))

names = library.names()
name = st.selectbox(tr("writing.prompts.name"), names, key="prompts.name")
versions = library.versions(name)
version = st.selectbox(tr("writing.prompts.version"), versions, index=len(versions) - 1,
                       key="prompts.version", format_func=lambda v: f"v{v}")
try:
    prompt = library.get_prompt(name, version)
except StudioError as exc:
    show_error(exc)
    st.stop()
st.caption(prompt.description)
st.markdown(tr("writing.prompts.variables", names=", ".join(f"`${v}`" for v in
                                                            prompt.variables)))
st.json(prompt.schema, expanded=False)

with st.form("prompts.edit_form"):
    system = st.text_area(tr("writing.prompts.system"), prompt.system, height=200,
                          key=f"prompts.system.{name}.{version}")
    user = st.text_area(tr("writing.prompts.user"), prompt.user, height=200,
                        key=f"prompts.user.{name}.{version}")
    if st.form_submit_button(tr("writing.prompts.save")):
        try:
            saved = library.save_version(prompt, system=system, user=user)
            st.success(tr("writing.prompts.saved", version=saved.version))
        except StudioError as exc:
            show_error(exc)

st.subheader(tr("writing.prompts.compare"))
if len(versions) < 2:
    st.info(tr("writing.prompts.one_version"))
    st.stop()
c1, c2 = st.columns(2)
left = c1.selectbox("A", versions, index=len(versions) - 2, key="prompts.left",
                    format_func=lambda v: f"v{v}")
right = c2.selectbox("B", versions, index=len(versions) - 1, key="prompts.right",
                     format_func=lambda v: f"v{v}")
a, b = library.get_prompt(name, left), library.get_prompt(name, right)
st.code(library.diff(a, b) or tr("writing.prompts.same"), language="diff")

with db() as session:
    ws = require_workspace(session)
    products = {p.slug: product_name(p, UI) for p in list_products(session, ws)}
if not products:
    st.stop()
slug = st.selectbox(tr("writing.product"), list(products), key="prompts.product",
                    format_func=products.get)
out_lang = st.radio(tr("writing.langs"), ["vi", "en", "fr"], key="prompts.lang",
                    horizontal=True)
with db() as session:
    ws = require_workspace(session)
    sheet = facts(get_product(session, ws, slug))
channel = CHANNELS[0] if name == "listing" else None
request = Request(name if name in ("story", "listing", "script", "caption") else "story",
                  out_lang, (sheet,), channel, 10)
cols = st.columns(2)
for col, p in zip(cols, (a, b), strict=True):
    with col:
        st.markdown(f"**v{p.version}**")
        messages = p.render(variables(request, p))
        with st.expander(tr("writing.prompts.messages")):
            for m in messages:
                st.text(f"[{m['role']}]\n{m['content']}")
if st.button(tr("writing.prompts.run"), key="prompts.run",
             disabled=not get_settings().llm_configured):
    for col, p in zip(cols, (a, b), strict=True):
        with col:
            try:
                with db() as session:  # through the service, so both runs are logged
                    result = generate(session, require_workspace(session), slug, request.kind,
                                      [out_lang], channel=channel, minutes=10,
                                      engine=LLMEngine(prompt_versions={p.name: p.version}))
            except StudioError as exc:
                show_error(exc)
                continue
            if result.notices:
                st.warning(result.notices[out_lang])
            st.json(result.texts[out_lang])
if not get_settings().llm_configured:
    st.caption(tr("writing.prompts.no_llm"))
