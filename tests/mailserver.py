"""A real SMTP server and a real task worker for the tests of reader and moderator mail.

``SMTPServer`` is aiosmtpd listening on a free loopback port and keeping what it
receives; ``run_worker()`` runs `manage.py db_worker` in its own process against the test
session's database, pointed at that server, until the queue is empty (its run-once
``--batch`` mode), or in the background for as long as a test needs it.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.servers import ROOT, free_port, shared_database_env, stop


@dataclass
class Received:
    """One message as the server got it: the envelope, and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    def part(self, content_type: str) -> str:
        body = self.message.get_body(preferencelist=(content_type.split("/")[1],))
        assert body is not None and body.get_content_type() == content_type, content_type
        return body.get_content()


class _Handler:
    def __init__(self, inbox: list[Received], lock: threading.Lock, owner: SMTPServer):
        self.inbox = inbox
        self.lock = lock
        self.owner = owner

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.owner.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.owner.stall_after is not None and len(self.inbox) >= self.owner.stall_after:
            # Hold the message unanswered (not accepted) until released: a worker killed
            # now dies mid-send, its message never delivered.
            self.owner.stalled.set()
            while not self.owner.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.inbox.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SMTPServer:
    """aiosmtpd on 127.0.0.1; start() and stop() may be called repeatedly (same port)."""

    def __init__(self):
        self.port = free_port()
        self.inbox: list[Received] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None
        #: Addresses answered "550" at RCPT TO (a mailbox that does not exist).
        self.refuse: set[str] = set()
        #: Once this many messages are in, the next one is held unanswered until release.
        self.stall_after: int | None = None
        self.stalled = threading.Event()
        self.release = threading.Event()

    def start(self) -> None:
        self._controller = Controller(
            _Handler(self.inbox, self._lock, self), hostname="127.0.0.1", port=self.port
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def clear(self) -> None:
        with self._lock:
            self.inbox.clear()
        self.refuse = set()
        self.stall_after = None
        self.stalled.clear()
        self.release.clear()

    def messages_to(self, address: str) -> list[Received]:
        with self._lock:
            return [m for m in self.inbox if address in m.rcpt_tos]

    def wait_for(self, count: int, timeout: float = 30) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.inbox) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{count} message(s) expected, {len(self.inbox)} arrived")
            time.sleep(0.1)
        return list(self.inbox)


def worker_env(smtp: SMTPServer, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REVIEWSITE_"))}
    return (
        env
        | shared_database_env()
        | {
            "DJANGO_SETTINGS_MODULE": "reviewsite.settings",
            "DJANGO_EMAIL_HOST": "127.0.0.1",
            "DJANGO_EMAIL_PORT": str(smtp.port),
            "DJANGO_EMAIL_TIMEOUT": "3",
            "REVIEWSITE_MAIL_RETRY_DELAY": "1s",
        }
        | extra
    )


WORKER = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]


def run_worker(smtp: SMTPServer, **extra: str) -> str:
    """Run every task that is due, in a separate worker process, and return its output."""
    done = subprocess.run(
        [*WORKER, "--batch", "--interval=0.1"],
        cwd=ROOT,
        env=worker_env(smtp, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


@contextmanager
def background_worker(smtp: SMTPServer, **extra: str) -> Iterator[subprocess.Popen]:
    """A worker process polling the queue every 0.1 s until the block ends."""
    process = subprocess.Popen(
        [*WORKER, "--interval=0.1"],
        cwd=ROOT,
        env=worker_env(smtp, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process
    finally:
        stop(process)
