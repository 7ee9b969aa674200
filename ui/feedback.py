"""Återkoppling: the 👍/👎 and comments given in the chat, exportable as JSONL."""

from __future__ import annotations

from datetime import date

import streamlit as st

from ui.format import feedback_jsonl
from ui.state import call, client
from ui.widgets import table

RATINGS = {"up": "Bra", "down": "Dåligt"}
COLUMNS = {
    "created": "Tid",
    "rating": "Omdöme",
    "question": "Fråga",
    "comment": "Kommentar",
    "answer": "Svar",
}


def render() -> None:
    st.title("Återkoppling", anchor=False)
    st.markdown("Omdömen (tumme upp eller ned) och kommentarer som användarna har lämnat på svaren i chatten.")
    items = call(client().feedback)
    if items is None:
        return
    if not items:
        st.info("Ingen återkoppling ännu. Omdömen lämnas under varje svar i chatten.")
        return
    up = sum(1 for i in items if i.get("rating") == "up")
    left, middle, right = st.columns(3)
    left.metric("Omdömen", len(items))
    middle.metric("Bra svar", up)
    right.metric("Dåliga svar", len(items) - up)
    st.download_button(
        "Ladda ner som JSONL",
        data=feedback_jsonl(items),
        file_name=f"feedback-{date.today()}.jsonl",
        mime="application/x-ndjson",
        icon=":material/download:",
        on_click="ignore",
        type="primary",
    )
    rows = [{label: _cell(item.get(key)) for key, label in COLUMNS.items()} for item in reversed(items)]
    for row in rows:
        row["Omdöme"] = RATINGS.get(row["Omdöme"], row["Omdöme"])
    table(
        rows,
        {
            "Tid": 140,
            "Omdöme": 80,
            "Fråga": 250,
            "Kommentar": 200,
            "Svar": 300,
        },
    )


def _cell(value: object) -> str:
    return "" if value is None else " ".join(str(value).split())


render()
