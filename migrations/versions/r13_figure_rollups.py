"""figures' roll-ups per unit × day × procedure and per unit × month × procedure

Created and filled from the stored dossiers (app/stats/rollups.py keeps them in step afterwards).
Nothing is changed on `dossiers`.

Revision ID: r13a1f2c3d4e5
Revises: r14b1fee0001
Create Date: 2026-12-05 16:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'r13a1f2c3d4e5'
down_revision = 'r14b1fee0001'
branch_labels = None
depends_on = None

COUNTERS = ("received_online", "received_other", "early", "on_time", "late", "late_apology", "pending", "overdue")


def _counters():
    return [sa.Column(name, sa.Integer(), server_default="0", nullable=False) for name in COUNTERS]


def upgrade():
    op.create_table('figure_days',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    *_counters(),
    sa.PrimaryKeyConstraint('unit_id', 'day', 'procedure_id', name='pk_figure_days')
    )
    op.create_table('figure_months',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    *_counters(),
    sa.PrimaryKeyConstraint('unit_id', 'procedure_id', 'month', name='pk_figure_months')
    )
    # The dossiers already stored: counted once here, one unit at a time.
    from app.stats.rollups import rebuild
    rebuild(op.get_bind())


def downgrade():
    op.drop_table('figure_months')
    op.drop_table('figure_days')
