"""Ladda upp: add documents to the archive with the admin key; one line per file says what became of it."""

from __future__ import annotations

import streamlit as st

from ui.format import md_escape, upload_line, uploader_css
from ui.state import call, client, facets_changed
from ui.widgets import inject_css

INTRO = (
    "Lägg till dokument i arkivet. Varje fil läses in som vid `remiss ingest`: typ, organisation, instans, "
    "diarienummer och datum läses ur texten, samma text två gånger blir ett dokument, och filer som inte går "
    "att läsa in redovisas med skälet."
)
MAX_MB = 25


def render() -> None:
    inject_css()
    st.title("Ladda upp", anchor=False)
    st.markdown(INTRO)
    st.text_input("Administratörsnyckel", key="upload_key", type="password")
    st.caption("Uppladdning kräver tjänstens administratörsnyckel (REMISS_ADMIN_KEY).")
    st.markdown(uploader_css(["pdf", "txt", "md", "docx"], MAX_MB), unsafe_allow_html=True)
    files = st.file_uploader("Filer", accept_multiple_files=True, key="upload_files")
    key = str(st.session_state.get("upload_key") or "").strip()
    if st.button("Ladda upp och läs in", type="primary", icon=":material/upload:", disabled=not files or not key):
        chosen = [(f.name, f.getvalue()) for f in files or []]
        with st.spinner("Läser in filerna …"):
            results = call(lambda: client().upload(chosen, key))
        if results is not None:
            st.session_state["upload_results"] = results
            facets_changed()
    results = st.session_state.get("upload_results")
    if results:
        st.subheader("Resultat", anchor=False)
        for result in results:
            ok = result.get("status") in ("added", "replaced", "unchanged", "variant")
            icon = ":material/check_circle:" if ok else ":material/block:"
            st.markdown(f"{icon} {md_escape(upload_line(result))}")


render()
