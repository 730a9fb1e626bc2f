"""store_revision: a counter raised by every writing transaction (what cached views compare)

Revision ID: revision01
Revises: inline01
"""
import sqlalchemy as sa
from alembic import op

revision = 'revision01'
down_revision = 'inline01'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table('store_revision', sa.Column('id', sa.Integer(), primary_key=True),
                            sa.Column('n', sa.BigInteger(), nullable=False, server_default='0'))
    op.bulk_insert(table, [{'id': 1, 'n': 0}])


def downgrade() -> None:
    op.drop_table('store_revision')
