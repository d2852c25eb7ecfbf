"""session tokens of users, rating codes of dossiers

Revision ID: h4a1b2c3d4e5
Revises: h7a1c2e3a4b5
Create Date: 2026-12-05 08:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'h4a1b2c3d4e5'
down_revision = 'h7a1c2e3a4b5'
branch_labels = None
depends_on = None

# Every existing account gets its own random token (so the sessions signed in before the upgrade,
# which carry a bare user id, end: the user signs in once more). PostgreSQL: gen_random_uuid() (built in
# since 13) draws from the strong random source; SQLite: randomblob() from the operating system's.
BACKFILL = {
    "postgresql": "UPDATE users SET session_token = replace(gen_random_uuid()::text, '-', '') "
                  "|| replace(gen_random_uuid()::text, '-', '')",
    "sqlite": "UPDATE users SET session_token = lower(hex(randomblob(24)))",
}


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # As for dossiers.lookup_pin: rebuilding `users` (batch mode) would trip the foreign keys of
        # every table that references it; an empty default (which the user loader refuses) then filled.
        op.execute("ALTER TABLE users ADD COLUMN session_token VARCHAR(64) NOT NULL DEFAULT ''")
        op.execute(BACKFILL[dialect])
    else:
        op.add_column('users', sa.Column('session_token', sa.String(length=64), nullable=True))
        op.execute(BACKFILL[dialect])
        op.alter_column('users', 'session_token', existing_type=sa.String(length=64), nullable=False)
    # Dossiers returned before rating codes existed have none: they cannot be rated any more.
    op.add_column('dossiers', sa.Column('rating_code_hash', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_column('rating_code_hash')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_token')
