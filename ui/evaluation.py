"""Utvärdering: the eval engineer's view (ui/eval_view.py) of the runs on disk, when it is installed."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.state import settings


def runs_dir() -> Path:
    candidates = [
        Path("eval/runs"),
        Path(__file__).resolve().parents[1] / "eval" / "runs",
        settings().data_dir / "runs",
    ]
    return next((c for c in candidates if c.is_dir()), candidates[0])


def render() -> None:
    try:
        from ui.eval_view import render as render_eval
    except ImportError:
        st.info("Utvärderingsvyn är inte installerad.")
        return
    try:
        render_eval(runs_dir())
    except Exception as exc:  # a fault in the mounted view must not take the page down with a traceback
        st.error(f"Utvärderingen kunde inte visas ({type(exc).__name__}).", icon=":material/error:")


render()
