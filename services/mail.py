"""Sending email (member invitations) through the SMTP server in the settings.

Nothing is sent unless ``PERCEPTRON_SMTP_HOST`` is set. Port 465 speaks TLS from the start;
any other port upgrades with STARTTLS when the server offers it. The standard library's
:mod:`smtplib` runs in a thread so the event loop never waits on the network. Logs name
neither the recipient nor the message.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage

from core.logging import get_logger
from core.settings import Settings

log = get_logger(__name__)

SMTP_TIMEOUT_SECONDS = 15


class MailNotConfiguredError(RuntimeError):
    pass


def mail_enabled(settings: Settings) -> bool:
    return bool(settings.smtp_host)


async def send_mail(settings: Settings, to: str, subject: str, text: str) -> None:
    """Send one plain-text message; raises :class:`OSError` or :class:`smtplib.SMTPException`
    when the server refuses or cannot be reached."""
    if not settings.smtp_host:
        raise MailNotConfiguredError("PERCEPTRON_SMTP_HOST is not set")
    message = EmailMessage()
    message["From"] = settings.smtp_from or f"perceptron@{settings.smtp_host}"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    await asyncio.to_thread(_send, settings, message)
    log.info("email sent")


def _send(settings: Settings, message: EmailMessage) -> None:
    host = settings.smtp_host
    assert host is not None
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.smtp_port == 465:
        smtp = smtplib.SMTP_SSL(
            host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS, context=context
        )
    else:
        smtp = smtplib.SMTP(host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS)
    with smtp:
        smtp.ehlo()
        if settings.smtp_port != 465 and smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.smtp_username and settings.smtp_password is not None:
            smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
        smtp.send_message(message)
