"""the intake form's one-time token on each dossier saved from it (one click, one dossier)

Revision ID: h5a1b2c3d4e5
Revises: h1a7c3e9f2b4
Create Date: 2026-12-05 08:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'h5a1b2c3d4e5'
down_revision = 'h1a7c3e9f2b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intake_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_dossiers_intake_token', ['intake_token'])


def downgrade():
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_constraint('uq_dossiers_intake_token', type_='unique')
        batch_op.drop_column('intake_token')
