"""report sections written by the chair (append-only revisions) and reports submitted to the higher unit

Revision ID: r11a1b2c3d4e5
Revises: r13a1f2c3d4e5
Create Date: 2026-12-05 16:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'r11a1b2c3d4e5'
down_revision = 'r13a1f2c3d4e5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'report_section_revisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('period_kind', sa.String(length=10), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('section', sa.String(length=20), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_report_section_revisions_author_id_users')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_report_section_revisions_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_section_revisions')),
    )
    op.create_index('ix_report_section_revisions_period', 'report_section_revisions',
                    ['unit_id', 'period_kind', 'year', 'number', 'id'], unique=False)
    op.create_table(
        'report_submissions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('period_kind', sa.String(length=10), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('start_on', sa.Date(), nullable=False),
        sa.Column('end_on', sa.Date(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(), nullable=False),
        sa.Column('submitted_by_id', sa.Integer(), nullable=False),
        sa.Column('report_number', sa.String(length=20), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=False),
        sa.Column('sections', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_report_submissions_submitted_by_id_users')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_report_submissions_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_submissions')),
        sa.UniqueConstraint('unit_id', 'period_kind', 'year', 'number', name='uq_report_submissions_unit_period'),
    )
    op.create_index('ix_report_submissions_period', 'report_submissions', ['period_kind', 'year', 'number'],
                    unique=False)


def downgrade():
    op.drop_index('ix_report_submissions_period', table_name='report_submissions')
    op.drop_table('report_submissions')
    op.drop_index('ix_report_section_revisions_period', table_name='report_section_revisions')
    op.drop_table('report_section_revisions')
