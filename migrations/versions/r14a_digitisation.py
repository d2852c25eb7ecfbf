"""digitisation: stored files by content hash, documents digitised at receipt (scan, reuse), the result's form and file

Added with op.add_column only: a batch rebuild of `dossiers` on SQLite would drop the name index's triggers.

Revision ID: r14a1d161750
Revises: h2a0ff1c1a15
Create Date: 2026-12-05 16:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'r14a1d161750'
down_revision = 'h2a0ff1c1a15'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stored_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('media_type', sa.String(length=40), nullable=False),
        sa.Column('original_name', sa.String(length=255), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_stored_files_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_files')),
        sa.UniqueConstraint('sha256', name=op.f('uq_stored_files_sha256')),
    )
    op.add_column('dossier_documents', sa.Column('digitised_at', sa.DateTime(), nullable=True))
    op.add_column('dossiers', sa.Column('result_form', sa.String(length=12), nullable=True))
    for table, column, target in (('dossier_documents', 'scan_file_id', 'stored_files'),
                                  ('dossier_documents', 'reused_from_id', 'dossier_documents'),
                                  ('dossiers', 'result_file_id', 'stored_files')):
        _add_reference(table, column, target)


def _add_reference(table: str, column: str, target: str) -> None:
    """A nullable column referencing `target`.id, without rebuilding `table`.

    Alembic's add_column would issue a separate ADD CONSTRAINT, which SQLite does not have; SQLite does
    accept REFERENCES inline in ADD COLUMN for a column whose default is NULL, so it gets that.
    """
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES {target} (id)')
    else:
        op.add_column(table, sa.Column(
            column, sa.Integer(), sa.ForeignKey(f'{target}.id', name=op.f(f'fk_{table}_{column}_{target}')),
            nullable=True))


def downgrade():
    # Dropping columns on SQLite would rebuild `dossiers` (and drop the name index's triggers): the
    # columns are nullable and harmless to an older version, so only PostgreSQL drops them.
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_column('dossiers', 'result_file_id')
        op.drop_column('dossiers', 'result_form')
        op.drop_column('dossier_documents', 'reused_from_id')
        op.drop_column('dossier_documents', 'scan_file_id')
        op.drop_column('dossier_documents', 'digitised_at')
        op.drop_table('stored_files')
