-- Run once by the postgres image when it creates its database (compose.ha.yaml mounts it in
-- /docker-entrypoint-initdb.d). Behind PgBouncer the service cannot send its statement timeout when
-- it connects; the role carries it, and DATABASE_STATEMENT_TIMEOUT_MS (5000) is the most it may be.
ALTER ROLE sessauth SET statement_timeout = 5000;
