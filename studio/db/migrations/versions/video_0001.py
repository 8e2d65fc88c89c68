"""video: livestreams, transcript segments, highlights

Revision ID: video_0001
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "video_0001"
down_revision = "0001"
branch_labels = ("video",)
depends_on = None


def _ts() -> list:
    return [sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False)]


def _fk(table: str, col: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([col], [f"{target}.id"], name=f"fk_{table}_{col}_{target}",
                                   ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "livestreams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("has_audio", sa.Boolean(), nullable=False),
        sa.Column("probe", sa.JSON(), nullable=False),
        sa.Column("step", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("transcribed_until", sa.Float(), nullable=False),
        sa.Column("transcript_done", sa.Boolean(), nullable=False),
        sa.Column("model", sa.String(length=300), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        *_ts(),
        _fk("livestreams", "workspace_id", "workspaces", "CASCADE"),
        _fk("livestreams", "asset_id", "assets", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_livestreams"),
    )
    op.create_index("ix_livestreams_workspace_id", "livestreams", ["workspace_id"])
    op.create_table(
        "transcript_segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("livestream_id", sa.Integer(), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("start", sa.Float(), nullable=False),
        sa.Column("end", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("words", sa.JSON(), nullable=False),
        sa.Column("edited", sa.Boolean(), nullable=False),
        _fk("transcript_segments", "workspace_id", "workspaces", "CASCADE"),
        _fk("transcript_segments", "livestream_id", "livestreams", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_transcript_segments"),
        sa.UniqueConstraint("livestream_id", "idx", name="uq_transcript_segments_ls_idx"),
    )
    op.create_table(
        "highlights",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("livestream_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("start", sa.Float(), nullable=False),
        sa.Column("end", sa.Float(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("clip_asset_id", sa.Integer(), nullable=True),
        *_ts(),
        _fk("highlights", "workspace_id", "workspaces", "CASCADE"),
        _fk("highlights", "livestream_id", "livestreams", "CASCADE"),
        _fk("highlights", "product_id", "products", "SET NULL"),
        _fk("highlights", "clip_asset_id", "assets", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_highlights"),
    )


def downgrade() -> None:
    op.drop_table("highlights")
    op.drop_table("transcript_segments")
    op.drop_index("ix_livestreams_workspace_id", table_name="livestreams")
    op.drop_table("livestreams")
