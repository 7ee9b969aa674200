"""Remisser: pick a remiss and see who answered it, with their stance; export; open each yttrande."""

from __future__ import annotations

import re

import streamlit as st

from assistant.schemas import RemissAnswer, RemissOverview, RemissSummary
from ui.format import STANCE_LABELS, docref_label, local_id, md_escape, remiss_rows, rows_csv, rows_markdown
from ui.state import call, client
from ui.widgets import document_dialog, document_reader, inject_css, table

SHOWN = ["Instans", "Typ", "Datum", "Dnr", "Ställningstagande", "Citat"]  # the exports also name the document
# Pixel widths that fit a laptop; the table stretches them proportionally on wider screens.
COLUMN_CONFIG = {
    "Instans": st.column_config.TextColumn(width=120),
    "Typ": st.column_config.TextColumn(width=100),
    "Datum": st.column_config.TextColumn(width=85),
    "Dnr": st.column_config.TextColumn(width=105),
    "Ställningstagande": st.column_config.TextColumn(width=140),
    "Citat": st.column_config.TextColumn(width=230, help="Hela citatet visas när du markerar raden."),
}


def summary_label(r: RemissSummary) -> str:
    ref = f" ({r.ref})" if r.ref else ""
    answers = "1 svar" if r.answers == 1 else f"{r.answers} svar"
    return f"{r.title}{ref} – {answers}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9åäö]+", "-", text.lower()).strip("-")[:60] or "remiss"


def header(o: RemissOverview) -> None:
    st.subheader(o.title, anchor=False)
    facts = [
        f"Remitterad av {o.remitting_body}" if o.remitting_body else "",
        o.ref or "",
        f"remisstid {o.remisstid}" if o.remisstid else "",
        f"{len(o.responses)} svar i arkivet",
    ]
    st.caption(" · ".join(f for f in facts if f))
    if o.remiss_docs:
        with st.expander(f"Remisshandlingar ({len(o.remiss_docs)})"):
            for d in o.remiss_docs:
                if st.button(docref_label(d), key=f"rdoc-{d.doc_id}", icon=":material/description:", type="tertiary"):
                    document_dialog(d.doc_id)


def positions(answer: RemissAnswer) -> None:
    st.markdown(f"#### {md_escape(answer.doc.body or answer.doc.title)}")
    if answer.stance.quote:
        label = STANCE_LABELS.get(answer.stance.stance, answer.stance.stance)
        st.markdown(f"**{label}:** ”{md_escape(answer.stance.quote.strip())}”")
    if answer.stance.reservation:
        st.markdown(f"**Synpunkt:** ”{md_escape(answer.stance.reservation.strip())}”")
    if answer.sections:
        rows = [
            {
                "Avsnitt": s.heading,
                "Ställningstagande": STANCE_LABELS.get(s.stance.stance, s.stance.stance),
                "Citat": (s.stance.quote or "").strip(),
                "Stycke": local_id(s.paragraph_id),
            }
            for s in answer.sections
        ]
        st.markdown("**Ställningstaganden per avsnitt**")
        table(
            rows,
            {
                "Avsnitt": 280,
                "Ställningstagande": 175,
                "Citat": 330,
                "Stycke": 80,
            },
        )


def responses(o: RemissOverview) -> None:
    if not o.responses:
        st.info("Arkivet har inga svar på den här remissen ännu.")
        return
    rows = remiss_rows(o)
    st.caption("Markera en rad för att läsa yttrandet.")
    event = st.dataframe(
        rows,
        key=f"remiss_table_{o.id}",
        on_select="rerun",
        selection_mode="single-row",
        hide_index=True,
        width="stretch",
        column_order=SHOWN,
        column_config=COLUMN_CONFIG,
    )
    name = slug(o.ref or o.title)
    left, right, _ = st.columns([1, 1, 2])
    left.download_button(
        "Ladda ner CSV",
        data=rows_csv(rows),
        file_name=f"remissvar-{name}.csv",
        mime="text/csv",
        icon=":material/table:",
        on_click="ignore",
        key=f"csv-{o.id}",
    )
    right.download_button(
        "Ladda ner Markdown",
        data=rows_markdown(o.title, rows),
        file_name=f"remissvar-{name}.md",
        mime="text/markdown",
        icon=":material/description:",
        on_click="ignore",
        key=f"md-{o.id}",
    )
    selected = event.selection.rows if event is not None and hasattr(event, "selection") else []
    if selected:
        answer = o.responses[selected[0]]
        st.divider()
        positions(answer)
        document_reader(answer.doc.doc_id, highlight=answer.stance.paragraph_id, key=f"remiss-reader-{o.id}")


def render() -> None:
    inject_css()
    st.title("Remisser", anchor=False)
    st.markdown("Välj en remiss för att se vilka som har svarat, när och med vilket ställningstagande.")
    items = call(client().remisser)
    if items is None:
        return
    if not items:
        st.info("Arkivet innehåller inga remisser ännu.")
        return
    labels = {r.id: summary_label(r) for r in items}
    chosen = st.selectbox("Remiss", list(labels), format_func=lambda i: labels.get(i, i), key="remiss_pick")
    if chosen is None:
        return
    overview = call(lambda: client().remiss(chosen))
    if overview is None:
        return
    header(overview)
    responses(overview)


render()
