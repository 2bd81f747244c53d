"""Datetimes read from PostgreSQL are the ones Django's own loader gives, whatever their text."""

from __future__ import annotations

from datetime import UTC

import pytest

from tests.support.services import POSTGRES_URL, require_postgres

VALUES = [
    "2026-12-02 17:38:40.576665+00",
    "2026-12-02 17:38:40+00",
    "2000-02-29 00:00:00.000001+00",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
    "0044-03-15 12:00:00+00 BC",  # past what fromisoformat reads: Django's loader answers
]


def read(loader: type, time_zone: str) -> list[object]:
    """Return each value as the loader reads it on a connection in this time zone (or the error)."""
    import psycopg
    from django.db.backends.postgresql.psycopg_any import get_adapters_template

    adapters = psycopg.adapt.AdaptersMap(get_adapters_template(True, UTC))
    adapters.register_loader("timestamptz", loader)
    results: list[object] = []
    url = POSTGRES_URL.replace("postgres://", "postgresql://")
    with psycopg.connect(url, context=adapters, autocommit=True) as conn:
        conn.execute(f"SET TIME ZONE '{time_zone}'")  # type: ignore[arg-type]
        for value in VALUES:
            try:
                (result,) = conn.execute("SELECT %s::timestamptz", [value]).fetchone()  # type: ignore[misc]
                results.append((result, result.tzinfo))
            except psycopg.Error as exc:
                results.append(type(exc))
    return results


@pytest.mark.parametrize("time_zone", ["UTC", "Europe/Paris"])
def test_our_timestamptz_loader_reads_what_djangos_reads(time_zone):
    require_postgres()
    from django.db.backends.postgresql.psycopg_any import BaseTzLoader

    from api_project.db.base import UtcTimestamptzLoader

    class DjangosLoader(BaseTzLoader):
        timezone = UTC

    assert read(UtcTimestamptzLoader, time_zone) == read(DjangosLoader, time_zone)


def test_the_service_reads_datetimes_with_our_loader():
    require_postgres()
    from django.db import connections
    from psycopg.pq import Format

    from api_project.db.base import DatabaseWrapper, UtcTimestamptzLoader, base

    settings = {**connections["default"].settings_dict, "ENGINE": "api_project.db", "NAME": "test"}
    params = DatabaseWrapper(settings).get_connection_params()
    assert params["context"].get_loader(base.TIMESTAMPTZ_OID, Format.TEXT) is UtcTimestamptzLoader
