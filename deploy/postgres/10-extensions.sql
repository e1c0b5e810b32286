-- docker-compose's PostgreSQL runs this once, when it creates the database (docker-entrypoint-initdb.d).
-- Every service's migration also runs CREATE EXTENSION IF NOT EXISTS btree_gist, but that statement is
-- not safe when several sessions run it at once on a database that lacks the extension (a unique
-- violation on pg_extension), and compose starts the five migrate jobs together. Creating it here first
-- makes theirs a no-op. For a managed PostgreSQL, create it once the same way (see deploy/README.md).
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;
