"""official calendar decisions

The government's yearly decisions on days off and make-up working days, loaded from
app/worktime/official_calendar.json or confirmed by an administrator (app/worktime).

Revision ID: h2a0ff1c1a15
Revises: a1ead0c1ty02
Create Date: 2026-12-05 08:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'h2a0ff1c1a15'
down_revision = 'a1ead0c1ty02'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('official_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('is_working', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('document', sa.String(length=120), nullable=False),
    sa.Column('document_date', sa.Date(), nullable=True),
    sa.Column('issuer', sa.String(length=120), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_official_days_confirmed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_official_days')),
    sa.UniqueConstraint('day', name=op.f('uq_official_days_day'))
    )
    with op.batch_alter_table('official_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_official_days_year'), ['year'], unique=False)


def downgrade():
    with op.batch_alter_table('official_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_official_days_year'))
    op.drop_table('official_days')
