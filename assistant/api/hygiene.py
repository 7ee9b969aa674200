"""Input hygiene for request bodies: every string, however deeply nested, must be proper Unicode. JSON may
carry a lone surrogate (`"\\ud800"`), which Python decodes into a `str` that cannot be encoded again — it would
fail later, in Chroma, the log or the answer stream. `ApiModel` refuses it at the edge with a 422."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator


def surrogate_path(value: Any, path: str = "") -> str | None:
    """The dotted path of the first string (or key) holding a lone surrogate, else None."""
    if isinstance(value, str):
        return None if _proper(value) else path or "value"
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and not _proper(key):
                return where
            found = surrogate_path(item, where)
            if found:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = surrogate_path(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


def _proper(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class ApiModel(BaseModel):
    """A request body: unknown keys refused, types strict (no "5" for 5), strings proper Unicode."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @model_validator(mode="before")
    @classmethod
    def _proper_unicode(cls, data: Any) -> Any:
        where = surrogate_path(data)
        if where:
            raise ValueError(f"{where}: not valid Unicode (a lone surrogate such as \\ud800)")
        return data


def integral(value: Any) -> Any:
    """JSON Schema counts 36.0 as an integer: accept it as 36. Strings and booleans stay refused (strict)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Int = Annotated[int, BeforeValidator(integral)]
