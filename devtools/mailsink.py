"""A local mail sink speaking Resend's e-mail API, for tests and the demo.

It answers `POST /emails` like https://api.resend.com does, so the real anymail Resend backend
(`ops.mail.ResendEmailBackend` with `ANYMAIL_RESEND_API_URL=http://127.0.0.1:PORT/`) sends to it,
and it models Resend's idempotency keys (https://resend.com/docs/dashboard/emails/idempotency-keys):

- a request with a new `Idempotency-Key` is delivered (stored) and answered `{"id": ...}`;
- the same key with the same payload is not delivered again: the first answer is replayed, and the
  repeat is counted as suppressed;
- the same key with another payload: 409 `invalid_idempotent_request`; a key outside 1-256
  characters: 400 `invalid_idempotency_key`;
- a request without a key is always delivered (a repeat becomes a duplicate, as at a plain relay).

Every request and every delivered message is committed to a SQLite file before the answer is
written, so another process (a test, a chaos run) can count deliveries, raw duplicates included.

    python -m devtools.mailsink --port 18225 --db var/mailsink.sqlite3
"""

import argparse
import hashlib
import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS message (
    id TEXT PRIMARY KEY,
    idempotency_key TEXT UNIQUE,
    payload_hash TEXT NOT NULL,
    message_id_header TEXT NOT NULL,
    sender TEXT NOT NULL,
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    text TEXT NOT NULL,
    headers TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS request (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT,
    outcome TEXT NOT NULL,
    message TEXT,
    received_at TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class SinkMessage:
    id: str
    idempotency_key: str | None
    message_id_header: str
    sender: str
    recipients: tuple[str, ...]
    subject: str
    text: str
    headers: dict


class SinkStore:
    """The sink's SQLite file; any process may open it to count what was delivered."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        with self._connect() as db:
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        return db

    def accept(self, payload: dict, key: str | None) -> tuple[str, SinkMessage | None, str]:
        """Record one request; returns (outcome, the message, its id). Outcomes: delivered, replayed,
        conflict. Check and insert run in one write transaction, so concurrent repeats deliver once."""
        body_hash = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        now = datetime.now(UTC).isoformat()
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            row = None
            if key is not None:
                row = db.execute(
                    "SELECT id, payload_hash FROM message WHERE idempotency_key = ?", (key,)
                ).fetchone()
            if row is not None:
                outcome = "replayed" if row[1] == body_hash else "conflict"
                db.execute(
                    "INSERT INTO request (idempotency_key, outcome, message, received_at) VALUES (?, ?, ?, ?)",
                    (key, outcome, row[0], now),
                )
                db.execute("COMMIT")
                return outcome, None, row[0]
            headers = payload.get("headers") or {}
            message = SinkMessage(
                id=str(uuid.uuid4()),
                idempotency_key=key,
                message_id_header=next((str(v) for k, v in headers.items() if k.lower() == "message-id"), ""),
                sender=str(payload.get("from", "")),
                recipients=tuple(_as_list(payload.get("to"))),
                subject=str(payload.get("subject", "")),
                text=str(payload.get("text") or payload.get("html") or ""),
                headers=headers,
            )
            db.execute(
                "INSERT INTO message VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    message.id, key, body_hash, message.message_id_header, message.sender,
                    json.dumps(message.recipients), message.subject, message.text, json.dumps(headers), now,
                ),
            )  # fmt: skip
            db.execute(
                "INSERT INTO request (idempotency_key, outcome, message, received_at) VALUES (?, ?, ?, ?)",
                (key, "delivered", message.id, now),
            )
            db.execute("COMMIT")
            return "delivered", message, message.id
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        finally:
            db.close()

    def messages(self) -> list[SinkMessage]:
        """Every delivered message, in the order received."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, idempotency_key, message_id_header, sender, recipients, subject, text, headers "
                "FROM message ORDER BY received_at, rowid"
            ).fetchall()
        return [
            SinkMessage(
                id=row[0], idempotency_key=row[1], message_id_header=row[2], sender=row[3],
                recipients=tuple(json.loads(row[4])), subject=row[5], text=row[6], headers=json.loads(row[7]),
            )
            for row in rows
        ]  # fmt: skip

    def message(self, message_id: str) -> SinkMessage | None:
        return next((m for m in self.messages() if m.id == message_id), None)

    def request_counts(self) -> dict[str, int]:
        """How many requests ended how: delivered, replayed (a suppressed repeat), conflict."""
        with self._connect() as db:
            return dict(db.execute("SELECT outcome, COUNT(*) FROM request GROUP BY outcome").fetchall())

    @property
    def suppressed(self) -> int:
        return self.request_counts().get("replayed", 0)


def _as_list(value) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a sender that died mid-request (what the chaos test does) is not the sink's error


class MailSink:
    """The HTTP server (a thread) in front of a `SinkStore`.

    `on_accept(message)` runs after a delivery is committed and before the answer is written: a test
    uses it to learn the exact moment a message was accepted, e.g. to kill the sender right then.
    `delay` (seconds) holds every request before it is handled, like a slow network.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str | None = None,
        delay: float = 0.0,
        on_accept: Callable[[SinkMessage], None] | None = None,
    ):
        self.store = SinkStore(path)
        self.api_key = api_key
        self.delay = delay
        self.on_accept = on_accept
        self.server = _QuietServer((host, port), self._handler_class())
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> "MailSink":
        self.thread = threading.Thread(target=self.server.serve_forever, name="mailsink", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)

    def __enter__(self) -> "MailSink":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _handler_class(self):
        sink = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):  # noqa: A002 - quiet: tests read the store
                pass

            def answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the sender died before reading the answer

            def error(self, status: int, name: str, message: str) -> None:
                self.answer(status, {"statusCode": status, "name": name, "message": message})

            def authorised(self) -> bool:
                auth = self.headers.get("Authorization", "")
                if not auth.startswith("Bearer ") or not auth[7:].strip():
                    self.error(401, "missing_api_key", "Missing API key in the authorization header.")
                    return False
                if sink.api_key is not None and auth[7:].strip() != sink.api_key:
                    self.error(403, "invalid_api_key", "API key is invalid.")
                    return False
                return True

            def do_GET(self):  # noqa: N802 - http.server's naming
                if not self.authorised():
                    return
                message = sink.store.message(self.path.rstrip("/").rpartition("/")[2])
                if not self.path.startswith("/emails/") or message is None:
                    self.error(404, "not_found", "Email not found.")
                    return
                self.answer(
                    200,
                    {
                        "object": "email", "id": message.id, "from": message.sender,
                        "to": list(message.recipients), "subject": message.subject, "text": message.text,
                        "last_event": "delivered",
                    },
                )  # fmt: skip

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path.rstrip("/") != "/emails":
                    self.error(404, "not_found", "The requested endpoint does not exist.")
                    return
                if not self.authorised():
                    return
                try:
                    payload = json.loads(raw)
                except ValueError:
                    self.error(400, "validation_error", "Invalid JSON body.")
                    return
                if not isinstance(payload, dict) or not all(
                    payload.get(f) for f in ("from", "to", "subject")
                ):
                    self.error(422, "missing_required_field", "from, to and subject are required.")
                    return
                key = self.headers.get("Idempotency-Key")
                if key is not None and not 1 <= len(key) <= 256:
                    self.error(400, "invalid_idempotency_key", "The key must be 1-256 characters.")
                    return
                if sink.delay:
                    time.sleep(sink.delay)
                outcome, message, message_id = sink.store.accept(payload, key)
                if outcome == "conflict":
                    self.error(
                        409,
                        "invalid_idempotent_request",
                        "This idempotency key has already been used on a request with a different payload.",
                    )
                    return
                if message is not None and sink.on_accept is not None:
                    sink.on_accept(message)
                self.answer(200, {"id": message_id})

        return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description="A local Resend-API mail sink (stores every message).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=18225)
    parser.add_argument("--db", default="var/mailsink.sqlite3")
    parser.add_argument("--api-key", default=None, help="refuse other keys (default: accept any)")
    args = parser.parse_args()

    def show(message: SinkMessage) -> None:
        print(f"{message.id}  {', '.join(message.recipients)}  {message.subject}", flush=True)  # noqa: T201

    sink = MailSink(args.db, host=args.host, port=args.port, api_key=args.api_key, on_accept=show)
    print(f"Mail sink on {sink.url} storing into {args.db}", flush=True)  # noqa: T201
    try:
        sink.server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        sink.server.server_close()


if __name__ == "__main__":
    main()
