"""dossiers by receipt time across units: a city-wide list walks this index with its limit

Revision ID: a1ead0c1ty01
Revises: 6e11d64ac503
Create Date: 2026-12-05 08:40:00

"""
from alembic import op


revision = 'a1ead0c1ty01'
down_revision = '6e11d64ac503'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.create_index('ix_dossiers_received_id', ['received_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_index('ix_dossiers_received_id')
