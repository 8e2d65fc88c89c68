"""writing: generation log, drafts and draft versions

Revision ID: writing_0001
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "writing_0001"
down_revision = "0001"
branch_labels = ("writing",)
depends_on = None


def _fk(table: str, col: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([col], [f"{target}.id"], name=f"fk_{table}_{col}_{target}",
                                   ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "writing_generations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("engine", sa.String(length=20), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("prompt_name", sa.String(length=80), nullable=False),
        sa.Column("prompt_version", sa.Integer(), nullable=True),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("output", sa.JSON(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("tokens_in", sa.Integer(), nullable=True),
        sa.Column("tokens_out", sa.Integer(), nullable=True),
        sa.Column("latency_s", sa.Float(), nullable=False),
        sa.Column("notice", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("writing_generations", "workspace_id", "workspaces", "CASCADE"),
        _fk("writing_generations", "product_id", "products", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_writing_generations"),
    )
    op.create_index("ix_writing_generations_workspace_id", "writing_generations",
                    ["workspace_id"])
    op.create_index("ix_writing_generations_product_id", "writing_generations", ["product_id"])
    op.create_table(
        "writing_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _fk("writing_drafts", "workspace_id", "workspaces", "CASCADE"),
        _fk("writing_drafts", "product_id", "products", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_writing_drafts"),
    )
    op.create_index("ix_writing_drafts_workspace_id", "writing_drafts", ["workspace_id"])
    op.create_table(
        "writing_draft_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("engine", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("writing_draft_versions", "workspace_id", "workspaces", "CASCADE"),
        _fk("writing_draft_versions", "draft_id", "writing_drafts", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_writing_draft_versions"),
        sa.UniqueConstraint("draft_id", "number", name="uq_writing_draft_versions_draft_number"),
    )


def downgrade() -> None:
    op.drop_table("writing_draft_versions")
    op.drop_index("ix_writing_drafts_workspace_id", table_name="writing_drafts")
    op.drop_table("writing_drafts")
    op.drop_index("ix_writing_generations_product_id", table_name="writing_generations")
    op.drop_index("ix_writing_generations_workspace_id", table_name="writing_generations")
    op.drop_table("writing_generations")
