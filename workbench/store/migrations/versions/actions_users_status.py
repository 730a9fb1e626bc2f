"""users: disabled flag, hashed API token, credentials counter (sessions re-check it on every action)

Revision ID: actions01
Revises: exchange01
"""
import sqlalchemy as sa
from alembic import op

revision = 'actions01'
down_revision = 'exchange01'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('disabled', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('token_hash', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('credentials', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_action', ['action'])


def downgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_action')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('credentials')
        batch_op.drop_column('token_hash')
        batch_op.drop_column('disabled')
