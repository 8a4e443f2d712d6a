"""Print the API's OpenAPI document as JSON, offline: no server, database or Temporal.

The dashboard generates its API types from it (``npm run api:types`` in dashboard/), and
``make dashboard-check`` fails when the committed types no longer match it::

    python -m api.openapi_spec > openapi.json
"""

from __future__ import annotations

import json
import sys

from api.app import create_app
from core.settings import Settings


def openapi_json() -> str:
    """The document ``/api/openapi.json`` serves, with sorted keys so a diff is stable."""
    return json.dumps(create_app(Settings()).openapi(), indent=2, sort_keys=True) + "\n"


def main() -> None:
    sys.stdout.write(openapi_json())


if __name__ == "__main__":
    main()
