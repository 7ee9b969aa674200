"""The Streamlit UI: `remiss ui` or `streamlit run ui/app.py`. Talks to the API only (REMISS_API_URL)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import streamlit as st

from ui.state import keep_filters

HERE = Path(__file__).parent

LOGO = """<svg xmlns="http://www.w3.org/2000/svg" width="220" height="36" viewBox="0 0 220 36">
<rect x="2" y="6" width="26" height="7" rx="2" fill="#8c1d2f"/>
<rect x="4" y="14" width="22" height="17" rx="2" fill="none" stroke="#8c1d2f" stroke-width="3"/>
<rect x="11" y="18" width="8" height="3" rx="1.5" fill="#8c1d2f"/>
<text x="36" y="26" font-family="Source Sans Pro, Helvetica, Arial, sans-serif" font-size="21"
 font-weight="600" fill="#262730">Remissarkivet</text></svg>"""

CSS = """<style>
[data-testid="stMainBlockContainer"] {padding-top: 2.5rem; max-width: 1200px;}
</style>"""

st.set_page_config(
    page_title="Remissarkivet",
    page_icon=":material/inventory_2:",
    layout="wide",
    initial_sidebar_state="expanded",
)
st.logo(LOGO, size="large")
st.markdown(CSS, unsafe_allow_html=True)
keep_filters()

pages = [
    st.Page(HERE / "chat.py", title="Chatt", icon=":material/chat:", url_path="chatt", default=True),
    st.Page(HERE / "documents.py", title="Dokument", icon=":material/folder_open:", url_path="dokument"),
    st.Page(HERE / "precedents.py", title="Prejudikat", icon=":material/history_edu:", url_path="prejudikat"),
    st.Page(HERE / "remisser.py", title="Remisser", icon=":material/forum:", url_path="remisser"),
    st.Page(HERE / "case.py", title="Ärende", icon=":material/account_tree:", url_path="arende"),
    st.Page(HERE / "upload.py", title="Ladda upp", icon=":material/upload_file:", url_path="ladda-upp"),
]
if importlib.util.find_spec("ui.eval_view") is not None:
    pages.append(
        st.Page(HERE / "evaluation.py", title="Utvärdering", icon=":material/analytics:", url_path="utvardering")
    )
pages.append(st.Page(HERE / "feedback.py", title="Återkoppling", icon=":material/reviews:", url_path="aterkoppling"))

st.navigation(pages).run()
