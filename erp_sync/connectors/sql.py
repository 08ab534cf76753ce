"""SQL: reads agreed views in the ERP's own PostgreSQL database and writes push requests into an agreed
staging table (docs/erp-sql-contract.md has the exact columns).

Views `crm_partners_v`, `crm_products_v`, `crm_orders_v`, `crm_invoices_v`, each with the columns
    erp_id text, changed_at timestamptz, data jsonb   (data: the same record as the HTTP contract)
Staging table `crm_partner_requests`
    idempotency_key uuid primary key, payload jsonb, status text default 'pending',
    erp_id text, reason text, created_at timestamptz default now()
"""

import json
from datetime import datetime

import psycopg
from psycopg.rows import dict_row

from erp_sync.connectors import ApprovalState, ConnectorError, Page

VIEWS = {
    "partners": "crm_partners_v",
    "products": "crm_products_v",
    "orders": "crm_orders_v",
    "invoices": "crm_invoices_v",
}


class SqlConnector:
    def __init__(self, *, dsn: str, page_size: int = 500, timeout: float = 30):
        self.dsn = dsn
        self.page_size = page_size
        self.timeout = timeout

    def _connect(self):
        try:
            return psycopg.connect(self.dsn, connect_timeout=int(self.timeout), row_factory=dict_row)
        except psycopg.Error as error:
            raise ConnectorError(f"The ERP database did not answer: {error}") from error

    def changes(self, kind: str, since: datetime | None, page: int) -> Page:
        view = VIEWS[kind]
        offset = (page - 1) * self.page_size
        try:
            with self._connect() as conn, conn.cursor() as cursor:
                cursor.execute("SELECT now() AS server_time")
                server_time = cursor.fetchone()["server_time"]
                cursor.execute(
                    f"SELECT erp_id, changed_at, data FROM {view} "  # noqa: S608 (view name from a fixed map)
                    "WHERE %(since)s::timestamptz IS NULL OR changed_at > %(since)s "
                    "ORDER BY changed_at, erp_id LIMIT %(limit)s OFFSET %(offset)s",
                    {"since": since, "limit": self.page_size + 1, "offset": offset},
                )
                rows = cursor.fetchall()
        except psycopg.Error as error:
            raise ConnectorError(f"Reading {view} failed: {error}") from error
        more = len(rows) > self.page_size
        items = [{**row["data"], "id": row["erp_id"]} for row in rows[: self.page_size]]
        return Page(items=items, next_page=page + 1 if more else None, server_time=server_time)

    def push_partner(self, payload: dict, idempotency_key: str) -> ApprovalState:
        try:
            with self._connect() as conn, conn.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO crm_partner_requests (idempotency_key, payload) VALUES (%s, %s) "
                    "ON CONFLICT (idempotency_key) DO NOTHING",
                    [idempotency_key, json.dumps(payload)],
                )
        except psycopg.Error as error:
            raise ConnectorError(f"Writing the partner request failed: {error}") from error
        return self.approval_state(idempotency_key)

    def approval_state(self, idempotency_key: str) -> ApprovalState:
        try:
            with self._connect() as conn, conn.cursor() as cursor:
                cursor.execute(
                    "SELECT status, erp_id, reason FROM crm_partner_requests WHERE idempotency_key = %s",
                    [idempotency_key],
                )
                row = cursor.fetchone()
        except psycopg.Error as error:
            raise ConnectorError(f"Reading the partner request failed: {error}") from error
        if row is None:
            raise ConnectorError("No such partner request in the ERP")
        return ApprovalState(status=row["status"], erp_id=row["erp_id"], reason=row["reason"] or "")
