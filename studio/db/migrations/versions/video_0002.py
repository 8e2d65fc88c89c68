"""video: livestreams.highlight_notice (how the LLM pass of the last highlight search went)

Revision ID: video_0002
Revises: video_0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "video_0002"
down_revision = "video_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("livestreams", schema=None) as batch_op:
        batch_op.add_column(sa.Column("highlight_notice", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("livestreams", schema=None) as batch_op:
        batch_op.drop_column("highlight_notice")
