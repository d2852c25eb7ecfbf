"""fees of the catalog (read from the portal's text) and each dossier's fee, payment and receipt number

Revision ID: r14b1fee0001
Revises: r14a1d161750
Create Date: 2026-12-05 16:40:00

Only op.add_column on dossiers (a batch rebuild would drop the name-search triggers on SQLite).
The procedures already imported get their amounts from the fee text they hold, by the same pure
reader as the import (app/catalog/fees.py).
"""
from alembic import op
import sqlalchemy as sa


revision = 'r14b1fee0001'
down_revision = 'r14a1d161750'
branch_labels = None
depends_on = None

STATUTORY_CHANNEL_ORDER = ("direct", "post", "online")  # as app/catalog/portal_import.py


def upgrade():
    op.add_column('procedures', sa.Column('fee_amount', sa.Numeric(14, 0), nullable=True))
    op.add_column('procedure_channels', sa.Column('fee_amount', sa.Numeric(14, 0), nullable=True))
    op.add_column('dossiers', sa.Column('fee_due', sa.Numeric(14, 0), nullable=True))
    op.add_column('dossiers', sa.Column('fee_paid', sa.Numeric(14, 0), nullable=True))
    op.add_column('dossiers', sa.Column('payment_method', sa.String(10), nullable=True))
    op.add_column('dossiers', sa.Column('paid_at', sa.DateTime(), nullable=True))
    op.add_column('dossiers', sa.Column('receipt_number', sa.String(40), nullable=False, server_default=''))

    from app.catalog.fees import read_fee

    bind = op.get_bind()
    channels = sa.table('procedure_channels', sa.column('id'), sa.column('procedure_id'), sa.column('channel'),
                        sa.column('fee_text'), sa.column('fee_amount'))
    procedures = sa.table('procedures', sa.column('id'), sa.column('fee_amount'))
    by_procedure: dict[int, dict[str, object]] = {}
    for row in bind.execute(sa.select(channels.c.id, channels.c.procedure_id, channels.c.channel, channels.c.fee_text)):
        amount = read_fee(row.fee_text).amount
        if amount is not None:
            bind.execute(channels.update().where(channels.c.id == row.id).values(fee_amount=amount))
            by_procedure.setdefault(row.procedure_id, {})[row.channel] = amount
    for procedure_id, amounts in by_procedure.items():
        fee = next((amounts[kind] for kind in STATUTORY_CHANNEL_ORDER if kind in amounts), None)
        bind.execute(procedures.update().where(procedures.c.id == procedure_id).values(fee_amount=fee))


def downgrade():
    op.drop_column('dossiers', 'receipt_number')
    op.drop_column('dossiers', 'paid_at')
    op.drop_column('dossiers', 'payment_method')
    op.drop_column('dossiers', 'fee_paid')
    op.drop_column('dossiers', 'fee_due')
    op.drop_column('procedure_channels', 'fee_amount')
    op.drop_column('procedures', 'fee_amount')
