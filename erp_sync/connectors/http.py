"""JSON over HTTP, per docs/erp-api.yaml: paged, incremental by change time, API key in a header."""

from datetime import datetime

import requests

from erp_sync.connectors import ApprovalState, ConnectorError, Page


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class HttpConnector:
    def __init__(self, *, base_url: str, api_key: str, page_size: int = 500, timeout: float = 30):
        self.base_url = base_url.rstrip("/")
        self.page_size = page_size
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update({"X-API-Key": api_key, "Accept": "application/json"})

    def _request(self, method: str, path: str, **kwargs) -> dict:
        try:
            response = self.session.request(method, self.base_url + path, timeout=self.timeout, **kwargs)
        except requests.RequestException as error:
            raise ConnectorError(f"The ERP did not answer: {error}") from error
        if response.status_code >= 400:
            raise ConnectorError(f"The ERP answered {response.status_code}: {response.text[:300]}")
        try:
            return response.json()
        except ValueError as error:
            raise ConnectorError("The ERP's answer is not JSON") from error

    def changes(self, kind: str, since: datetime | None, page: int) -> Page:
        params = {"page": page, "page_size": self.page_size}
        if since is not None:
            params["changed_since"] = since.isoformat()
        body = self._request("GET", f"/api/v1/{kind}", params=params)
        return Page(
            items=body["items"], next_page=body.get("next_page"), server_time=_parse_time(body["server_time"])
        )

    def push_partner(self, payload: dict, idempotency_key: str) -> ApprovalState:
        body = self._request(
            "POST", "/api/v1/partner-requests", json=payload, headers={"Idempotency-Key": idempotency_key}
        )
        return ApprovalState(
            status=body["status"], erp_id=body.get("erp_id"), reason=body.get("reason") or ""
        )

    def approval_state(self, idempotency_key: str) -> ApprovalState:
        body = self._request("GET", f"/api/v1/partner-requests/{idempotency_key}")
        return ApprovalState(
            status=body["status"], erp_id=body.get("erp_id"), reason=body.get("reason") or ""
        )
