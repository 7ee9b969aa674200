"""Dokument: browse and search the archive with facets; read a document section by section."""

from __future__ import annotations

from typing import Any

import streamlit as st

from assistant.schemas import SearchHit
from ui.format import CASE_LINK_TEXT, case_url, dnr_label, pages_label, type_label, who
from ui.state import call, client, facets, filter_sidebar
from ui.widgets import document_reader, facts_line, inject_css, lazy_download, original_link, table

PAGE_SIZE = 25
FILTER_NOTE = "Gäller dokumentlistan, textsökningen och frågorna i chatten."
ROW_PX = 35  # st.dataframe's row height: the grid is as tall as its rows, every row of a page visible
SNIPPET_COLUMN = "Träff"
EXPORT_FILE = "dokument.csv"
# (label, sort, order) of the whole list, sorted by the API before paging; relevance only with a search
RELEVANCE = ("Bäst träff först", "relevance", "desc")
ORDERS = [
    ("Datum, nyast först", "date", "desc"),
    ("Datum, äldst först", "date", "asc"),
    ("Titel A–Ö", "title", "asc"),
    ("Titel Ö–A", "title", "desc"),
    ("Dokumenttyp A–Ö", "doc_type", "asc"),
    ("Instans A–Ö", "body", "asc"),
]


def open_document(doc_id: str, paragraph_id: str | None = None) -> None:
    st.session_state["doc_open"] = doc_id
    st.session_state["doc_highlight"] = paragraph_id
    st.query_params["doc"] = doc_id


def _forget_selection() -> None:
    for key in [k for k in st.session_state if str(k).startswith("doc_table_")]:
        del st.session_state[key]


def close_document() -> None:
    _forget_selection()
    st.session_state.pop("doc_open", None)
    st.session_state.pop("doc_highlight", None)
    st.query_params.pop("doc", None)


def _rows(documents: list[dict[str, Any]], snippets: bool) -> list[dict[str, str | None]]:
    rows: list[dict[str, str | None]] = []
    for d in documents:
        row: dict[str, str | None] = {
            "Titel": str(d.get("title") or d.get("source_file") or ""),
            "Typ": type_label(str(d.get("doc_type") or "")),
            "Instans": who(d.get("organisation"), d.get("body")) or "–",
            "Dnr": dnr_label(d.get("dnr") or [], most=2) or "–",
            "Datum": str(d.get("date") or "–"),
            "Ärende": case_url(d.get("dnr") or []),
        }
        if snippets:
            row[SNIPPET_COLUMN] = str((d.get("match") or {}).get("snippet") or "–")
        rows.append(row)
    return rows


def _order_choices(searching: bool) -> dict[str, tuple[str, str]]:
    choices = [RELEVANCE, *ORDERS] if searching else ORDERS
    return {label: (sort, order) for label, sort, order in choices}


def _page_for(params: dict[str, Any]) -> int:
    """The page to show: the same one while the search, filters and order stay, else the first."""
    signature = repr(sorted(params.items()))
    if st.session_state.get("doc_params") != signature:
        st.session_state["doc_params"] = signature
        st.session_state["doc_page"] = 0
        _forget_selection()
    return int(st.session_state.get("doc_page", 0))


def browse(filters: dict[str, Any]) -> None:
    search_col, order_col = st.columns([3, 1])
    query = search_col.text_input(
        "Sök bland dokumenten", key="doc_q", placeholder="Titel, diarienummer eller ord i texten"
    )
    choices = _order_choices(bool(query.strip()))
    key = "doc_order_searching" if query.strip() else "doc_order"
    label = order_col.selectbox("Sortera", list(choices), key=key, placeholder="Välj ordning")
    sort, order = choices[label]
    params = {**filters, "q": query.strip() or None, "sort": sort, "order": order}
    page = _page_for(params)
    data = call(lambda: client().documents({**params, "offset": page * PAGE_SIZE, "limit": PAGE_SIZE}))
    if data is None:
        return
    documents: list[dict[str, Any]] = list(data.get("documents") or [])
    total = int(data.get("total") or len(documents))
    if not documents:
        st.info("Inga dokument matchar sökningen och filtren.")
        return
    first = page * PAGE_SIZE + 1
    st.caption(
        f"Visar {first}–{first + len(documents) - 1} av {total} dokument, sorterade över hela listan. "
        "Markera en rad för att läsa det."
    )
    snippets = any(d.get("match") for d in documents)
    widths = {"Titel": 250, "Typ": 110, "Instans": 205, "Dnr": 115, "Datum": 85, "Ärende": 95}
    if snippets:
        widths = {"Titel": 170, "Typ": 90, "Instans": 140, "Dnr": 100, "Datum": 85, "Ärende": 80, SNIPPET_COLUMN: 280}
    event = table(
        _rows(documents, snippets),
        widths,
        key=f"doc_table_{page}",
        selectable=True,
        links={"Ärende": CASE_LINK_TEXT},
        height=(len(documents) + 1) * ROW_PX + 3,
    )
    rows = event.selection.rows if event is not None and hasattr(event, "selection") else []
    if rows:
        chosen = documents[rows[0]]
        doc_id = str(chosen.get("id") or chosen.get("doc_id"))
        if st.session_state.get("doc_open") != doc_id:
            open_document(doc_id, (chosen.get("match") or {}).get("paragraph_id"))
            st.rerun()
    left, middle, right = st.columns([1, 2, 1])
    if total > PAGE_SIZE:
        if left.button("Föregående", disabled=page == 0, icon=":material/chevron_left:"):
            st.session_state["doc_page"] = page - 1
            st.rerun()
        middle.caption(f"Sida {page + 1} av {(total + PAGE_SIZE - 1) // PAGE_SIZE}")
        if right.button("Nästa", disabled=first + len(documents) > total, icon=":material/chevron_right:"):
            st.session_state["doc_page"] = page + 1
            st.rerun()
    export_list(params, total)


def export_list(params: dict[str, Any], total: int) -> None:
    """The whole list (every page, in its order) as CSV; fetched from the API only when clicked."""
    label = f"Ladda ner listan som CSV ({total} dokument)"
    lazy_download(label, lambda: client().documents_csv(params), EXPORT_FILE, "text/csv", "doc_export")


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
