"""Django's PostgreSQL backend with a bound on every wait for a reply (see ``base``)."""
