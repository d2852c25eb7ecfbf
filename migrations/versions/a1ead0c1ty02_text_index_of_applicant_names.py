"""text index of applicants' folded names: FTS5 trigram table on SQLite, pg_trgm GIN on PostgreSQL

Revision ID: a1ead0c1ty02
Revises: h5b2c3d4e5f6
Create Date: 2026-12-05 08:50:00

A search across many units looks names up here instead of reading every name (app/dossiers/name_index.py).
On SQLite an external-content FTS5 table over `dossiers.applicant_search`, kept by triggers (so bulk
inserts, imports and corrections keep it too); on PostgreSQL the pg_trgm extension (part of
PostgreSQL's contrib, shipped with Debian's server package) and a GIN index that serves `LIKE '%…%'`.

A later migration that rebuilds `dossiers` on SQLite (Alembic's batch mode copies the table and drops
the old one) drops these triggers with it: such a migration must create them again (run SQLITE_UP's
triggers after its batch block); tests/web/test_name_search.py fails if it does not.
"""
from alembic import op


revision = 'a1ead0c1ty02'
down_revision = 'h5b2c3d4e5f6'
branch_labels = None
depends_on = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE dossier_names USING fts5("
    "applicant_search, content='dossiers', content_rowid='id', tokenize='trigram')",
    "INSERT INTO dossier_names(dossier_names) VALUES ('rebuild')",
    "CREATE TRIGGER dossier_names_after_insert AFTER INSERT ON dossiers BEGIN "
    "INSERT INTO dossier_names(rowid, applicant_search) VALUES (new.id, new.applicant_search); END",
    "CREATE TRIGGER dossier_names_after_delete AFTER DELETE ON dossiers BEGIN "
    "INSERT INTO dossier_names(dossier_names, rowid, applicant_search) VALUES ('delete', old.id, old.applicant_search); END",
    "CREATE TRIGGER dossier_names_after_update AFTER UPDATE OF applicant_search ON dossiers BEGIN "
    "INSERT INTO dossier_names(dossier_names, rowid, applicant_search) VALUES ('delete', old.id, old.applicant_search); "
    "INSERT INTO dossier_names(rowid, applicant_search) VALUES (new.id, new.applicant_search); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS dossier_names_after_update",
    "DROP TRIGGER IF EXISTS dossier_names_after_delete",
    "DROP TRIGGER IF EXISTS dossier_names_after_insert",
    "DROP TABLE IF EXISTS dossier_names",
]


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
    else:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_dossiers_applicant_trgm ON dossiers USING gin (applicant_search gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
    else:
        op.execute("DROP INDEX IF EXISTS ix_dossiers_applicant_trgm")
