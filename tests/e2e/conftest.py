"""The browser tests' shared fixtures (see tests/e2e/browser.py)."""

from pathlib import Path

import pytest

from core.settings import Settings
from tests.e2e.browser import browser

__all__ = ["browser", "built_dashboard"]


@pytest.fixture
def built_dashboard(settings: Settings) -> Path:
    """The dashboard's built index.html; the test fails when there is no build."""
    index = settings.dashboard_dir / "index.html"
    if not index.exists():
        pytest.fail("the dashboard is not built: run `make dashboard`")
    return index
