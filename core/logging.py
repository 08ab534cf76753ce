"""One JSON object per log line, for log collectors (journald, Docker, Loki, ...). Standard library only.

Used by settings.LOGGING when LOG_FORMAT=json (the default when DEBUG is off).
"""

import json
import logging
from datetime import UTC, datetime

from core.request_id import request_id_for


class JsonFormatter(logging.Formatter):
    """Fields: timestamp (ISO 8601, UTC), level, logger, message, module, request_id (inside a request),
    exception and stack (when the record has them)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "timestamp": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "module": record.module,
        }
        request_id = request_id_for(record)
        if request_id:
            entry["request_id"] = request_id
        status_code = getattr(record, "status_code", None)
        if isinstance(status_code, int):
            entry["status_code"] = status_code
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
