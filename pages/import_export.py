"""Import and export products as CSV or XLSX; an import is all-or-nothing."""

import streamlit as st

from pages.common import db, require_workspace, show_error, tr, tr_map
from studio.catalog.io import COLUMN_NAMES, REQUIRED_COLUMNS, export_products, import_products
from studio.errors import StudioError

st.title(tr("import_export.title"))

st.subheader(tr("import_export.import"))
st.caption(tr("import_export.import_help"))
upload = st.file_uploader(tr("import_export.file"), type=["csv", "xlsx"], key="import_export.file")
modes = tr_map("import_export.mode.", ["upsert", "create"])
mode = st.radio(tr("import_export.mode"), list(modes), key="import_export.mode",
                format_func=modes.get, horizontal=True)
if st.button(tr("import_export.run"), key="import_export.run", type="primary",
             disabled=upload is None):
    try:
        with db() as session:
            result = import_products(session, require_workspace(session), upload.getvalue(),
                                     upload.name, mode=mode)
    except StudioError as exc:
        show_error(exc)
    else:
        st.success(tr("import_export.done", created=len(result.created),
                      updated=len(result.updated), producers=len(result.new_producers)))

st.subheader(tr("import_export.export"))
with db() as session:
    ws = require_workspace(session)
    csv_bytes = export_products(session, ws, "csv")
    xlsx_bytes = export_products(session, ws, "xlsx")
left, right = st.columns(2)
left.download_button(tr("import_export.download_csv"), csv_bytes, key="import_export.csv",
                     file_name=f"{ws.slug}-products.csv", mime="text/csv")
right.download_button(tr("import_export.download_xlsx"), xlsx_bytes, key="import_export.xlsx",
                      file_name=f"{ws.slug}-products.xlsx",
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

st.subheader(tr("import_export.columns"))
st.dataframe([{tr("import_export.col.name"): name,
               tr("import_export.col.required"): "✓" if name in REQUIRED_COLUMNS else "",
               tr("import_export.col.meaning"): tr(f"column.{name}")}
              for name in COLUMN_NAMES], hide_index=True, width="stretch")
