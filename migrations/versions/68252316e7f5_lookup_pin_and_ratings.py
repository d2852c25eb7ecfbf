"""lookup pin and ratings

Revision ID: 68252316e7f5
Revises: 6d9b97f9033b
Create Date: 2026-11-25 04:37:17.770535

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '68252316e7f5'
down_revision = '6d9b97f9033b'
branch_labels = None
depends_on = None

# Existing dossiers get a random 6-digit PIN each, drawn by the database row by row. PostgreSQL:
# gen_random_uuid() (built in since 13) draws from the strong random source, unlike random().
# SQLite: random() is seeded from the operating system's randomness.
BACKFILL = {
    "postgresql": "UPDATE dossiers SET lookup_pin = lpad((('x' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 8))"
                  "::bit(32)::bigint % 1000000)::text, 6, '0')",
    "sqlite": "UPDATE dossiers SET lookup_pin = substr('000000' || (abs(random()) % 1000000), -6, 6)",
}


def upgrade():
    op.create_table('dossier_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.String(length=12), nullable=False),
    sa.Column('comment', sa.String(length=1000), nullable=False),
    sa.Column('rated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_dossier_ratings_dossier_id_dossiers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_ratings')),
    sa.UniqueConstraint('dossier_id', name=op.f('uq_dossier_ratings_dossier_id'))
    )
    with op.batch_alter_table('dossier_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_ratings_rated_at'), ['rated_at'], unique=False)

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # SQLite cannot make a column required in place, and rebuilding `dossiers` (batch mode) would
        # trip the foreign keys of every table that references it: the column is added required,
        # with an empty default that no 6-digit PIN matches, and then filled.
        op.execute("ALTER TABLE dossiers ADD COLUMN lookup_pin VARCHAR(6) NOT NULL DEFAULT ''")
        op.execute(BACKFILL[dialect])
    else:
        # Nullable first, filled, then required: the table may already hold dossiers.
        op.add_column('dossiers', sa.Column('lookup_pin', sa.String(length=6), nullable=True))
        op.execute(BACKFILL[dialect])
        op.alter_column('dossiers', 'lookup_pin', existing_type=sa.String(length=6), nullable=False)


def downgrade():
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_column('lookup_pin')

    with op.batch_alter_table('dossier_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_ratings_rated_at'))

    op.drop_table('dossier_ratings')
