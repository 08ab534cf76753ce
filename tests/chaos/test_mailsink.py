"""The local mail sink speaks Resend's API to anymail's real Resend backend and models its idempotency
keys; another process can count what it stored."""

import subprocess
import sys

import pytest
from anymail.exceptions import AnymailAPIError
from django.core.mail import EmailMessage, get_connection

from devtools.mailsink import MailSink
from ops.mail import idempotency_key, key_was_used_for_another_payload

pytestmark = pytest.mark.chaos


@pytest.fixture
def sink(tmp_path):
    with MailSink(tmp_path / "sink.sqlite3", api_key="re_test_key") as sink:
        yield sink


def send(
    sink: MailSink, *, body: str = "Please pay.", message_id: str | None = "<letter-1@crm.example>", key=None
):
    connection = get_connection("ops.mail.ResendEmailBackend", api_key=key or "re_test_key", api_url=sink.url)
    headers = {"Message-ID": message_id} if message_id else {}
    message = EmailMessage(
        "Reminder", body, "crm@crm.example", ["ap@partner.example"], headers=headers, connection=connection
    )
    message.send()
    return message


def test_a_repeat_with_the_same_key_is_answered_with_the_first_id_and_not_delivered_again(sink):
    first = send(sink)
    second = send(sink)
    assert first.anymail_status.message_id == second.anymail_status.message_id
    delivered = sink.store.messages()
    assert [(m.idempotency_key, m.recipients, m.subject) for m in delivered] == [
        ("letter-1@crm.example", ("ap@partner.example",), "Reminder")
    ]
    assert delivered[0].message_id_header == "<letter-1@crm.example>"
    assert sink.store.request_counts() == {"delivered": 1, "replayed": 1}
    assert sink.store.suppressed == 1


def test_the_same_key_with_another_payload_is_refused_and_recognised_as_already_sent(sink):
    send(sink)
    with pytest.raises(AnymailAPIError) as refused:
        send(sink, body="Please pay, edited.")
    assert refused.value.status_code == 409
    assert key_was_used_for_another_payload(refused.value)
    assert len(sink.store.messages()) == 1


def test_without_a_key_every_request_is_delivered_like_at_a_plain_relay(sink):
    send(sink, message_id=None)
    send(sink, message_id=None)
    assert [m.idempotency_key for m in sink.store.messages()] == [None, None]
    assert sink.store.request_counts() == {"delivered": 2}


def test_a_wrong_api_key_is_refused_and_nothing_is_stored(sink):
    with pytest.raises(AnymailAPIError) as refused:
        send(sink, key="re_wrong")
    assert refused.value.status_code == 403
    assert not key_was_used_for_another_payload(refused.value)
    assert sink.store.messages() == []


def test_another_process_counts_what_the_sink_stored(sink):
    send(sink)
    send(sink)
    counted = subprocess.run(
        [sys.executable, "-c", "import sys; from devtools.mailsink import SinkStore; "
         "s = SinkStore(sys.argv[1]); print(len(s.messages()), s.suppressed)", str(sink.store.path)],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert counted.stdout.split() == ["1", "1"]


def test_the_key_is_the_message_id_without_brackets():
    assert (
        idempotency_key(EmailMessage(headers={"message-id": "<gdpr-1-2@crm.example>"}))
        == "gdpr-1-2@crm.example"
    )
    assert idempotency_key(EmailMessage()) == ""
