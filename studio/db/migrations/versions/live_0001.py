"""live desk: live sessions, their products, comments, orders, order items, questions

Revision ID: live_0001
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "live_0001"
down_revision = "0001"
branch_labels = ("live",)
depends_on = None


def upgrade() -> None:
    op.create_table('live_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('script_text', sa.Text(), nullable=False),
    sa.Column('fb_video_id', sa.String(length=64), nullable=False),
    sa.Column('fb_cursor', sa.JSON(), nullable=False),
    sa.Column('current_slug', sa.String(length=80), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_live_sessions_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_sessions'))
    )
    op.create_table('live_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('live_id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=128), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('current_slug', sa.String(length=80), nullable=False),
    sa.Column('intent', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['live_id'], ['live_sessions.id'], name=op.f('fk_live_comments_live_id_live_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_live_comments_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_comments')),
    sa.UniqueConstraint('live_id', 'external_id', name='uq_live_comments_live_external')
    )
    op.create_table('live_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('live_id', sa.Integer(), nullable=False),
    sa.Column('user', sa.String(length=200), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('first_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('comments', sa.JSON(), nullable=False),
    sa.Column('short', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('new', 'confirmed', 'cancelled', 'shipped')", name=op.f('ck_live_orders_status')),
    sa.ForeignKeyConstraint(['live_id'], ['live_sessions.id'], name=op.f('fk_live_orders_live_id_live_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_live_orders_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_orders')),
    sa.UniqueConstraint('live_id', 'user', 'seq', name='uq_live_orders_live_user_seq')
    )
    op.create_table('live_order_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('qty', sa.Integer(), nullable=False),
    sa.Column('unit_price_vnd', sa.BigInteger(), nullable=True),
    sa.CheckConstraint('qty > 0', name=op.f('ck_live_order_items_qty')),
    sa.ForeignKeyConstraint(['order_id'], ['live_orders.id'], name=op.f('fk_live_order_items_order_id_live_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_live_order_items_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_order_items'))
    )
    op.create_table('live_products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('live_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('price_vnd', sa.BigInteger(), nullable=True),
    sa.Column('stock', sa.Integer(), nullable=True),
    sa.CheckConstraint('price_vnd IS NULL OR price_vnd >= 0', name=op.f('ck_live_products_price')),
    sa.CheckConstraint('stock IS NULL OR stock >= 0', name=op.f('ck_live_products_stock')),
    sa.ForeignKeyConstraint(['live_id'], ['live_sessions.id'], name=op.f('fk_live_products_live_id_live_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_live_products_product_id_products'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_live_products_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_products')),
    sa.UniqueConstraint('live_id', 'slug', name='uq_live_products_live_slug')
    )
    op.create_table('live_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('live_id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('products', sa.JSON(), nullable=False),
    sa.Column('answered', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['live_comments.id'], name=op.f('fk_live_questions_comment_id_live_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['live_id'], ['live_sessions.id'], name=op.f('fk_live_questions_live_id_live_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_live_questions_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_questions'))
    )


def downgrade() -> None:
    for table in ("live_questions", "live_order_items", "live_orders", "live_products",
                  "live_comments", "live_sessions"):
        op.drop_table(table)
