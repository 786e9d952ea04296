"""A real SMTP server for the mail tests: aiosmtpd on a free loopback port, in a thread.

``SMTPServer.messages`` holds what it received, parsed (``email.message.EmailMessage``), with
the envelope recipients in ``server.recipients``.
"""

import email
import email.policy
import re
import socket
from email.message import EmailMessage

from aiosmtpd.controller import Controller

_URL = re.compile(r"https?://\S+")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Collector:
    def __init__(self, server: "SMTPServer") -> None:
        self.server = server

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.server.messages.append(message)
        self.server.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.host = "127.0.0.1"
        self.port = free_port()
        self._controller = Controller(_Collector(self), hostname=self.host, port=self.port, ready_timeout=10)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def clear(self) -> None:
        self.messages.clear()
        self.recipients.clear()

    def only_message_to(self, address: str) -> EmailMessage:
        assert self.recipients == [[address]], f"expected one message to {address}, got {self.recipients}"
        return self.messages[0]


def body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()


def link_in(message: EmailMessage) -> str:
    """The one link in a message, as a path on the site (the test client's host is testserver)."""
    links = _URL.findall(body(message))
    assert len(links) == 1, links
    return re.sub(r"^https?://[^/]+", "", links[0])
