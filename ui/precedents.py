"""Prejudikat: paste or upload a new remiss; see how similar earlier ones were handled."""

from __future__ import annotations

import io
from pathlib import PurePath

import streamlit as st

from assistant.schemas import Precedent, PrecedentCore
from ui.format import STANCE_LABELS, md_escape, pages_label, uploader_css
from ui.state import call, client
from ui.widgets import document_dialog, facts_line, inject_css

MAX_CHARS = 50_000
UPLOAD_TYPES = ["pdf", "txt", "md", "docx"]
INTRO = (
    "Klistra in texten i en ny remiss – eller ladda upp den som PDF eller textfil – så visas de tidigare "
    "yttrandena och tjänsteutlåtandena i arkivet som liknar den mest: vem som skrev dem, vad de sa eller "
    "föreslog, och de stycken som matchar."
)


class ExtractError(Exception):
    pass


def extract_text(name: str, data: bytes) -> str:
    """Text of an uploaded file: PDF (pypdf), Word (python-docx) or plain text."""
    suffix = PurePath(name).suffix.lower()
    try:
        if suffix == ".pdf":
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            return "\n\n".join((page.extract_text() or "").strip() for page in reader.pages).strip()
        if suffix == ".docx":
            from docx import Document as WordDocument

            return "\n\n".join(p.text for p in WordDocument(io.BytesIO(data)).paragraphs).strip()
        return data.decode("utf-8", errors="replace").strip()
    except Exception as exc:  # pypdf and python-docx raise many kinds of errors on broken files
        raise ExtractError(str(exc)) from exc


def source_text() -> str | None:
    uploaded = st.session_state.get("prec_file")
    if uploaded is not None:
        try:
            text = extract_text(uploaded.name, uploaded.getvalue())
        except ExtractError:
            st.error("Filen gick inte att läsa. Klistra in texten i stället.", icon=":material/error:")
            return None
        if not text:
            st.warning("Ingen text hittades i filen (en inskannad PDF saknar text). Klistra in texten i stället.")
            return None
        return text
    text = str(st.session_state.get("prec_text") or "").strip()
    if not text:
        st.warning("Klistra in texten i remissen eller ladda upp en fil först.")
        return None
    return text


CORE_LABELS = {
    "ställningstagande": "Ställningstagande",
    "förslag till beslut": "Förslag till beslut",
    "sammanfattning": "Sammanfattning",
}


def core_label(core: PrecedentCore) -> str:
    label = CORE_LABELS[core.kind]
    return f"{label}: {STANCE_LABELS[core.stance]}" if core.stance else label


def quote_markdown(text: str) -> str:
    return "\n".join(f"> {md_escape(line)}" if line.strip() else ">" for line in text.strip().split("\n"))


def show_precedent(i: int, p: Precedent) -> None:
    with st.container(border=True):
        st.markdown(f"**{i}. {md_escape(p.doc.title)}**")
        st.caption(facts_line(p.doc))
        if p.core is not None:
            st.markdown(f"**{core_label(p.core)}**")
            st.markdown(quote_markdown(p.core.text))
        else:
            st.caption("Dokumentet har inget ställningstagande, förslag till beslut eller sammanfattning i klartext.")
        if p.passages:
            with st.expander(f"Matchande stycken ({len(p.passages)})"):
                for hit in p.passages:
                    where = [
                        hit.section,
                        pages_label(hit.pages),
                        hit.paragraph_ids[0] if hit.paragraph_ids else "",
                    ]
                    st.caption(" · ".join(x for x in where if x))
                    st.text(hit.text if len(hit.text) <= 700 else hit.text[:700].rsplit(" ", 1)[0] + " …")
        first = p.passages[0].paragraph_ids[0] if p.passages and p.passages[0].paragraph_ids else None
        if st.button("Läs dokumentet", key=f"prec-open-{i}", icon=":material/open_in_new:"):
            document_dialog(p.doc.doc_id, first)


def render() -> None:
    inject_css()
    st.title("Prejudikat", anchor=False)
    st.markdown(INTRO)
    st.markdown(uploader_css(UPLOAD_TYPES, int(st.get_option("server.maxUploadSize"))), unsafe_allow_html=True)
    st.file_uploader(
        "Remissen som fil",
        type=UPLOAD_TYPES,
        key="prec_file",
        help="Texten läses ut ur filen och jämförs med arkivet; filen sparas inte.",
    )
    st.text_area(
        "… eller klistra in texten",
        key="prec_text",
        height=200,
        max_chars=MAX_CHARS,
        placeholder="Remiss: … Kommunen ombeds yttra sig senast …",
    )
    left, right = st.columns([1, 3], vertical_alignment="bottom")
    k = left.selectbox("Antal träffar", [3, 5, 10], index=1, key="prec_k")
    if right.button("Hitta liknande ärenden", type="primary", icon=":material/search:"):
        text = source_text()
        if text:
            with st.spinner("Jämför med arkivet …"):
                st.session_state["prec_results"] = call(lambda: client().precedents(text[:MAX_CHARS], int(k)))
    results: list[Precedent] | None = st.session_state.get("prec_results")
    if results is None:
        return
    if not results:
        st.info("Inga liknande yttranden eller tjänsteutlåtanden hittades i arkivet.")
        return
    st.subheader("Mest lika tidigare ärenden", anchor=False)
    for i, p in enumerate(results, start=1):
        show_precedent(i, p)


render()
