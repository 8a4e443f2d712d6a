"""The one kind of error a service raises to refuse a request.

Services (knowledge base, conversations, contacts, exports, account deletion) raise a
:class:`RefusedError` subclass with the HTTP status the API answers and a message for the
caller; the API turns every one into ``{"detail": message}`` with that status in one
exception handler (``api/app.py``). Messages never carry personal data.
"""

from __future__ import annotations


class RefusedError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
