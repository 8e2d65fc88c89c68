"""translate: glossary entries, translation memory, translation cache

Revision ID: translate_0001
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "translate_0001"
down_revision = "0001"
branch_labels = ("translate",)
depends_on = None


def _common(table: str) -> list:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=f"fk_{table}_workspace_id_workspaces", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
    ]


def _ts() -> list:
    return [sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "glossary_entries", *_common("glossary_entries"),
        sa.Column("source_lang", sa.String(length=8), nullable=False),
        sa.Column("target_lang", sa.String(length=8), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        *_ts(),
        sa.UniqueConstraint("workspace_id", "source_lang", "target_lang", "source",
                            name="uq_glossary_entries_ws_pair_source"),
    )
    op.create_index("ix_glossary_entries_workspace_id", "glossary_entries", ["workspace_id"])
    op.create_table(
        "translation_memory", *_common("translation_memory"),
        sa.Column("source_lang", sa.String(length=8), nullable=False),
        sa.Column("target_lang", sa.String(length=8), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("engine", sa.String(length=40), nullable=False),
        sa.Column("uses", sa.Integer(), nullable=False),
        *_ts(),
        sa.UniqueConstraint("workspace_id", "source_lang", "target_lang", "source_hash",
                            name="uq_translation_memory_ws_pair_hash"),
    )
    op.create_index("ix_translation_memory_workspace_id", "translation_memory", ["workspace_id"])
    op.create_table(
        "translation_cache", *_common("translation_cache"),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("engine", sa.String(length=80), nullable=False),
        sa.Column("source_lang", sa.String(length=8), nullable=False),
        sa.Column("target_lang", sa.String(length=8), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("workspace_id", "key", name="uq_translation_cache_ws_key"),
    )
    op.create_index("ix_translation_cache_workspace_id", "translation_cache", ["workspace_id"])


def downgrade() -> None:
    op.drop_table("translation_cache")
    op.drop_table("translation_memory")
    op.drop_table("glossary_entries")
