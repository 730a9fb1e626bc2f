"""segment_comments and error_annotations: the editor's review tools

Revision ID: editor01
Revises: exchange01
"""
import sqlalchemy as sa
from alembic import op

revision = 'editor01'
down_revision = 'translate01'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'segment_comments',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('segment_id', sa.String(length=40), sa.ForeignKey('segments.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('author', sa.String(length=100), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False, server_default='open'),
        sa.Column('resolved_by', sa.String(length=100), nullable=False, server_default=''),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_segment_comments_segment_id', 'segment_comments', ['segment_id'])
    op.create_table(
        'error_annotations',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('segment_id', sa.String(length=40), sa.ForeignKey('segments.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('start', sa.Integer(), nullable=False),
        sa.Column('end', sa.Integer(), nullable=False),
        sa.Column('english', sa.Text(), nullable=False),
        sa.Column('category', sa.String(length=40), nullable=False),
        sa.Column('severity', sa.String(length=20), nullable=False),
        sa.Column('note', sa.Text(), nullable=False, server_default=''),
        sa.Column('author', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_error_annotations_segment_id', 'error_annotations', ['segment_id'])


def downgrade() -> None:
    op.drop_index('ix_error_annotations_segment_id', table_name='error_annotations')
    op.drop_table('error_annotations')
    op.drop_index('ix_segment_comments_segment_id', table_name='segment_comments')
    op.drop_table('segment_comments')
