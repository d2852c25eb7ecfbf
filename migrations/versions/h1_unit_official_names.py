"""unit official names

Each unit's committee name as papers print it and the name of its Trung tâm Phục vụ hành chính công
(Decree 118/2025/NĐ-CP, Decree 30/2020/NĐ-CP); blank means derived from the unit's name.

Revision ID: h1a7c3e9f2b4
Revises: h4a1b2c3d4e5
Create Date: 2026-12-05 08:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'h1a7c3e9f2b4'
down_revision = 'h4a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('official_name', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('centre_name', sa.String(length=200), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_column('centre_name')
        batch_op.drop_column('official_name')
