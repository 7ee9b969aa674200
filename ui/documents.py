"""Dokument: browse and search the archive with facets; read a document section by section."""

from __future__ import annotations

from typing import Any

import streamlit as st

from assistant.schemas import SearchHit
from ui.format import CASE_LINK_TEXT, case_url, dnr_label, pages_label, type_label
from ui.state import call, client, facets, filter_sidebar
from ui.widgets import document_reader, facts_line, inject_css, original_link, table

PAGE_SIZE = 25
FILTER_NOTE = "Gäller dokumentlistan, textsökningen och frågorna i chatten."


def open_document(doc_id: str, paragraph_id: str | None = None) -> None:
    st.session_state["doc_open"] = doc_id
    st.session_state["doc_highlight"] = paragraph_id
    st.query_params["doc"] = doc_id


def close_document() -> None:
    for key in [k for k in st.session_state if str(k).startswith("doc_table_")]:
        del st.session_state[key]
    st.session_state.pop("doc_open", None)
    st.session_state.pop("doc_highlight", None)
    st.query_params.pop("doc", None)


def _rows(documents: list[dict[str, Any]]) -> list[dict[str, str | None]]:
    return [
        {
            "Titel": str(d.get("title") or d.get("source_file") or ""),
            "Typ": type_label(str(d.get("doc_type") or "")),
            "Instans": str(d.get("body") or "–"),
            "Dnr": dnr_label(d.get("dnr") or [], most=2) or "–",
            "Datum": str(d.get("date") or "–"),
            "Ärende": case_url(d.get("dnr") or []),
        }
        for d in documents
    ]


def browse(filters: dict[str, Any]) -> None:
    query = st.text_input("Sök bland dokumenten", key="doc_q", placeholder="Titel, diarienummer eller ord i texten")
    page = int(st.session_state.get("doc_page", 0))
    params = {**filters, "q": query.strip() or None, "offset": page * PAGE_SIZE, "limit": PAGE_SIZE}
    data = call(lambda: client().documents(params))
    if data is None:
        return
    documents: list[dict[str, Any]] = list(data.get("documents") or [])
    total = int(data.get("total") or len(documents))
    if not documents:
        st.info("Inga dokument matchar sökningen och filtren.")
        return
    first = page * PAGE_SIZE + 1
    st.caption(f"Visar {first}–{first + len(documents) - 1} av {total} dokument. Markera en rad för att läsa det.")
    widths = {
        "Titel": 290,
        "Typ": 110,
        "Instans": 150,
        "Dnr": 115,
        "Datum": 85,
        "Ärende": 95,
    }
    event = table(_rows(documents), widths, key=f"doc_table_{page}", selectable=True, links={"Ärende": CASE_LINK_TEXT})
    rows = event.selection.rows if event is not None and hasattr(event, "selection") else []
    if rows:
        chosen = documents[rows[0]]
        doc_id = str(chosen.get("id") or chosen.get("doc_id"))
        if st.session_state.get("doc_open") != doc_id:
            open_document(doc_id)
            st.rerun()
    if total > PAGE_SIZE:
        left, middle, right = st.columns([1, 2, 1])
        if left.button("Föregående", disabled=page == 0, icon=":material/chevron_left:"):
            st.session_state["doc_page"] = page - 1
            st.rerun()
        middle.caption(f"Sida {page + 1} av {(total + PAGE_SIZE - 1) // PAGE_SIZE}")
        if right.button("Nästa", disabled=first + len(documents) > total, icon=":material/chevron_right:"):
            st.session_state["doc_page"] = page + 1
            st.rerun()


def search(filters: dict[str, Any]) -> None:
    query = st.text_input("Sök stycken i texten", key="hit_q", placeholder="t.ex. särskilt uttalande om innovation")
    if not query.strip():
        st.caption("Textsökningen visar de stycken som bäst matchar orden, med filtren i sidopanelen.")
        return
    hits = call(lambda: client().search(query.strip(), filters, k=10))
    if hits is None:
        return
    if not hits:
        st.info("Inga stycken matchar sökningen.")
        return
    for hit in hits:
        show_hit(hit)


def show_hit(hit: SearchHit) -> None:
    with st.container(border=True):
        st.markdown(f"**{hit.rank}. {hit.title}**")
        where = [
            facts_line(hit),
            hit.section,
            pages_label(hit.pages),
            hit.paragraph_ids[0] if hit.paragraph_ids else "",
        ]
        st.caption(" · ".join(x for x in where if x))
        text = hit.text if len(hit.text) <= 600 else hit.text[:600].rsplit(" ", 1)[0] + " …"
        st.text(text)
        first = hit.paragraph_ids[0] if hit.paragraph_ids else None
        original_link(hit.doc_id, hit.source_file, hit.pages)
        st.button(
            "Öppna dokumentet",
            key=f"hit-{hit.chunk_id}",
            on_click=open_document,
            args=(hit.doc_id, first),
            icon=":material/open_in_new:",
            type="tertiary",
        )


def render() -> None:
    inject_css()
    filters = filter_sidebar(facets(), FILTER_NOTE)
    st.title("Dokument", anchor=False)
    if "doc" in st.query_params and st.session_state.get("doc_open") != st.query_params["doc"]:
        st.session_state["doc_open"] = st.query_params["doc"]
    doc_id = st.session_state.get("doc_open")
    if doc_id:
        st.button("Tillbaka till listan", on_click=close_document, icon=":material/arrow_back:")
        document_reader(str(doc_id), highlight=st.session_state.get("doc_highlight"), key="doc-reader")
        return
    browse_tab, search_tab = st.tabs(["Bläddra", "Sök i texten"])
    with browse_tab:
        browse(filters)
    with search_tab:
        search(filters)


render()
