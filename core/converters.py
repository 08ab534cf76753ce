class IdConverter:
    """A database id in a URL: 1 to 18 digits, so an absurd number is a 404 at the URL, not a
    database overflow (SQLite refuses integers beyond 64 bits)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))
