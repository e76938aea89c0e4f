"""Delivery of notifications against real servers started here: an SMTP server (aiosmtpd) and
an HTTP server receiving the webhook. Failures are retried, given up after the configured
attempts, and never take the inbox entry away."""

import hashlib
import hmac
import json
import socket
import threading
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from matcher.alerts.delivery import SIGNATURE_HEADER, deliver_due
from matcher.alerts.job import run_alerts
from matcher.alerts.models import Delivery, Notification
from matcher.alerts.notify import notify
from matcher.alerts.recipients import Recipient
from matcher.auth.models import Role
from matcher.auth.users import create_user
from matcher.models.fields import utcnow
from tests.matcher.alerts.conftest import make_world


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, handler
    controller.stop()


class Receiver(BaseHTTPRequestHandler):
    """Answers each POST with the next status of `statuses` (then 200), keeping the calls."""

    calls: list = []
    statuses: list[int] = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).calls.append((self.headers, body))  # names case-insensitive
        status = type(self).statuses.pop(0) if type(self).statuses else 200
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    Receiver.calls, Receiver.statuses = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", Receiver
    server.shutdown()
    server.server_close()


def _configure(runtime, **values) -> None:
    for name, value in values.items():
        setattr(runtime.settings, name, value)


def test_a_need_alert_is_e_mailed_to_the_enterprise_s_users(client, runtime, smtp):
    controller, received = smtp
    _configure(runtime, smtp_host="127.0.0.1", smtp_port=controller.port,
               smtp_from="alerts@ketnoi.test")
    world = make_world(client, runtime)
    with runtime.session() as session:
        create_user(session, "giamdoc@lucngan.vn", "Giám đốc", "Lục Ngạn", Role.enterprise,
                    "mat-khau-dai-du", enterprise_id=world.bg_enterprise)
        create_user(session, "cu@lucngan.vn", "Đã nghỉ", "Lục Ngạn", Role.enterprise,
                    "mat-khau-dai-du", enterprise_id=world.bg_enterprise).disabled_at = utcnow()
        create_user(session, "moigioi@bg.vn", "Môi giới", "TT BG", Role.intermediary,
                    "mat-khau-dai-du", jurisdiction="BG")
        session.commit()
    world.add_dossier()
    done = run_alerts(runtime)
    assert done.sent.sent == 2 and done.sent.failed == 0
    by_address = {tuple(to): message for to, message in received.messages}
    assert set(by_address) == {("giamdoc@lucngan.vn",), ("moigioi@bg.vn",)}
    message = by_address[("giamdoc@lucngan.vn",)]
    assert message["From"] == "alerts@ketnoi.test"
    assert "Sấy vải thiều" in str(make_header(decode_header(message["Subject"])))
    assert "Heat-pump dryer" in message.get_payload(decode=True).decode()


def test_the_webhook_is_signed_and_retried_until_it_answers(client, runtime, receiver):
    url, calls = receiver
    _configure(runtime, webhook_url=url, webhook_secret="bi-mat-chung")
    calls.statuses = [500]  # the first call fails
    world = make_world(client, runtime)
    with runtime.session() as session:
        note = notify(session, runtime.settings,
                      Recipient(Role.enterprise, enterprise_id=world.bg_enterprise),
                      "expiry.need", "Nhu cầu sắp hết hạn", "Còn 7 ngày.",
                      need_id=world.bg_need)
        session.commit()
        note_id = note.id
    now = utcnow()
    first = deliver_due(runtime.engine, runtime.settings, now)
    assert (first.sent, first.failed) == (0, 1)
    early = deliver_due(runtime.engine, runtime.settings, now + timedelta(seconds=30))
    assert early.sent + early.failed == 0  # not due again before a minute
    second = deliver_due(runtime.engine, runtime.settings, now + timedelta(minutes=1))
    assert second.sent == 1
    assert len(calls.calls) == 2
    headers, body = calls.calls[-1]
    expected = hmac.new(b"bi-mat-chung", body, hashlib.sha256).hexdigest()
    assert headers[SIGNATURE_HEADER] == f"sha256={expected}"
    sent = json.loads(body)
    assert (sent["id"], sent["kind"], sent["need_id"]) == (note_id, "expiry.need", world.bg_need)
    assert sent["recipient"] == {"role": "enterprise", "jurisdiction": None,
                                 "enterprise_id": world.bg_enterprise, "user_id": None,
                                 "key_id": None}


def test_a_dead_mail_server_is_given_up_on_and_the_inbox_keeps_the_notice(client, runtime):
    _configure(runtime, smtp_host="127.0.0.1", smtp_port=_free_port(), delivery_attempts=2)
    world = make_world(client, runtime)
    with runtime.session() as session:
        create_user(session, "giamdoc@lucngan.vn", "Giám đốc", "Lục Ngạn", Role.enterprise,
                    "mat-khau-dai-du", enterprise_id=world.bg_enterprise)
        session.commit()
    world.add_dossier()
    done = run_alerts(runtime)  # nothing listens on the port: refused
    assert (done.notifications, done.sent.sent, done.sent.failed) == (4, 0, 1)
    later = deliver_due(runtime.engine, runtime.settings, utcnow() + timedelta(minutes=2))
    assert later.given_up == 1
    with runtime.session() as session:
        delivery = session.exec(select(Delivery)).one()
        assert delivery.failed_at is not None and delivery.attempts == 2
        assert "ConnectionRefusedError" in delivery.last_error
        assert session.get(Notification, delivery.notification_id) is not None
    assert deliver_due(runtime.engine, runtime.settings,
                       utcnow() + timedelta(days=1)).given_up == 0  # not tried again


def test_ketnoi_settings_masks_the_smtp_password_and_the_webhook_secret():
    from matcher.platform.config import Settings

    shown = Settings(smtp_password="mat-khau", webhook_secret="bi-mat", _env_file=None).shown()
    assert (shown["smtp_password"], shown["webhook_secret"]) == ("***", "***")
    assert Settings(_env_file=None).shown()["webhook_secret"] is None
