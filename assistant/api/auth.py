"""API keys. Readers present one of `settings.api_keys` (reading is open when that list is empty); admin
endpoints need `settings.admin_key` and are closed (403) when none is configured. A key is accepted as
`Authorization: Bearer KEY` or `X-API-Key: KEY` and compared in constant time."""

from __future__ import annotations

import hmac
from typing import Literal

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from assistant.api.errors import ApiError
from assistant.settings import Settings

bearer = HTTPBearer(auto_error=False, scheme_name="bearer", description="`Authorization: Bearer <key>`")
api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, scheme_name="apiKey", description="`X-API-Key: <key>`"
)

Role = Literal["admin", "reader", "anonymous"]


def _matches(given: str, keys: list[str]) -> bool:
    """Constant-time: every configured key is compared, whatever matched before."""
    given_bytes = given.encode("utf-8")
    results = [hmac.compare_digest(given_bytes, key.encode("utf-8")) for key in keys if key]
    return any(results)


def role_of(settings: Settings, key: str | None) -> Role:
    if not key:
        return "anonymous"
    admin = settings.admin_key.get_secret_value() if settings.admin_key else ""
    is_admin = _matches(key, [admin]) if admin else False
    is_reader = _matches(key, settings.api_keys)
    if is_admin:
        return "admin"
    return "reader" if is_reader else "anonymous"


def presented_key(
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
    header_key: str | None = Depends(api_key_header),
) -> str | None:
    if credentials is not None and credentials.credentials:
        return credentials.credentials.strip()
    return header_key.strip() if header_key else None


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


CHALLENGE = {"WWW-Authenticate": "Bearer"}


def require_reader(request: Request, key: str | None = Depends(presented_key)) -> Role:
    """Readers and admins; anyone when no reader keys are configured."""
    settings = _settings(request)
    role = role_of(settings, key)
    if role != "anonymous" or not settings.api_keys:
        return role
    if not key:
        raise ApiError(
            401,
            "unauthorized",
            "An API key is required (Authorization: Bearer KEY or X-API-Key).",
            headers=CHALLENGE,
        )
    raise ApiError(401, "unauthorized", "The API key is not valid.", headers=CHALLENGE)


def require_admin(request: Request, key: str | None = Depends(presented_key)) -> Role:
    """The admin key only. Without a configured admin key these endpoints are closed."""
    settings = _settings(request)
    if settings.admin_key is None or not settings.admin_key.get_secret_value():
        raise ApiError(403, "forbidden", "Admin endpoints are disabled: no admin key is configured (REMISS_ADMIN_KEY).")
    if not key:
        raise ApiError(403, "forbidden", "This endpoint needs the admin key (Authorization: Bearer KEY or X-API-Key).")
    if role_of(settings, key) != "admin":
        raise ApiError(403, "forbidden", "This endpoint needs the admin key; the key presented is not it.")
    return "admin"
