"""API test helpers: a token for a user in a company, and a client speaking JSON with it."""

import json

from django.test import Client

from api.services import api_token_create


def token_for(user, company, *, can_write=True, expires_at=None, name="test"):
    token, raw = api_token_create(
        user=user, company=company, name=name, can_write=can_write, expires_at=expires_at
    )
    return token, raw


class ApiClient:
    """JSON requests with `Authorization: Bearer <token>` (no session, so no CSRF)."""

    def __init__(self, raw: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw}"} if raw else {}

    def get(self, url, params=None, **headers):
        return self.client.get(url, params or {}, headers={**self.headers, **headers})

    def _send(self, method, url, body, **headers):
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return getattr(self.client, method)(
            url, data, content_type="application/json", headers={**self.headers, **headers}
        )

    def post(self, url, body=None, **headers):
        return self._send("post", url, body if body is not None else {}, **headers)

    def patch(self, url, body, **headers):
        return self._send("patch", url, body, **headers)

    def put(self, url, body, **headers):
        return self._send("put", url, body, **headers)

    def delete(self, url, **headers):
        return self.client.delete(url, headers={**self.headers, **headers})
