"""The README documents every setting and names the two commands that exist."""

from __future__ import annotations

from assistant.settings import Settings
from tests.paths import PROJECT_ROOT

ROOT = PROJECT_ROOT
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented() -> None:
    missing = [name for name in Settings.model_fields if f"REMISS_{name.upper()}" not in README]
    assert not missing, f"settings missing from the README: {missing}"


def test_the_two_commands_exist() -> None:
    assert "scripts/setup && .venv/bin/remiss up" in README and "scripts/test" in README
    for script in ("scripts/setup", "scripts/test", ".ci/run"):
        path = ROOT / script
        assert path.is_file() and path.stat().st_mode & 0o111, f"{script} is not executable"
