"""english_scores: token log-probabilities of edited or imported English, by forced decoding

Revision ID: translate01
Revises: exchange01
"""
import sqlalchemy as sa
from alembic import op

revision = 'translate01'
down_revision = 'actions01'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'english_scores',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('segment_id', sa.String(length=40), nullable=False),
        sa.Column('text_sha', sa.String(length=64), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('engine', sa.String(length=20), nullable=False),
        sa.Column('model_id', sa.String(length=300), nullable=False),
        sa.Column('model_revision', sa.String(length=100), nullable=False),
        sa.Column('logprob', sa.Float(), nullable=True),
        sa.Column('token_logprobs', sa.JSON(), nullable=False),
        sa.Column('tokens', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('english_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_english_scores_segment_id'), ['segment_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('english_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_english_scores_segment_id'))
    op.drop_table('english_scores')
