"""kept papers: a dossier's receipt laid out once per dossier version

Revision ID: r13b2c3d4e5f6
Revises: r14b2fbk0002
Create Date: 2026-12-05 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'r13b2c3d4e5f6'
down_revision = 'r14b2fbk0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('kept_papers',
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('html_sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_kept_papers_dossier_id_dossiers')),
    sa.PrimaryKeyConstraint('dossier_id', 'kind', 'version', name=op.f('pk_kept_papers'))
    )


def downgrade():
    op.drop_table('kept_papers')
