"""Chat: questions answered from the archive, streamed, with numbered citations that open in context."""

from __future__ import annotations

import uuid
from typing import Any

import streamlit as st

from assistant.schemas import Answer, Citation
from ui.client import ApiError, StreamEvent
from ui.format import answer_markdown, citation_label, docref_label, export_markdown, history_turns, md_escape
from ui.state import client, facets, filter_sidebar, filters_caption, settings, show_error
from ui.widgets import citation_dialog, document_dialog, inject_css

FILTER_NOTE = "Gäller frågorna i chatten och dokumentlistan."
INTRO = (
    "Ställ en fråga om arkivets dokument – yttranden, tjänsteutlåtanden, protokoll och remisser. "
    "Svaren bygger bara på arkivet och varje påstående har en numrerad källa: klicka på en källa för att "
    "läsa stycket i sitt sammanhang."
)


def messages() -> list[dict[str, Any]]:
    value: list[dict[str, Any]] = st.session_state.setdefault("messages", [])
    return value


def new_conversation() -> None:
    st.session_state["messages"] = []


# --- asking --------------------------------------------------------------------------------------
def _final_answer(data: Any) -> Answer | None:
    if isinstance(data, dict) and isinstance(data.get("answer"), dict):
        data = data["answer"]
    try:
        return Answer.model_validate(data)
    except ValueError:
        return None


def _delta_text(event: StreamEvent) -> str:
    if isinstance(event.data, dict):
        return str(event.data.get("text", event.data.get("delta", "")))
    return str(event.data)


def stream_answer(
    question: str, filters: dict[str, Any], history: list[dict[str, str]]
) -> tuple[Answer | None, ApiError | None]:
    """Write the answer as it streams; return the final answer, or the error (already shown)."""
    final: list[Answer] = []

    def deltas() -> Any:
        for event in client().ask_stream(question, filters, history):
            if event.kind == "delta":
                yield md_escape(_delta_text(event)).replace("\n", "  \n")
            elif event.kind == "final":
                answer = _final_answer(event.data)
                if answer is None:
                    raise ApiError("Tjänsten skickade ett svar som inte gick att läsa.", "bad_shape")
                final.append(answer)
            elif event.kind == "error":
                detail = event.data.get("error", event.data) if isinstance(event.data, dict) else {}
                message = detail.get("message", "") if isinstance(detail, dict) else str(event.data)
                raise ApiError("Svaret avbröts av tjänsten. Försök igen.", "stream_error", 0, str(message))

    try:
        with st.spinner("Söker i arkivet …"):
            st.write_stream(deltas())
    except ApiError as exc:
        show_error(exc)
        return None, exc
    if not final:
        error = ApiError("Svaret avbröts innan det var klart. Försök igen.", "incomplete")
        show_error(error)
        return None, error
    return final[0], None


def ask(question: str, filters: dict[str, Any]) -> None:
    history = history_turns(messages())
    with st.chat_message("user"):
        st.markdown(md_escape(question))
    with st.chat_message("assistant"):
        answer, error = stream_answer(question, filters, history)
    messages().append({"id": uuid.uuid4().hex[:10], "role": "user", "content": question})
    if answer is None:
        messages().append({"id": uuid.uuid4().hex[:10], "role": "error", "content": "", "error": error})
        return
    messages().append(
        {
            "id": uuid.uuid4().hex[:10],
            "role": "assistant",
            "content": answer.answer,
            "answer": answer,
            "question": question,
            "filters": filters,
        }
    )
    st.rerun()


# --- showing ---------------------------------------------------------------------------------------
def citation_chips(key: str, citations: list[Citation]) -> None:
    st.caption("Källor – klicka för att läsa stycket i sitt sammanhang")
    with st.container(horizontal=True, gap="small"):
        for c in citations:
            if st.button(
                citation_label(c),
                key=f"{key}-c{c.n}",
                icon=":material/format_quote:",
                help=f"{c.title} – {c.paragraph_id}",
            ):
                citation_dialog(c, f"{key}-c{c.n}")


def abstention(key: str, answer: Answer) -> None:
    """A warning with the reason; the nearest documents (also listed in the text) as buttons instead."""
    lines = [line for line in answer.answer.split("\n") if line.strip()]
    if answer.nearest:
        lines = [line for line in lines if not line.startswith(("–", "- ", "Närmast ligger"))]
    st.warning(
        "  \n".join(md_escape(line) for line in lines) or "Arkivet besvarar inte frågan säkert.",
        icon=":material/search_off:",
    )
    if answer.nearest:
        st.caption("Närmast ligger dessa dokument, men de besvarar inte frågan säkert. Öppna dem för att läsa själv:")
        for d in answer.nearest:
            if st.button(docref_label(d), key=f"{key}-n{d.doc_id}", icon=":material/description:", type="tertiary"):
                document_dialog(d.doc_id)


def send_feedback(m: dict[str, Any], answer: Answer, rating: str, comment: str) -> None:
    citations = [c.model_dump() for c in answer.citations]
    try:
        client().send_feedback(m["question"], answer.answer, rating, comment, citations)
    except ApiError as exc:
        show_error(exc)
        return
    m["feedback_sent"] = True
    st.toast("Tack för ditt omdöme!", icon=":material/thumb_up:")
    st.rerun()


def feedback_row(m: dict[str, Any], answer: Answer) -> None:
    key = m["id"]
    left, right = st.columns([3, 2], vertical_alignment="center")
    with left:
        sent = bool(m.get("feedback_sent"))
        choice = st.feedback("thumbs", key=f"{key}-fb", disabled=sent)
        if sent:
            st.caption("Tack! Ditt omdöme är skickat.")
        elif choice is not None:
            comment = st.text_input(
                "Kommentar (valfritt)", key=f"{key}-fbc", placeholder="Vad var bra eller fel i svaret?"
            )
            if st.button("Skicka omdöme", key=f"{key}-fbs", icon=":material/send:"):
                send_feedback(m, answer, "up" if choice == 1 else "down", comment)
    with right:
        st.download_button(
            "Exportera (Markdown)",
            data=export_markdown(m["question"], answer),
            file_name=f"svar-{key}.md",
            mime="text/markdown",
            key=f"{key}-md",
            icon=":material/download:",
            on_click="ignore",
        )


def show_message(m: dict[str, Any]) -> None:
    role = m["role"]
    with st.chat_message("user" if role == "user" else "assistant"):
        if role == "user":
            st.markdown(md_escape(m["content"]))
            return
        if role == "error":
            show_error(m["error"])
            return
        answer: Answer = m["answer"]
        if answer.abstained:
            abstention(m["id"], answer)
        else:
            st.markdown(answer_markdown(answer.answer))
            if answer.flagged:
                st.caption(f"{len(answer.flagged)} mening(ar) kunde inte beläggas med källa och har tagits bort.")
            if answer.citations:
                citation_chips(m["id"], answer.citations)
        if m.get("filters"):
            st.caption(filters_caption(m["filters"]))
        feedback_row(m, answer)


def render() -> None:
    inject_css()
    st.sidebar.button("Ny konversation", on_click=new_conversation, icon=":material/add_comment:", width="stretch")
    filters = filter_sidebar(facets(), FILTER_NOTE)
    st.title("Fråga arkivet", anchor=False)
    if not messages():
        st.markdown(INTRO)
    for m in messages():
        show_message(m)
    question = st.chat_input(
        "Ställ en fråga, t.ex. ”Vad tyckte kommunstyrelsen om remissen …?”",
        max_chars=settings().max_question_chars,
    )
    if question and question.strip():
        ask(question.strip(), filters)


render()
