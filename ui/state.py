"""Session-wide pieces of the UI: the one cached API client, cached look-ups and the shared filters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from assistant.settings import Settings
from ui.client import ApiClient, ApiError
from ui.format import Facets, parse_facets, type_label

T = TypeVar("T")

FILTER_KEYS = ("f_org", "f_body", "f_types", "f_year_from", "f_year_to", "f_dnr")
BODY_CHOICES = "f_body_choices"  # the Instans options' filters: label -> (organisation, body)
ALL = "Alla"


def settings() -> Settings:
    if "_settings" not in st.session_state:
        st.session_state["_settings"] = Settings()
    value: Settings = st.session_state["_settings"]
    return value


@st.cache_resource(show_spinner=False)
def client_for(api_url: str, api_key: str | None) -> ApiClient:
    """The one client per API address and key, shared by every session of this server."""
    return ApiClient(api_url, api_key)


def api() -> tuple[str, str | None]:
    """Where the API is and the key to send: the cache key of everything fetched from it."""
    s = settings()
    return s.api_url, s.api_key.get_secret_value() if s.api_key else None


def client() -> ApiClient:
    return client_for(*api())


def call(fn: Callable[[], T]) -> T | None:
    """Run an API call; on failure show the Swedish message and return None."""
    try:
        return fn()
    except ApiError as exc:
        show_error(exc)
        return None


def show_error(exc: ApiError) -> None:
    if exc.code in ("unreachable", "timeout"):
        st.error(exc.message, icon=":material/cloud_off:")
        return
    st.error(exc.message, icon=":material/error:")
    if exc.detail and exc.status in (400, 413, 415, 422):
        st.caption(f"Tjänstens besked: {exc.detail}")


@st.cache_data(ttl=60, show_spinner=False)
def _facets(api_url: str, api_key: str | None) -> Facets:
    data = client_for(api_url, api_key).documents({"limit": 1})
    return parse_facets(data.get("facets"))


def facets() -> Facets | None:
    return call(lambda: _facets(*api()))


def facets_changed() -> None:
    """The archive changed (an upload): the filters and lists read it afresh."""
    _facets.clear()


# --- filters -------------------------------------------------------------------------------------
def keep_filters() -> None:
    """Keep the filter widgets' values while a page without them is shown."""
    for key in FILTER_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def filter_sidebar(facets: Facets | None, note: str) -> dict[str, Any]:
    """The filter panel in the sidebar. Returns API filters (only the ones that are set)."""
    with st.sidebar:
        st.subheader("Filter", anchor=False)
        st.caption(note)
        if facets is None:
            st.caption("Filtren visas när tjänsten svarar.")
            return current_filters()
        if facets.organisations:
            st.selectbox("Organisation", [ALL, *facets.organisations], key="f_org")
        st.session_state[BODY_CHOICES] = facets.body_filters
        st.selectbox("Instans", [ALL, *facets.bodies], key="f_body")
        st.multiselect(
            "Dokumenttyp",
            facets.types,
            key="f_types",
            placeholder="Alla typer",
            format_func=type_label,
            select_all=False,  # Streamlit's "Select all" option has no Swedish text
        )
        years = [ALL, *map(str, facets.years)]
        left, right = st.columns(2)
        left.selectbox("Från år", years, key="f_year_from")
        right.selectbox("Till år", years, key="f_year_to")
        st.text_input("Diarienummer", key="f_dnr", placeholder="t.ex. KS 2019/1618")
        chosen = current_filters()
        if chosen:
            st.button("Rensa filter", on_click=clear_filters, icon=":material/filter_alt_off:")
        return chosen


def clear_filters() -> None:
    for key in FILTER_KEYS:
        st.session_state.pop(key, None)


def current_filters() -> dict[str, Any]:
    state = st.session_state
    out: dict[str, Any] = {}
    if state.get("f_org") not in (None, ALL):
        out["organisation"] = state["f_org"]
    if state.get("f_body") not in (None, ALL):
        org, body = state.get(BODY_CHOICES, {}).get(state["f_body"], (None, state["f_body"]))
        out["body"] = body
        if org and "organisation" not in out:
            out["organisation"] = org
    if state.get("f_types"):
        out["doc_type"] = list(state["f_types"])
    for key, name in (("f_year_from", "year_from"), ("f_year_to", "year_to")):
        if str(state.get(key) or ALL).isdigit():
            out[name] = int(state[key])
    if str(state.get("f_dnr") or "").strip():
        out["dnr"] = state["f_dnr"].strip()
    return out


def filters_caption(filters: dict[str, Any]) -> str:
    parts = []
    if "body" in filters:
        parts.append(filters["body"])
    if "doc_type" in filters:
        parts.append(", ".join(type_label(t) for t in filters["doc_type"]))
    if "year_from" in filters or "year_to" in filters:
        parts.append(f"{filters.get('year_from', '')}–{filters.get('year_to', '')}")
    if "dnr" in filters:
        parts.append(f"dnr {filters['dnr']}")
    return "Filter: " + " · ".join(parts) if parts else ""
