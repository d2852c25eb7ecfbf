"""the feedback register (phản ánh, kiến nghị): received, assigned, answered against its due time, rated

Revision ID: r14b2fbk0002
Revises: r15a1specialist
Create Date: 2026-12-05 16:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'r14b2fbk0002'
down_revision = 'r15a1specialist'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'feedback_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('citizen_name', sa.String(length=200), nullable=False),
        sa.Column('citizen_contact', sa.String(length=200), nullable=False),
        sa.Column('dossier_id', sa.Integer(), nullable=True),
        sa.Column('procedure_id', sa.Integer(), nullable=True),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('assigned_to', sa.String(length=200), nullable=False),
        sa.Column('assigned_at', sa.DateTime(), nullable=True),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.Column('resolution', sa.String(length=10), nullable=True),
        sa.Column('satisfaction', sa.String(length=20), nullable=True),
        sa.Column('rated_at', sa.DateTime(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('answered_by_id', sa.Integer(), nullable=True),
        sa.Column('is_demo', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_feedback_items_unit_id_units')),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_feedback_items_dossier_id_dossiers')),
        sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'],
                                name=op.f('fk_feedback_items_procedure_id_procedures')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_feedback_items_created_by_id_users')),
        sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_feedback_items_answered_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_items')),
    )
    op.create_index('ix_feedback_unit_received', 'feedback_items', ['unit_id', 'received_at'])
    op.create_index('ix_feedback_unit_answered', 'feedback_items', ['unit_id', 'answered_at'])
    op.create_index(op.f('ix_feedback_items_dossier_id'), 'feedback_items', ['dossier_id'])


def downgrade():
    op.drop_table('feedback_items')
