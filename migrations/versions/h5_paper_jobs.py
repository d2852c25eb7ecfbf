"""paper jobs: long papers (the register) rendered in the background with their progress and file

Revision ID: h5b2c3d4e5f6
Revises: h5a1b2c3d4e5
Create Date: 2026-12-05 08:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'h5b2c3d4e5f6'
down_revision = 'h5a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'paper_jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('stage', sa.String(length=200), nullable=False),
        sa.Column('message', sa.String(length=500), nullable=False),
        sa.Column('file_name', sa.String(length=200), nullable=False),
        sa.Column('stored_as', sa.String(length=100), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_paper_jobs_requested_by_id_users')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_paper_jobs_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_jobs')),
    )
    op.create_index('ix_paper_jobs_status_id', 'paper_jobs', ['status', 'id'], unique=False)
    op.create_index(op.f('ix_paper_jobs_unit_id'), 'paper_jobs', ['unit_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_paper_jobs_unit_id'), table_name='paper_jobs')
    op.drop_index('ix_paper_jobs_status_id', table_name='paper_jobs')
    op.drop_table('paper_jobs')
