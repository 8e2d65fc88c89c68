"""Posts and their approval workflow.

draft → pending_approval → (approve) scheduled | (request changes) changes_requested | rejected.
Approving runs the writer's checks on every text; a blocking finding stops the approval. Once a
post is scheduled its targets carry the publishing state and :func:`rollup` summarises them.
"""

from __future__ import annotations

import importlib
import logging
import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from studio.db.models import Asset, Product, Workspace
from studio.errors import ConfigError, NotFound, StudioError
from studio.publish.models import POST_STATUSES, Approval, ChannelAccount, Post, PostTarget

log = logging.getLogger(__name__)
LANGS = ("vi", "en", "fr", "zh", "ko", "ja")
EDITABLE = ("draft", "changes_requested", "pending_approval")
OFFLINE_KINDS = {"export", "webhook"}
TERMINAL = ("published", "failed", "needs_attention", "cancelled")


class ApprovalBlocked(StudioError):
    """The writer's checks found a blocking problem in a text of the post."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("the post cannot be approved: " + "; ".join(problems[:3])
                         + ("" if len(problems) <= 3 else f" (+{len(problems) - 3} more)")
                         + "; edit the text and submit it again")


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def create_post(session: Session, ws: Workspace, *, texts: dict[str, str], lang: str = "vi",
                accounts: list[ChannelAccount], media_asset_ids: list[int] = (),
                scheduled_at: datetime | None = None, title: str = "", link: str = "",
                first_comment: str = "", hashtags: list[str] = (), author: str = "",
                source: str = "", product: Product | None = None) -> Post:
    """A draft post with one target per channel account (checked before anything is written)."""
    texts = {k: v.strip() for k, v in texts.items() if v and v.strip()}
    if lang not in LANGS:
        raise ConfigError(f"language {lang!r} is not supported; use one of {', '.join(LANGS)}")
    if not texts.get(lang):
        raise ConfigError(f"the post has no {lang} text; write the text (or pass --text-file)")
    if not accounts:
        raise ConfigError("choose at least one channel account to post to")
    if scheduled_at is not None and scheduled_at.tzinfo is None:
        raise ConfigError("the time has no time zone: give it with an offset, e.g. "
                          "2026-12-01T19:30:00+07:00")
    if link and not link.startswith(("http://", "https://")):
        raise ConfigError(f"link {link!r} must start with http:// or https://")
    ids = [int(i) for i in media_asset_ids]
    if ids:
        found = set(session.scalars(select(Asset.id).where(Asset.workspace_id == ws.id,
                                                           Asset.id.in_(ids))))
        missing = [i for i in ids if i not in found]
        if missing:
            raise NotFound(f"media asset(s) {missing} are not in this workspace; upload them first")
    tags = [t if t.startswith("#") else f"#{t}" for t in (h.strip() for h in hashtags) if t]
    post = Post(workspace_id=ws.id, texts=texts, lang=lang, media_asset_ids=ids,
                scheduled_at=scheduled_at.astimezone(UTC) if scheduled_at else None,
                title=title.strip(), link=link, first_comment=first_comment, hashtags=tags,
                status="draft", author=author, source=source,
                product_id=product.id if product else None)
    session.add(post)
    session.flush()
    for account in accounts:
        session.add(PostTarget(workspace_id=ws.id, post_id=post.id, account_id=account.id,
                               status="draft", idempotency_key=uuid.uuid4().hex, variant={}))
    session.flush()
    return post


def get_post(session: Session, ws: Workspace, post_id: int) -> Post:
    post = session.get(Post, int(post_id))
    if post is None or post.workspace_id != ws.id:
        raise NotFound(f"no post {post_id} in this workspace; list them with "
                       "'python -m studio post list'")
    return post


def list_posts(session: Session, ws: Workspace, *, status: str | None = None,
               start: datetime | None = None, end: datetime | None = None,
               account_id: int | None = None, limit: int = 1000) -> list[Post]:
    if status and status not in POST_STATUSES:
        raise ConfigError(f"status {status!r} is unknown; use one of {', '.join(POST_STATUSES)}")
    query = select(Post).where(Post.workspace_id == ws.id)
    if status:
        query = query.where(Post.status == status)
    if start:
        query = query.where(Post.scheduled_at >= start)
    if end:
        query = query.where(Post.scheduled_at < end)
    if account_id:
        query = query.where(Post.id.in_(select(PostTarget.post_id).where(
            PostTarget.account_id == account_id)))
    query = query.order_by(Post.scheduled_at.is_(None), Post.scheduled_at, Post.id).limit(limit)
    return list(session.scalars(query))


def describe(post: Post) -> dict:
    return {"id": post.id, "status": post.status, "lang": post.lang, "title": post.title,
            "texts": post.texts, "scheduled_at": post.scheduled_at, "link": post.link,
            "hashtags": post.hashtags, "media_asset_ids": post.media_asset_ids,
            "targets": [{"id": t.id, "account": t.account.name, "kind": t.account.kind,
                         "status": t.status, "attempts": t.attempts,
                         "external_id": t.external_id, "url": t.url,
                         "last_error": t.last_error, "published_at": t.published_at}
                        for t in post.targets]}


def rollup(statuses: list[str], current: str) -> str:
    """The post status that summarises its targets' statuses."""
    live = [s for s in statuses if s != "cancelled"]
    if current not in ("scheduled", "publishing", "published", "failed", "needs_attention"):
        return current
    if not live:
        return current
    for status in ("publishing", "needs_attention", "failed"):
        if status in live:
            return status
    if all(s == "published" for s in live):
        return "published"
    return "scheduled"


def _record(session: Session, post: Post, action: str, author: str, role: str,
            comment: str) -> None:
    session.add(Approval(workspace_id=post.workspace_id, post_id=post.id, action=action,
                         author=author, role=role, comment=comment))


def _require(post: Post, allowed: tuple[str, ...], action: str) -> None:
    if post.status not in allowed:
        raise ConfigError(f"post {post.id} is {post.status}: it cannot be {action} now")


def submit(session: Session, post: Post, author: str = "", comment: str = "") -> Post:
    """A producer sends a draft for approval."""
    _require(post, ("draft", "changes_requested"), "submitted")
    post.status = "pending_approval"
    _record(session, post, "submit", author, "producer", comment)
    session.flush()
    return post


def request_changes(session: Session, post: Post, author: str, comment: str,
                    role: str = "marketer") -> Post:
    if not comment.strip():
        raise ConfigError("say what to change: a comment is required")
    _require(post, ("pending_approval",), "sent back")
    post.status = "changes_requested"
    _record(session, post, "request_changes", author, role, comment)
    session.flush()
    return post


def reject(session: Session, post: Post, author: str, comment: str,
           role: str = "marketer") -> Post:
    if not comment.strip():
        raise ConfigError("say why the post is rejected: a comment is required")
    _require(post, ("pending_approval", "changes_requested", "draft"), "rejected")
    post.status = "rejected"
    _record(session, post, "reject", author, role, comment)
    session.flush()
    return post


def comment(session: Session, post: Post, author: str, text: str, role: str = "") -> None:
    if not text.strip():
        raise ConfigError("the comment is empty")
    _record(session, post, "comment", author, role, text)
    session.flush()


def approve(session: Session, post: Post, author: str = "", comment: str = "",
            role: str = "marketer", now: datetime | None = None) -> Post:
    """Approve and schedule (at its time, or now); blocked by the writer's checks."""
    _require(post, ("pending_approval",), "approved")
    check_texts(session, post)
    _record(session, post, "approve", author, role, comment)
    return schedule(session, post, now=now)


def schedule(session: Session, post: Post, now: datetime | None = None) -> Post:
    """Mark the post and its open targets scheduled at ``post.scheduled_at`` (default now)."""
    post.scheduled_at = post.scheduled_at or _now(now)
    post.status = "scheduled"
    for target in post.targets:
        if target.status in ("draft", "scheduled"):
            target.status = "scheduled"
            target.due_at = post.scheduled_at
            target.enqueued_at = None
    session.flush()
    return post


def reschedule(session: Session, post: Post, at: datetime) -> Post:
    """Move a post that is not being published yet."""
    if at.tzinfo is None:
        raise ConfigError("the new time has no time zone")
    busy = [t for t in post.targets if t.status in ("publishing", "published")]
    if busy:
        raise ConfigError(f"post {post.id} is already being published or published on "
                          f"{len(busy)} channel(s); it cannot move")
    post.scheduled_at = at.astimezone(UTC)
    if post.status == "scheduled":
        schedule(session, post)
    session.flush()
    return post


def unschedule(session: Session, post: Post) -> Post:
    """Back to draft (targets not yet published stop)."""
    _require(post, ("scheduled",), "unscheduled")
    if any(t.status == "publishing" for t in post.targets):
        raise ConfigError(f"post {post.id} is being published right now; wait a moment")
    post.status = "draft"
    for target in post.targets:
        if target.status == "scheduled":
            target.status, target.due_at = "draft", None
    session.flush()
    return post


def _checks():
    """The writer's (run_checks, blocking), or None while that capability is not installed."""
    try:
        checks = importlib.import_module("studio.writing.checks")
        findings = importlib.import_module("studio.writing.findings")
        return checks.run_checks, findings.blocking
    except (ModuleNotFoundError, AttributeError):
        return None


def check_texts(session: Session, post: Post) -> None:
    """Run the writer's checks on every text for every target channel; raise when blocked."""
    found = _checks()
    if found is None:
        log.warning("studio.writing is not installed: post %s approved without text checks",
                    post.id)
        return
    run_checks, blocking = found
    facts = None
    if post.product_id:
        from studio.catalog.factsheet import facts as product_facts

        product = session.get(Product, post.product_id)
        facts = product_facts(product) if product else None
    # Export and webhook have no platform limits of their own: check the text as such.
    kinds = sorted({t.account.kind for t in post.targets} - OFFLINE_KINDS) or [None]
    problems: list[str] = []
    for lang, text in post.texts.items():
        for kind in kinds:
            try:
                results = run_checks(text, lang, facts=facts, channel=kind, field="body")
            except NotFound:  # a platform the writer has no limits for
                results = run_checks(text, lang, facts=facts, channel=None, field="body")
            if blocking(results):
                problems += [f"{lang}/{kind or '-'}: {getattr(f, 'message', f)}"
                             for f in results if getattr(f, "severity", "error") == "error"]
                break
    if problems:
        raise ApprovalBlocked(problems)


def retry_target(session: Session, target: PostTarget, now: datetime | None = None) -> None:
    """A person checked the channel: publish again (needs_attention or failed → scheduled)."""
    if target.status not in ("needs_attention", "failed"):
        raise ConfigError(f"target {target.id} is {target.status}; only failed or "
                          "needs-attention targets can be retried")
    target.status, target.due_at, target.enqueued_at = "scheduled", _now(now), None
    target.post.status = "scheduled"
    session.flush()


def mark_published(session: Session, target: PostTarget, url: str = "",
                   now: datetime | None = None) -> None:
    """A person confirms a needs-attention target did get published."""
    if target.status != "needs_attention":
        raise ConfigError(f"target {target.id} is {target.status}, not needs attention")
    target.status, target.url, target.published_at = "published", url, _now(now)
    target.post.status = rollup([t.status for t in target.post.targets], target.post.status)
    session.flush()


def bulk_schedule(session: Session, ws: Workspace, accounts: list[ChannelAccount],
                  items: list[dict], *, author: str = "", submit_for_approval: bool = True,
                  after: datetime | None = None) -> list[Post]:
    """One post per item ({"texts", "media_asset_ids", "title", "source"}), each in the next
    free queue slot of the first account; submitted for approval (or kept as drafts)."""
    from studio.publish.slots import next_free_slot

    if not accounts:
        raise ConfigError("choose at least one channel account to post to")
    if not items:
        raise ConfigError("nothing to schedule: choose at least one clip")
    taken: set[datetime] = set()
    created = []
    for item in items:
        at = next_free_slot(session, ws, accounts[0], after, taken)
        taken.add(at)
        post = create_post(session, ws, texts=item["texts"], lang=item.get("lang", "vi"),
                           accounts=accounts, media_asset_ids=item.get("media_asset_ids", []),
                           scheduled_at=at, title=item.get("title", ""), author=author,
                           source=item.get("source", "bulk"))
        if submit_for_approval:
            submit(session, post, author)
        created.append(post)
    return created


def clip_assets(session: Session, ws: Workspace, limit: int = 200) -> list[Asset]:
    """Rendered clips (and videos) of the workspace, newest first, for bulk scheduling."""
    return list(session.scalars(select(Asset).where(
        Asset.workspace_id == ws.id, Asset.kind.in_(("clip", "video")))
        .order_by(Asset.id.desc()).limit(limit)))
