"""tm_units: what the exchange file said about each unit (tuid, creation/change date and user, props)

Revision ID: exchange01
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = 'exchange01'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tm_units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tuid', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('creation_date', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('creation_id', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('change_date', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('change_id', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('props', sa.JSON(), nullable=False, server_default='{}'))


def downgrade() -> None:
    with op.batch_alter_table('tm_units', schema=None) as batch_op:
        batch_op.drop_column('props')
        batch_op.drop_column('change_id')
        batch_op.drop_column('change_date')
        batch_op.drop_column('creation_id')
        batch_op.drop_column('creation_date')
        batch_op.drop_column('tuid')
