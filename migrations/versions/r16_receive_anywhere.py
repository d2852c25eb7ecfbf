"""dossiers received at one unit's desk for another unit of the province (Decree 118/2025)

Only added columns (nullable or with a server default) and indexes: a batch rebuild of `dossiers`
on SQLite would drop the name index's triggers.

Revision ID: r16a1b2c3d4e5
Revises: r13b2c3d4e5f6
Create Date: 2026-12-05 16:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'r16a1b2c3d4e5'
down_revision = 'r13b2c3d4e5f6'
branch_labels = None
depends_on = None

_DOSSIER_TIMES = ('handover_due_at', 'handover_sent_at', 'handed_over_at', 'result_sent_at', 'result_back_due_at',
                  'result_back_at')


def upgrade():
    # SQLite adds a column with REFERENCES in place (its value is NULL); PostgreSQL gets a named constraint.
    # (Alembic cannot add a constraint on SQLite outside a batch rebuild, which `dossiers` must not have.)
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE dossiers ADD COLUMN receiving_unit_id INTEGER REFERENCES units (id)')
    else:
        op.add_column('dossiers', sa.Column('receiving_unit_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_dossiers_receiving_unit_id_units', 'dossiers', 'units', ['receiving_unit_id'], ['id'])
    op.add_column('dossiers', sa.Column('handover_days', sa.SmallInteger(), nullable=True))
    op.add_column('dossiers', sa.Column('result_at_receiving', sa.Boolean(), nullable=False,
                                        server_default=sa.false()))
    for name in _DOSSIER_TIMES:
        op.add_column('dossiers', sa.Column(name, sa.DateTime(), nullable=True))
    op.create_index('ix_dossiers_receiving_received', 'dossiers', ['receiving_unit_id', 'received_at'])
    op.add_column('offerings', sa.Column('accepts_for_others', sa.Boolean(), nullable=False,
                                         server_default=sa.false()))
    op.add_column('units', sa.Column('handover_days', sa.SmallInteger(), nullable=True))


def downgrade():
    op.drop_column('units', 'handover_days')
    op.drop_column('offerings', 'accepts_for_others')
    op.drop_index('ix_dossiers_receiving_received', table_name='dossiers')
    for name in reversed(_DOSSIER_TIMES):
        op.drop_column('dossiers', name)
    op.drop_column('dossiers', 'result_at_receiving')
    op.drop_column('dossiers', 'handover_days')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint('fk_dossiers_receiving_unit_id_units', 'dossiers', type_='foreignkey')
    op.drop_column('dossiers', 'receiving_unit_id')
