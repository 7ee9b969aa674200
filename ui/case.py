"""Ärende: every document of one diarienummer in date order, with what each decided or said, quoted."""

from __future__ import annotations

import streamlit as st

from assistant.case_models import Case, CaseDocument
from ui.case_format import case_heading, case_who, decision_label, stance_label
from ui.client import ApiError
from ui.format import md_escape
from ui.state import client, show_error
from ui.widgets import document_dialog, inject_css

INTRO = (
    "Ett ärende är alla dokument med samma diarienummer – tjänsteskrivelse, yttrande, protokollsparagraf – "
    "i datumordning, med det beslut, förslag eller ställningstagande som vart och ett innehåller, ordagrant citerat."
)


def load_case(dnr: str) -> Case | None:
    """The case, or None after saying why (an unknown dnr is a note, not an error)."""
    try:
        return client().case(dnr)
    except ApiError as exc:
        if exc.status == 404:
            st.info(f"Inget dokument i arkivet har diarienummer {dnr}.", icon=":material/search_off:")
        else:
            show_error(exc)
        return None


def show_document(n: int, d: CaseDocument) -> None:
    with st.container(border=True):
        st.markdown(f"**{md_escape(case_heading(n, d))}**")
        st.caption(" · ".join(x for x in (case_who(d), d.title) if x))
        if d.decision is not None:
            st.markdown(f"*{md_escape(decision_label(d))}*")
            st.markdown("\n".join(f"> {md_escape(line)}  " for line in d.decision.text.split("\n")))
        else:
            st.caption("Dokumentet anger inget beslut, förslag eller sammanfattning.")
        if d.stance is not None and d.stance.stance != "unclear":
            st.caption(stance_label(d))
        if d.paragraph_ids:
            st.caption("Stycken: " + ", ".join(d.paragraph_ids))
        first = d.paragraph_ids[0].split("#", 1)[1] if d.paragraph_ids else None
        if st.button("Öppna dokumentet", key=f"case-open-{d.doc_id}", icon=":material/open_in_new:", type="tertiary"):
            document_dialog(d.doc_id, first)


def render() -> None:
    inject_css()
    st.title("Ärende", anchor=False)
    if "dnr" in st.query_params and st.session_state.get("case_shown") != st.query_params["dnr"]:
        st.session_state["case_dnr"] = st.session_state["case_shown"] = st.query_params["dnr"]
    dnr = st.text_input("Diarienummer", key="case_dnr", placeholder="t.ex. KS-2025-00102").strip()
    if not dnr:
        st.markdown(INTRO)
        return
    st.query_params["dnr"] = dnr
    found = load_case(dnr)
    if found is None:
        return
    st.caption(f"{len(found.documents)} dokument med diarienummer {found.dnr}, äldst först.")
    for n, d in enumerate(found.documents, 1):
        show_document(n, d)


render()
