"""segments.inline: the inline codes of HTML imports (links, bold, superscripts) and the block element

Revision ID: inline01
Revises: editor01
"""
import sqlalchemy as sa
from alembic import op

revision = 'inline01'
down_revision = 'editor01'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (SQLite and PostgreSQL both have it): a batch copy of `segments` would drop
    # the table, and with foreign keys on, every edit, flag and translation would go with it.
    op.add_column('segments', sa.Column('inline', sa.JSON(), nullable=False, server_default='{}'))


def downgrade() -> None:
    op.drop_column('segments', 'inline')
