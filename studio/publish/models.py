"""Publishing tables: channel accounts, posts, their per-channel targets, slots, approvals, audit.

Where the publishing status lives: on :class:`PostTarget`, one row per (post, channel account).
A post sent to three channels must be published exactly once *per channel*, and the three
channels fail, retry and succeed independently; so the claim (a conditional UPDATE from
``scheduled`` to ``publishing``), the attempt counter, the external id and URL and the last error
are all per target. :attr:`Post.status` keeps the editorial workflow (draft → pending approval →
scheduled) and, once scheduled, a roll-up of its targets for lists and filters
(:func:`studio.publish.posts.rollup`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from studio.db.base import NFCJSON, Base, NFCString, NFCText, Timestamps, UTCDateTime, utcnow

POST_STATUSES = ("draft", "pending_approval", "changes_requested", "rejected", "scheduled",
                 "publishing", "published", "failed", "needs_attention")
TARGET_STATUSES = ("draft", "scheduled", "publishing", "published", "failed",
                   "needs_attention", "cancelled")
ACCOUNT_STATUSES = ("active", "needs_reauth", "disabled")
APPROVAL_ACTIONS = ("submit", "approve", "request_changes", "reject", "comment")
JOB_STATUSES = ("queued", "running", "done", "failed", "cancelled")


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class ChannelAccount(Base, Timestamps):
    """A connected channel (a Facebook Page, a shop, an export folder, a webhook URL)."""

    __tablename__ = "channel_accounts"
    __table_args__ = (
        UniqueConstraint("workspace_id", "name", name="uq_channel_accounts_ws_name"),
        CheckConstraint(f"status IN ({_in(ACCOUNT_STATUSES)})", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(NFCString(120))
    #: Non-secret settings (page id, folder, URL); secrets go to ``credentials_enc`` only.
    options: Mapped[dict] = mapped_column(NFCJSON, default=dict)
    #: Fernet token of the JSON credentials (see studio.publish.credentials).
    credentials_enc: Mapped[str] = mapped_column(Text, default="")
    token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: A refresh in progress holds this lease so two consumers never spend one refresh token.
    refresh_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    last_error: Mapped[str] = mapped_column(NFCText, default="")


class Post(Base, Timestamps):
    __tablename__ = "posts"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in(POST_STATUSES)})", name="status"),
        Index("ix_posts_ws_status_at", "workspace_id", "status", "scheduled_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL"), nullable=True)
    title: Mapped[str] = mapped_column(NFCString(200), default="")
    #: {lang: text}; ``lang`` is the main language.
    texts: Mapped[dict] = mapped_column(NFCJSON, default=dict)
    lang: Mapped[str] = mapped_column(String(8), default="vi")
    media_asset_ids: Mapped[list] = mapped_column(NFCJSON, default=list)
    link: Mapped[str] = mapped_column(String(500), default="")
    first_comment: Mapped[str] = mapped_column(NFCText, default="")
    hashtags: Mapped[list] = mapped_column(NFCJSON, default=list)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    #: Where the post came from ("clip:12", "cli", "ui"), for bulk scheduling.
    source: Mapped[str] = mapped_column(String(80), default="")
    author: Mapped[str] = mapped_column(NFCString(120), default="")

    targets: Mapped[list[PostTarget]] = relationship(
        back_populates="post", cascade="all, delete-orphan", order_by="PostTarget.id")
    approvals: Mapped[list[Approval]] = relationship(
        back_populates="post", cascade="all, delete-orphan", order_by="Approval.id")


class PostTarget(Base):
    """One variant of a post for one channel account, published exactly once."""

    __tablename__ = "post_targets"
    __table_args__ = (
        UniqueConstraint("post_id", "account_id", name="uq_post_targets_post_account"),
        CheckConstraint(f"status IN ({_in(TARGET_STATUSES)})", name="status"),
        Index("ix_post_targets_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(
        ForeignKey("channel_accounts.id", ondelete="CASCADE"), index=True)
    #: Per-channel overrides: {"texts": {...}, "title": ..., "extra": {...}}.
    variant: Mapped[dict] = mapped_column(NFCJSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    #: When the next attempt is due (the post's time, later a retry time), UTC.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    claim_token: Mapped[str] = mapped_column(String(32), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: Stable across retries: sent to the platform (or our lookup) to deduplicate.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    external_id: Mapped[str] = mapped_column(String(200), default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    last_error: Mapped[str] = mapped_column(NFCText, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    post: Mapped[Post] = relationship(back_populates="targets")
    account: Mapped[ChannelAccount] = relationship()


class QueueSlot(Base):
    """A recurring posting time of a channel account, in the workspace's local time."""

    __tablename__ = "queue_slots"
    __table_args__ = (
        UniqueConstraint("account_id", "weekday", "minute_of_day", name="uq_queue_slots_time"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("minute_of_day BETWEEN 0 AND 1439", name="minute"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("channel_accounts.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    minute_of_day: Mapped[int] = mapped_column(Integer)  # local wall-clock time
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class Approval(Base):
    """One approval action with its comment (who: a name until accounts and roles land)."""

    __tablename__ = "post_approvals"
    __table_args__ = (CheckConstraint(f"action IN ({_in(APPROVAL_ACTIONS)})", name="action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    author: Mapped[str] = mapped_column(NFCString(120), default="")
    role: Mapped[str] = mapped_column(String(20), default="")
    comment: Mapped[str] = mapped_column(NFCText, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    post: Mapped[Post] = relationship(back_populates="approvals")


class PublishAudit(Base):
    """One row per publish attempt (step "publish") and per HTTP exchange in it (step "http")."""

    __tablename__ = "publish_audit"
    __table_args__ = (Index("ix_publish_audit_ws_at", "workspace_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    target_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    account_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    channel: Mapped[str] = mapped_column(String(20))
    step: Mapped[str] = mapped_column(String(20), default="publish")
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    request_summary: Mapped[str] = mapped_column(NFCText, default="")
    response_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    duration_s: Mapped[float] = mapped_column(Float, default=0.0)
    outcome: Mapped[str] = mapped_column(String(20))
    error: Mapped[str] = mapped_column(NFCText, default="")


class Job(Base):
    """A long job run by the queue (media renders, imports): progress and cancel for the UI."""

    __tablename__ = "jobs"
    __table_args__ = (CheckConstraint(f"status IN ({_in(JOB_STATUSES)})", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int | None] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=True)
    kind: Mapped[str] = mapped_column(String(40))
    func: Mapped[str] = mapped_column(String(200))
    params: Mapped[dict] = mapped_column(NFCJSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(NFCText, default="")
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    result: Mapped[dict] = mapped_column(NFCJSON, default=dict)
    error: Mapped[str] = mapped_column(NFCText, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class PostMetric(Base):
    """Latest metrics of one published post on one channel (imported from CSV or insights)."""

    __tablename__ = "post_metrics"
    __table_args__ = (
        UniqueConstraint("workspace_id", "channel", "external_id", name="uq_post_metrics_ext"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    target_id: Mapped[int | None] = mapped_column(
        ForeignKey("post_targets.id", ondelete="SET NULL"), nullable=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(NFCString(300), default="")
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    views: Mapped[int] = mapped_column(Integer, default=0)
    reach: Mapped[int] = mapped_column(Integer, default=0)
    likes: Mapped[int] = mapped_column(Integer, default=0)
    comments: Mapped[int] = mapped_column(Integer, default=0)
    shares: Mapped[int] = mapped_column(Integer, default=0)
    clicks: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
