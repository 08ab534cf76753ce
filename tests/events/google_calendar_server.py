"""A local stand-in for Google: the Calendar v3 events API and the OAuth 2.0 token/revoke endpoints.

It runs on 127.0.0.1 on a free port in a thread (stdlib only). Tests point the
real google-api-python-client at it through ``GOOGLE_CALENDAR_API_ENDPOINT``
(with that option the client sends ``/calendars/...`` without the
``/calendar/v3`` prefix) and the OAuth flow through ``GOOGLE_OAUTH_TOKEN_URI``
and ``GOOGLE_OAUTH_REVOKE_URI``.

Every request is recorded (method, path, query, JSON or form body); the
events live in ``server.events``; ``fail_next(status, times)`` makes the next
API calls answer an error; ``revoke_all()`` behaves like a user removing the
app's access in their Google account.
"""

import base64
import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

API_PREFIX = "/calendar/v3"


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict
    body: dict | None
    authorization: str = ""


def _unsigned_jwt(claims: dict) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(claims)}.{part({'sig': 'none'})}"


@dataclass
class FakeGoogle:
    email: str = "someone@gmail.example"
    requests: list[RecordedRequest] = field(default_factory=list)
    events: dict[str, dict] = field(default_factory=dict)
    access_tokens: set[str] = field(default_factory=set)
    refresh_tokens: set[str] = field(default_factory=set)
    revoked: set[str] = field(default_factory=set)
    failures: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # -- control -------------------------------------------------------
    def start(self) -> "FakeGoogle":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def fail_next(self, status: int, times: int = 1) -> None:
        """The next `times` Calendar API calls answer `status`."""
        with self.lock:
            self.failures.extend([status] * times)

    def issue_token(self) -> str:
        token = "ya29.fake-" + secrets.token_urlsafe(16)
        self.access_tokens.add(token)
        return token

    def revoke_all(self) -> None:
        """Like a user removing the app's access: every token stops working."""
        with self.lock:
            self.revoked |= self.access_tokens | self.refresh_tokens

    def api_calls(self, method: str | None = None) -> list[RecordedRequest]:
        return [
            r
            for r in self.requests
            if r.path.lstrip("/").startswith(("calendars/", API_PREFIX.lstrip("/")))
            and (method is None or r.method == method)
        ]

    def live_events(self) -> dict[str, dict]:
        return {key: value for key, value in self.events.items() if value.get("status") != "cancelled"}


def _handler_for(google: FakeGoogle):
    class Handler(BaseHTTPRequestHandler):
        server_version = "FakeGoogle/1.0"

        def log_message(self, format, *args):  # keep test output quiet
            return

        # -- plumbing --------------------------------------------------
        def _read(self) -> tuple[dict | None, bytes]:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if not raw:
                return None, raw
            content_type = self.headers.get("Content-Type", "")
            if "json" in content_type:
                return json.loads(raw), raw
            return {k: v[0] for k, v in parse_qs(raw.decode()).items()}, raw

        def _send(self, status: int, payload: dict | None = None) -> None:
            data = b"" if payload is None else json.dumps(payload).encode()
            self.send_response(status)
            if payload is not None:
                self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if data:
                self.wfile.write(data)

        def _error(self, status: int, reason: str, message: str) -> None:
            self._send(
                status,
                {
                    "error": {
                        "code": status,
                        "message": message,
                        "errors": [{"domain": "global", "reason": reason, "message": message}],
                    }
                },
            )

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            body, _raw = self._read()
            with google.lock:
                google.requests.append(
                    RecordedRequest(
                        self.command, parts.path, query, body, self.headers.get("Authorization", "")
                    )
                )
            path = parts.path
            if path.startswith(API_PREFIX + "/"):
                path = path[len(API_PREFIX) :]
            segments = [unquote(s) for s in path.strip("/").split("/")]
            if segments == ["token"] and self.command == "POST":
                return self._token(body or {})
            if segments == ["revoke"] and self.command == "POST":
                token = query.get("token") or (body or {}).get("token")
                with google.lock:
                    google.revoked.add(token)
                return self._send(200, {})
            if len(segments) >= 3 and segments[0] == "calendars" and segments[2] == "events":
                return self._calendar(segments[1], segments[3] if len(segments) > 3 else None, body)
            return self._error(404, "notFound", "Not Found")

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

        # -- OAuth -----------------------------------------------------
        def _token(self, form: dict) -> None:
            grant = form.get("grant_type")
            if grant == "authorization_code":
                if not form.get("code") or form["code"] == "bad-code":
                    return self._send(400, {"error": "invalid_grant", "error_description": "Bad code"})
                refresh = "1//fake-refresh-" + secrets.token_urlsafe(16)
                google.refresh_tokens.add(refresh)
                return self._send(
                    200,
                    {
                        "access_token": google.issue_token(),
                        "refresh_token": refresh,
                        "expires_in": 3599,
                        "token_type": "Bearer",
                        "scope": "https://www.googleapis.com/auth/calendar.events openid "
                        "https://www.googleapis.com/auth/userinfo.email",
                        "id_token": _unsigned_jwt(
                            {"iss": "https://accounts.google.com", "email": google.email, "sub": "42"}
                        ),
                    },
                )
            if grant == "refresh_token":
                refresh = form.get("refresh_token")
                if refresh in google.revoked or refresh not in google.refresh_tokens:
                    return self._send(
                        400,
                        {"error": "invalid_grant", "error_description": "Token has been expired or revoked."},
                    )
                return self._send(
                    200, {"access_token": google.issue_token(), "expires_in": 3599, "token_type": "Bearer"}
                )
            return self._send(400, {"error": "unsupported_grant_type"})

        # -- Calendar API ----------------------------------------------
        def _calendar(self, calendar_id: str, event_id: str | None, body: dict | None) -> None:
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            with google.lock:
                failure = google.failures.pop(0) if google.failures else None
            if failure == 401 or not token or token in google.revoked:
                return self._error(401, "authError", "Invalid Credentials")
            if failure:
                return self._error(failure, "backendError", "Backend Error")
            key = f"{calendar_id}/{event_id}" if event_id else None
            existing = google.events.get(key) if key else None
            if self.command == "POST" and event_id is None:
                new_id = (body or {}).get("id") or secrets.token_hex(13)
                key = f"{calendar_id}/{new_id}"
                if key in google.events:
                    return self._error(409, "duplicate", "The requested identifier already exists.")
                resource = {**(body or {}), "id": new_id, "status": (body or {}).get("status", "confirmed")}
                google.events[key] = resource
                return self._send(200, resource)
            if self.command == "GET" and event_id is None:
                items = [v for k, v in google.events.items() if k.startswith(calendar_id + "/")]
                return self._send(200, {"kind": "calendar#events", "items": items})
            if existing is None:
                return self._error(404, "notFound", "Not Found")
            if self.command == "GET":
                return self._send(200, existing)
            if self.command in ("PATCH", "PUT"):
                resource = {**existing, **(body or {}), "id": event_id} if self.command == "PATCH" else body
                google.events[key] = resource
                return self._send(200, resource)
            if self.command == "DELETE":
                if existing.get("status") == "cancelled":
                    return self._error(410, "deleted", "Resource has been deleted")
                existing["status"] = "cancelled"
                return self._send(204)
            return self._error(405, "notAllowed", "Method not allowed")

    return Handler
