"""Django's PostgreSQL backend with a bound on every wait for a reply (see ``base``)."""

from typing import Any


def hot_cursor(connection: Any) -> Any:
    """Return a cursor for a statement that most requests run: prepared once per connection on our
    PostgreSQL backend (``base.DatabaseWrapper.prepared_cursor``), Django's own cursor elsewhere."""
    prepared = getattr(connection, "prepared_cursor", None)
    return prepared() if prepared is not None else connection.cursor()
