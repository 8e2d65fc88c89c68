"""Settings: the effective configuration, where each value came from, secrets masked."""

import streamlit as st

from pages.common import tr
from studio.config import effective, get_settings
from studio.translate.engines.base import load_settings as translate_settings

st.title(tr("settings.title"))
st.caption(tr("settings.intro"))

settings = get_settings()
rows = [
    {tr("settings.col.variable"): name, tr("settings.col.value"): value,
     tr("settings.col.source"): tr(f"settings.source.{source}")}
    for name, value, source in settings.effective() + effective(translate_settings())
]
st.dataframe(rows, hide_index=True, width="stretch", key="settings.table")
st.caption(tr("settings.data_dir", path=str(settings.data_dir.resolve())))
st.info(tr("settings.how_to_change"))
