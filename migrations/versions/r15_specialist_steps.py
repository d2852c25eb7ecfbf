"""the specialist's desk: who holds a dossier and its step's due time, each offering's split of its time
between the steps, a specialist's post; the unit's address, phone and how long a result may wait

Revision ID: r15a1specialist
Revises: r11a1b2c3d4e5
Create Date: 2026-12-05 16:40:00

Only add_column (never a batch rebuild of dossiers: it would drop the name index's triggers).
"""
from alembic import op
import sqlalchemy as sa


revision = 'r15a1specialist'
down_revision = 'r11a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('office', sa.String(length=200), nullable=False, server_default=''))
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite adds a column with its reference in place; Alembic would ask for a batch rebuild instead.
        op.execute('ALTER TABLE dossiers ADD COLUMN assignee_id INTEGER REFERENCES users (id)')
    else:
        op.add_column('dossiers', sa.Column('assignee_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_dossiers_assignee_id_users', 'dossiers', 'users', ['assignee_id'], ['id'])
    op.add_column('dossiers', sa.Column('step', sa.String(length=12), nullable=True))
    op.add_column('dossiers', sa.Column('step_due_at', sa.DateTime(), nullable=True))
    op.create_index('ix_dossiers_assignee_id', 'dossiers', ['assignee_id'])
    op.add_column('offerings', sa.Column('desk_percent', sa.SmallInteger(), nullable=True))
    op.add_column('offerings', sa.Column('approval_percent', sa.SmallInteger(), nullable=True))
    op.add_column('units', sa.Column('address', sa.String(length=300), nullable=False, server_default=''))
    op.add_column('units', sa.Column('phone', sa.String(length=40), nullable=False, server_default=''))
    op.add_column('units', sa.Column('return_wait_days', sa.Integer(), nullable=False, server_default='10'))


def downgrade():
    op.drop_column('units', 'return_wait_days')
    op.drop_column('units', 'phone')
    op.drop_column('units', 'address')
    op.drop_column('offerings', 'approval_percent')
    op.drop_column('offerings', 'desk_percent')
    op.drop_index('ix_dossiers_assignee_id', table_name='dossiers')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint('fk_dossiers_assignee_id_users', 'dossiers', type_='foreignkey')
    op.drop_column('dossiers', 'step_due_at')
    op.drop_column('dossiers', 'step')
    op.drop_column('dossiers', 'assignee_id')
    op.drop_column('users', 'office')
