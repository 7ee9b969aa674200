"""Utvärdering: the eval runs, read through the API (ui/eval_view.py), when the eval view is installed."""

from __future__ import annotations

import streamlit as st

from ui.client import ApiError
from ui.state import client, show_error


def render() -> None:
    try:
        from ui.eval_view import render as render_eval
    except ImportError:
        st.info("Utvärderingsvyn är inte installerad.")
        return
    try:
        render_eval(client())
    except ApiError as exc:
        show_error(exc)
    except Exception as exc:  # a fault in the mounted view must not take the page down with a traceback
        st.error(f"Utvärderingen kunde inte visas ({type(exc).__name__}).", icon=":material/error:")


render()
