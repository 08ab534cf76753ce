"""The one interface the importer and the push use, and the connector chosen by settings."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.conf import settings


@dataclass
class Page:
    items: list[dict]
    next_page: int | None
    server_time: datetime


@dataclass
class ApprovalState:
    status: str  # pending / approved / rejected
    erp_id: str | None = None
    reason: str = ""


class ConnectorError(Exception):
    """The ERP could not be reached or answered badly; the run fails and the next one resumes."""


class Connector(Protocol):
    def changes(self, kind: str, since: datetime | None, page: int) -> Page: ...

    def push_partner(self, payload: dict, idempotency_key: str) -> ApprovalState: ...

    def approval_state(self, idempotency_key: str) -> ApprovalState: ...


def get_connector() -> Connector:
    if settings.ERP_CONNECTOR == "http":
        from erp_sync.connectors.http import HttpConnector

        return HttpConnector(
            base_url=settings.ERP_API_URL,
            api_key=settings.ERP_API_KEY,
            page_size=settings.ERP_PAGE_SIZE,
            timeout=settings.ERP_TIMEOUT,
        )
    if settings.ERP_CONNECTOR == "sql":
        from erp_sync.connectors.sql import SqlConnector

        return SqlConnector(
            dsn=settings.ERP_SQL_DSN, page_size=settings.ERP_PAGE_SIZE, timeout=settings.ERP_TIMEOUT
        )
    raise ConnectorError(f"Unknown ERP connector {settings.ERP_CONNECTOR!r}")
