"""Streamlit pieces shared by the pages: the document reader, the citation view and their dialogs."""

from __future__ import annotations

import html
import mimetypes
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path, PurePath
from typing import Any

import streamlit as st

from assistant.schemas import Citation, DocRef, SearchHit
from ingest.models import Document, Section
from ui.client import ApiError
from ui.format import (
    ContextParagraph,
    dnr_label,
    doc_facts,
    find_quote,
    highlight_html,
    local_id,
    md_escape,
    pages_label,
    paragraph_context,
    source_url,
)
from ui.state import api, call, client, client_for

CSS = """
<style>
.ra-para {margin: 0 0 .7rem 0; line-height: 1.55; overflow-wrap: anywhere;}
.ra-pid {font-family: ui-monospace, monospace; font-size: .78rem; color: #5f6b7a; margin-right: .4rem;
  white-space: nowrap;}
.ra-cited {border-left: 4px solid #f2b600; padding: .35rem .6rem; background: #fffbea; border-radius: 4px;}
.ra-dim {color: #4a5361;}
.ra-head {font-weight: 600; margin: .9rem 0 .35rem 0;}
mark {background: #ffe27a; padding: 0 .1rem; border-radius: 2px;}
</style>
"""


def table(
    rows: Sequence[Mapping[str, str | None]],
    widths: dict[str, int],
    key: str | None = None,
    selectable: bool = False,
    links: dict[str, str] | None = None,
    height: int | None = None,
) -> Any:
    """A full-width table of text columns with fixed widths (no horizontal scrolling on a laptop);
    `selectable` lets the user pick one row (the selection is in the returned event); `links` makes columns
    links (their values URLs) shown with the given text; `height` in pixels (default: Streamlit's, which
    scrolls after about ten rows)."""
    config = {name: st.column_config.TextColumn(width=width) for name, width in widths.items()}
    for name, text in (links or {}).items():
        config[name] = st.column_config.LinkColumn(width=widths.get(name), display_text=text)
    if selectable:
        return st.dataframe(
            rows,
            key=key,
            on_select="rerun",
            selection_mode="single-row",
            hide_index=True,
            width="stretch",
            height=height or "auto",
            column_config=config,
        )
    return st.dataframe(rows, key=key, hide_index=True, width="stretch", height=height or "auto", column_config=config)


def inject_css() -> None:
    st.markdown(CSS, unsafe_allow_html=True)


@st.cache_data(ttl=300, max_entries=64, show_spinner=False)
def _document(api_url: str, api_key: str | None, doc_id: str) -> Document:
    return client_for(api_url, api_key).document(doc_id)


def load_document(doc_id: str) -> Document | None:
    """The document, cached per API; shows the error and returns None when it cannot be fetched."""
    return call(lambda: _document(*api(), doc_id))


def download_original(doc: Document, key: str) -> None:
    """A download button for the original file; the bytes are fetched only when clicked."""
    name = PurePath(doc.source_file).name or f"{doc.id}.{doc.format}"
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    lazy_download(f"Ladda ner originalet ({name})", lambda: client().source(doc.id, name).content, name, mime, key)


def lazy_download(label: str, fetch: Callable[[], bytes], file_name: str, mime: str, key: str) -> None:
    """A download button whose bytes come from the API only when it is clicked (an API failure shows its
    Swedish message)."""

    def data() -> bytes:
        try:
            return fetch()
        except ApiError as exc:
            raise RuntimeError(exc.message) from exc

    st.download_button(
        label,
        data=data,
        file_name=file_name,
        mime=mime,
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


def original_link(doc_id: str, source_file: str, pages: list[int]) -> None:
    """A link that opens the original in the browser, a PDF at the cited page (`#page=N`). Shown only when
    the API is open for reading: a browser link cannot carry the UI's API key (the download button can)."""
    api_url, api_key = api()
    if api_key:
        return
    is_pdf = source_file.lower().endswith(".pdf")
    label = f"Öppna originalet på sidan {min(pages)}" if is_pdf and pages else "Öppna originalet"
    st.link_button(label, source_url(api_url, doc_id, source_file, pages), icon=":material/picture_as_pdf:")


def facts_line(doc: Document | DocRef | SearchHit | Citation) -> str:
    """Body · type · dnr · date of whatever names a document."""
    organisation = getattr(doc, "organisation", None)
    return " · ".join(doc_facts(doc.body, doc.doc_type, doc.dnr, doc.date, most_dnr=3, organisation=organisation))


def _paragraph_html(pid: str, pages: list[int], body: str, css: str = "ra-para") -> str:
    where = " · ".join(x for x in (pid, pages_label(pages)) if x)
    return f'<div class="{css}"><span class="ra-pid">{html.escape(where)}</span>{body}</div>'


def render_context(doc: Document, context: list[ContextParagraph], quote: str, start: int, end: int) -> None:
    parts = []
    for item in context:
        p = item.paragraph
        if item.heading is not None:
            parts.append(f'<div class="ra-head">{html.escape(item.heading)}</div>')
        if item.cited:
            s, e = find_quote(p.text, quote, start, end)
            parts.append(_paragraph_html(p.id, p.pages, highlight_html(p.text, s, e), "ra-para ra-cited"))
        else:
            parts.append(_paragraph_html(p.id, p.pages, highlight_html(p.text, 0, 0), "ra-para ra-dim"))
    st.markdown("".join(parts), unsafe_allow_html=True)


def citation_view(c: Citation, key: str) -> None:
    """The cited paragraph in its document: surrounding paragraphs, the quote marked, page, original."""
    st.markdown(f"**{md_escape(c.title)}**")
    where = [facts_line(c), c.section, pages_label(c.pages), c.paragraph_id]
    st.caption(" · ".join(x for x in where if x))
    doc = load_document(c.doc_id)
    if doc is None:
        st.markdown(f"> {md_escape(c.quote)}")
        return
    context = paragraph_context(doc, c.paragraph_id)
    if not context:
        st.info("Stycket finns inte längre i dokumentet (det kan ha indexerats om). Citatet var:")
        st.markdown(f"> {md_escape(c.quote)}")
    else:
        render_context(doc, context, c.quote, c.start, c.end)
    with st.container(horizontal=True, gap="small"):
        original_link(c.doc_id, c.source_file or doc.source_file, c.pages)
        download_original(doc, key=f"{key}-dl")


def citation_dialog(c: Citation, key: str) -> None:
    st.dialog(f"Källa [{c.n}]", width="large")(citation_view)(c, key)


@st.dialog("Dokument", width="large")
def document_dialog(doc_id: str, highlight: str | None = None) -> None:
    document_reader(doc_id, highlight=highlight, key=f"dlg-{doc_id}")


def _section_html(doc: Document, section: Section, highlight: str | None) -> str:
    parts = []
    for p in section.paragraphs:
        css = "ra-para ra-cited" if highlight and p.id == highlight else "ra-para"
        parts.append(_paragraph_html(p.id, p.pages, highlight_html(p.text, 0, 0), css))
    return "".join(parts)


CASE_PAGE = Path(__file__).parent / "case.py"


def case_links(dnr: list[str]) -> None:
    """Each of the document's diarienummer as a link to its Ärende page."""
    if not dnr:
        return
    with st.container(horizontal=True, gap="small"):
        for value in dnr:
            st.page_link(
                CASE_PAGE, label=f"Ärende {value}", icon=":material/account_tree:", query_params={"dnr": value}
            )


def document_reader(doc_id: str, highlight: str | None = None, key: str = "reader") -> None:
    """A whole document, section by section with paragraph ids; `highlight` opens and marks a paragraph."""
    doc = load_document(doc_id)
    if doc is None:
        return
    inject_css()
    st.markdown(f"### {md_escape(doc.title or doc.source_file)}")
    st.caption(" · ".join(doc_facts(doc.body, doc.doc_type, doc.dnr, doc.date, 3, doc.organisation)))
    details = [
        ("Diarienummer", dnr_label(doc.dnr) if len(doc.dnr) > 3 else ""),
        ("Källfil", doc.source_file),
        ("Samma text även i", ", ".join(v.source_file for v in doc.variants)),
        ("Sidor", str(doc.pages) if doc.pages else ""),
        ("Handläggare", doc.handlaggare or ""),
        ("Remitterande instans", doc.remitting_body or ""),
        ("Remisstid", doc.remisstid or ""),
        ("Dokument-id", doc.id),
    ]
    st.markdown("  \n".join(f"**{k}:** {md_escape(v)}" for k, v in details if v))
    case_links(doc.dnr)
    download_original(doc, key=f"{key}-dl")
    wanted = local_id(highlight) if highlight else None
    for section in doc.sections:
        if not section.paragraphs:
            continue
        title = f"{section.id} · {section.heading or 'Utan rubrik'}"
        if section.parties:
            title += f" ({', '.join(section.parties)})"
        is_open = wanted is not None and any(p.id == wanted for p in section.paragraphs)
        with st.expander(title, expanded=is_open or len(doc.sections) <= 3):
            st.markdown(_section_html(doc, section, wanted), unsafe_allow_html=True)
