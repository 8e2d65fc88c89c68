"""foundation: product_photos links photos to products (one image may serve several products)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "product_photos",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"],
                                name=op.f("fk_product_photos_asset_id_assets"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"],
                                name=op.f("fk_product_photos_product_id_products"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=op.f("fk_product_photos_workspace_id_workspaces"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("product_id", "asset_id", name=op.f("pk_product_photos")),
    )
    with op.batch_alter_table("product_photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_product_photos_asset_id"), ["asset_id"], unique=False)
    # Existing links move over in upload order; the old column is emptied (see models.Asset).
    op.execute(
        "INSERT INTO product_photos (product_id, asset_id, workspace_id, position, created_at) "
        "SELECT product_id, id, workspace_id, id, created_at FROM assets "
        "WHERE product_id IS NOT NULL"
    )
    op.execute("UPDATE assets SET product_id = NULL WHERE product_id IS NOT NULL")


def downgrade() -> None:
    op.execute(
        "UPDATE assets SET product_id = (SELECT min(p.product_id) FROM product_photos p "
        "WHERE p.asset_id = assets.id)"
    )
    op.drop_table("product_photos")
