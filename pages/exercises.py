"""The five guided exercises, each marked done from the participant's real work."""

import streamlit as st

from pages.common import db, require_workspace, show_error, tr
from studio.errors import StudioError
from studio.workshop.progress import workspace_steps
from studio.workshop.sample import ensure_sample_livestream

st.title(tr("workshop.exercises_title"))
with db() as session:
    ws = require_workspace(session)
    states = workspace_steps(session, ws)
for ex, state in states:
    mark = "✅" if state.done else "⬜"
    with st.expander(f"{mark} {tr(ex.key + '.title')}", expanded=not state.done):
        st.write(tr(ex.key + ".explain"))
        st.caption(f"{tr('workshop.step_done' if state.done else 'workshop.step_todo')}"
                   f" · {state.detail}")
        if ex.number == 4 and st.button(tr("workshop.sample_make"), key="ex_sample"):
            try:
                path = ensure_sample_livestream()
                st.video(str(path))
            except StudioError as exc:
                show_error(exc)
