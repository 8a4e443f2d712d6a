"""The browser tests' shared fixtures (see tests/e2e/browser.py)."""

from tests.e2e.browser import browser

__all__ = ["browser"]
