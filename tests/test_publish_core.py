"""Publishing core: claim, error classes, audit, credentials, tokens, channels, time zones."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from studio.db.session import session_scope
from studio.errors import ConfigError, Conflict
from studio.publish import credentials, posts, scheduler, slots, tokens
from studio.publish.accounts import add_account, describe
from studio.publish.channels.webhook import WebhookChannel
from studio.publish.models import ChannelAccount, PostTarget, PublishAudit
from tests.fakes.webhook_receiver import Receiver

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


def _hook(session, ws, receiver, name="Hook", **extra):
    options = {"url": receiver.url + "/hook", "secret": receiver.secret, **extra}
    return add_account(session, ws, "webhook", name, options)


def _scheduled(session, ws, accounts, at=T0, text="Mật ong rừng U Minh"):
    post = posts.create_post(session, ws, texts={"vi": text}, accounts=accounts,
                             scheduled_at=at)
    posts.schedule(session, post)
    session.commit()
    return post


def _status(engine, target_id):
    with session_scope(engine) as s:
        return s.execute(select(PostTarget.status, PostTarget.attempts, PostTarget.due_at,
                                PostTarget.last_error, PostTarget.external_id)
                         .where(PostTarget.id == target_id)).one()


# -- claim and exactly-once --------------------------------------------------------------------


def test_claim_is_exclusive_and_needs_due_time(engine, session, ws, receiver):
    post = _scheduled(session, ws, [_hook(session, ws, receiver)])
    target_id = post.targets[0].id
    assert scheduler.claim(engine, target_id, now=T0 - timedelta(minutes=1)) is None  # not due
    first = scheduler.claim(engine, target_id, now=T0)
    assert first and scheduler.claim(engine, target_id, now=T0) is None
    assert _status(engine, target_id).status == "publishing"


def test_publish_twice_delivers_once_per_channel(engine, session, ws, receiver):
    a, b = _hook(session, ws, receiver, "A"), _hook(session, ws, receiver, "B")
    post = _scheduled(session, ws, [a, b])
    ids = [t.id for t in post.targets]
    results = [scheduler.publish_target(i, engine=engine, now=T0).result for i in ids * 2]
    assert results == ["published", "published", "skipped", "skipped"]
    assert len(receiver.deliveries) == 2 and not receiver.duplicates()
    session.expire_all()
    assert posts.get_post(session, ws, post.id).status == "published"


def test_sweep_hands_each_due_target_out_once(engine, session, ws, receiver):
    account = _hook(session, ws, receiver)
    for i in range(5):
        _scheduled(session, ws, [account], at=T0 + timedelta(minutes=i))
    got: list[int] = []
    scheduler.sweep(got.append, engine=engine, now=T0 + timedelta(minutes=2))
    scheduler.sweep(got.append, engine=engine, now=T0 + timedelta(minutes=2))
    assert len(got) == 3 == len(set(got))
    # A lost task (never claimed) is handed out again after the requeue delay.
    scheduler.sweep(got.append, engine=engine, now=T0 + timedelta(minutes=10))
    assert len(got) == 3 + 5


# -- error classes -------------------------------------------------------------------------------


def test_429_retry_after_and_backoff_then_failed(engine, session, ws, receiver):
    receiver.script = ["429:600", "500", "500", "500"]
    post = _scheduled(session, ws, [_hook(session, ws, receiver)])
    tid = post.targets[0].id
    now = T0
    out = scheduler.publish_target(tid, engine=engine, now=now)
    row = _status(engine, tid)
    assert out.result == "retry" and row.status == "scheduled"
    assert row.due_at == now + timedelta(seconds=600)  # Retry-After > 60 s
    for expected_delay in (300, 1800):
        now = row.due_at
        assert scheduler.publish_target(tid, engine=engine, now=now).result == "retry"
        row = _status(engine, tid)
        assert row.due_at == now + timedelta(seconds=expected_delay)
    out = scheduler.publish_target(tid, engine=engine, now=row.due_at)
    row = _status(engine, tid)
    assert out.result == "failed" and row.attempts == 4 and "HTTP 500" in row.last_error
    assert not receiver.deliveries
    audit = session.scalars(select(PublishAudit).where(PublishAudit.target_id == tid,
                                                       PublishAudit.step == "publish")).all()
    assert [a.outcome for a in audit] == ["retry", "retry", "retry", "failed"]
    assert [a.response_status for a in audit] == [429, 500, 500, 500]
    assert all(a.duration_s >= 0 and a.channel == "webhook" for a in audit)


def test_bad_request_fails_at_once_with_reason(engine, session, ws, receiver):
    receiver.script = ["400"]
    post = _scheduled(session, ws, [_hook(session, ws, receiver)])
    out = scheduler.publish_target(post.targets[0].id, engine=engine, now=T0)
    row = _status(engine, post.targets[0].id)
    assert out.result == "failed" and row.attempts == 1 and "text too long" in row.last_error


def test_bad_signature_is_an_auth_error_not_retried(engine, session, ws, receiver):
    account = add_account(session, ws, "webhook", "Wrong",
                          {"url": receiver.url + "/hook", "secret": "not-the-secret"})
    post = _scheduled(session, ws, [account])
    out = scheduler.publish_target(post.targets[0].id, engine=engine, now=T0)
    assert out.result == "failed" and "reconnect" in out.detail
    assert receiver.rejected == 1 and not receiver.deliveries
    session.expire_all()
    assert session.get(ChannelAccount, account.id).status == "needs_reauth"


def test_timeout_after_receipt_without_lookup_needs_attention(engine, session, ws, receiver):
    receiver.script = ["slow:3"]
    post = _scheduled(session, ws, [_hook(session, ws, receiver, timeout_s="0.5")])
    tid = post.targets[0].id
    out = scheduler.publish_target(tid, engine=engine, now=T0)
    assert out.result == "needs_attention"
    # Never retried blindly: a later sweep leaves it alone.
    got: list[int] = []
    scheduler.sweep(got.append, engine=engine, now=T0 + timedelta(hours=2))
    assert got == [] and _status(engine, tid).status == "needs_attention"
    assert receiver.deliveries[post.targets[0].idempotency_key] == 1


def test_timeout_after_receipt_settled_by_lookup(engine, session, ws, receiver):
    receiver.script = ["slow:3"]
    account = _hook(session, ws, receiver, timeout_s="0.5", status_url=receiver.url + "/status")
    post = _scheduled(session, ws, [account])
    out = scheduler.publish_target(post.targets[0].id, engine=engine, now=T0)
    row = _status(engine, post.targets[0].id)
    assert out.result == "published" and row.external_id.startswith("wh-")
    assert not receiver.duplicates()


def test_connection_refused_is_retryable(engine, session, ws):
    account = add_account(session, ws, "webhook", "Down",
                          {"url": "http://127.0.0.1:9/hook", "secret": "x" * 12})
    post = _scheduled(session, ws, [account])
    assert scheduler.publish_target(post.targets[0].id, engine=engine, now=T0).result == "retry"


def test_stuck_publishing_recovered_by_sweep(engine, session, ws, receiver):
    with_lookup = _hook(session, ws, receiver, "L", status_url=receiver.url + "/status")
    without = _hook(session, ws, receiver, "N")
    post = _scheduled(session, ws, [with_lookup, without])
    lost, blind = post.targets
    # A consumer claimed both and died: one before sending, one after (delivered).
    scheduler.claim(engine, lost.id, now=T0)
    scheduler.claim(engine, blind.id, now=T0)
    receiver.deliveries[blind.idempotency_key] += 1
    got: list[int] = []
    later = T0 + timedelta(seconds=scheduler.LEASE_S + 1)
    scheduler.sweep(got.append, engine=engine, now=later)
    assert _status(engine, lost.id).status == "scheduled" and got == [lost.id]
    assert _status(engine, blind.id).status == "needs_attention"
    scheduler.publish_target(lost.id, engine=engine, now=later)
    assert _status(engine, lost.id).status == "published"
    assert not receiver.duplicates()


def test_post_that_keeps_killing_consumers_fails(engine, session, ws, receiver):
    account = _hook(session, ws, receiver, status_url=receiver.url + "/status")
    tid = _scheduled(session, ws, [account]).targets[0].id
    now = T0
    for _ in range(len(scheduler.BACKOFF_S) + 1):
        assert scheduler.claim(engine, tid, now=now)  # ... and the consumer dies
        now += timedelta(seconds=scheduler.LEASE_S + 1)
        scheduler.recover_stuck(engine, now)
    row = _status(engine, tid)
    assert row.status == "failed" and "stopped 4 times" in row.last_error
    assert not receiver.deliveries


# -- credentials and tokens ----------------------------------------------------------------------


def test_credentials_encrypted_at_rest_and_masked(engine, session, ws, receiver):
    account = _hook(session, ws, receiver)
    session.commit()
    with engine.connect() as conn:
        raw = conn.execute(text("SELECT options, credentials_enc FROM channel_accounts "
                                "WHERE id = :i"), {"i": account.id}).one()
    assert receiver.secret not in str(raw.options) and receiver.secret not in raw.credentials_enc
    assert credentials.decrypt(raw.credentials_enc) == {"secret": receiver.secret}
    assert describe(account)["credentials"]["secret"] == "••••" + receiver.secret[-2:]
    key = credentials.key_path()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_world_readable_key_file_is_refused(sqlite_engine):
    credentials.encrypt({"a": "b"})
    os.chmod(credentials.key_path(), 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        credentials.encrypt({"a": "b"})


def test_secret_key_from_environment(monkeypatch, sqlite_engine):
    monkeypatch.setenv("STUDIO_SECRET_KEY", "short")
    with pytest.raises(ConfigError, match="at least 16"):
        credentials.encrypt({"a": "b"})
    monkeypatch.setenv("STUDIO_SECRET_KEY", "a long passphrase for tests")
    token = credentials.encrypt({"a": "b"})
    assert not credentials.key_path().exists()
    monkeypatch.setenv("STUDIO_SECRET_KEY", "another long passphrase!!")
    with pytest.raises(ConfigError, match="cannot be decrypted"):
        credentials.decrypt(token)


class RotatingChannel(WebhookChannel):
    """The webhook channel plus an OAuth refresh against the receiver's /token endpoint."""

    def refresh(self) -> dict:
        response = self.request("POST", self.options["auth_url"],
                                data={"grant_type": "refresh_token",
                                      "refresh_token": self.credentials["refresh_token"]})
        return response.json()


@pytest.fixture
def rotating(monkeypatch, session, ws, receiver):
    import studio.publish.accounts as accounts_module

    monkeypatch.setattr(accounts_module, "channel_class", lambda kind: RotatingChannel)
    account = _hook(session, ws, receiver, auth_url=receiver.url + "/token",
                    refresh_token="rt-0", access_token="at-0")
    account.token_expires_at = T0 + timedelta(minutes=5)
    session.commit()
    return account


def test_token_rotation_saved_together(engine, session, ws, receiver, rotating):
    assert tokens.refresh_account(rotating.id, engine=engine, now=T0) is True
    session.expire_all()
    stored = credentials.decrypt(session.get(ChannelAccount, rotating.id).credentials_enc)
    assert stored["refresh_token"] == receiver.refresh_token != "rt-0"
    assert stored["access_token"] == receiver.access_token
    # The spent token is refused by the platform: the stored one works again.
    assert tokens.refresh_account(rotating.id, engine=engine, force=True, now=T0) is True
    assert receiver.token_calls == 2


def test_empty_refresh_token_never_overwrites(engine, session, ws, receiver, rotating):
    receiver.token_script = ["no_refresh"]
    tokens.refresh_account(rotating.id, engine=engine, now=T0)
    session.expire_all()
    account = session.get(ChannelAccount, rotating.id)
    assert credentials.decrypt(account.credentials_enc)["refresh_token"] == "rt-0"
    assert account.token_expires_at == T0 + timedelta(hours=1)


def test_transient_refresh_error_keeps_tokens(engine, session, ws, receiver, rotating):
    receiver.token_script = ["503"]
    before = rotating.credentials_enc
    with pytest.raises(Exception, match="will retry"):
        tokens.refresh_account(rotating.id, engine=engine, now=T0)
    session.expire_all()
    account = session.get(ChannelAccount, rotating.id)
    assert account.status == "active" and account.credentials_enc == before
    # Backed off: the sweep does not hand it out again for a minute, then it does.
    assert tokens.accounts_due(engine, T0) == []
    assert tokens.accounts_due(engine, T0 + timedelta(seconds=61)) == [rotating.id]


def test_failed_save_leaves_old_tokens(engine, session, ws, receiver, rotating, monkeypatch):
    before = rotating.credentials_enc

    def broken(_merged):
        raise RuntimeError("disk full")

    monkeypatch.setattr(tokens.creds, "encrypt", broken)
    with pytest.raises(RuntimeError):
        tokens.refresh_account(rotating.id, engine=engine, now=T0)
    session.expire_all()
    assert session.get(ChannelAccount, rotating.id).credentials_enc == before


def test_publish_refreshes_an_expiring_token_first(engine, session, ws, receiver, rotating):
    post = _scheduled(session, ws, [rotating])
    assert scheduler.publish_target(post.targets[0].id, engine=engine, now=T0).result == \
        "published"
    assert receiver.token_calls == 1


def test_expired_token_mid_publish_refreshes_once_then_publishes(engine, session, ws, receiver,
                                                                 rotating):
    rotating.token_expires_at = T0 + timedelta(days=1)  # looks fresh, the platform disagrees
    session.commit()
    receiver.script = ["401"]
    post = _scheduled(session, ws, [rotating])
    out = scheduler.publish_target(post.targets[0].id, engine=engine, now=T0)
    assert out.result == "published" and receiver.token_calls == 1
    assert len(receiver.deliveries) == 1


def test_sweep_hands_expiring_tokens_to_refresh(engine, session, ws, receiver, rotating):
    asked: list[int] = []
    scheduler._refresh_sent.clear()
    scheduler.sweep(lambda _id: None, refresh=asked.append, engine=engine, now=T0)
    scheduler.sweep(lambda _id: None, refresh=asked.append, engine=engine,
                    now=T0 + timedelta(seconds=5))
    assert asked == [rotating.id]


# -- accounts, channels --------------------------------------------------------------------------


def test_account_validation_messages(session, ws):
    with pytest.raises(ConfigError, match="missing url"):
        add_account(session, ws, "webhook", "W", {"secret": "x" * 12})
    with pytest.raises(ConfigError, match="unknown channel kind"):
        add_account(session, ws, "myspace", "M", {})
    with pytest.raises(ConfigError, match="must start with http"):
        add_account(session, ws, "webhook", "W", {"url": "ftp://x", "secret": "x" * 12})
    with pytest.raises(ConfigError, match="expires_at needs an offset"):
        add_account(session, ws, "webhook", "W", {"url": "http://x", "secret": "x" * 12,
                                                  "expires_at": "2026-12-31T00:00"})
    with pytest.raises(ConfigError, match="number of seconds"):
        add_account(session, ws, "webhook", "W", {"url": "http://x", "secret": "x" * 12,
                                                  "expires_in": "soon"})
    dated = add_account(session, ws, "webhook", "D", {"url": "http://x", "secret": "x" * 12,
                                                      "expires_at": "2026-12-31T07:00+07:00"})
    assert dated.token_expires_at == datetime(2026, 12, 31, 0, 0, tzinfo=UTC)
    add_account(session, ws, "export", "E", {})
    with pytest.raises(Conflict, match="already exists"):
        add_account(session, ws, "export", "E", {})
    assert session.scalar(select(ChannelAccount.id).where(ChannelAccount.name == "W")) is None


def test_export_package_is_complete(engine, session, ws, tmp_path):
    account = add_account(session, ws, "export", "Folder", {"folder": str(tmp_path / "out")})
    post = posts.create_post(session, ws, texts={"vi": "Trà shan tuyết", "en": "Shan tea"},
                             accounts=[account], scheduled_at=T0, hashtags=["ocop", "#tra"])
    posts.schedule(session, post)
    session.commit()
    assert scheduler.publish_target(post.targets[0].id, engine=engine, now=T0).result == \
        "published"
    folder = tmp_path / "out" / f"post-{post.id}-{post.targets[0].id}"
    assert (folder / "caption_vi.txt").read_text(encoding="utf-8") == \
        "Trà shan tuyết\n\n#ocop #tra\n"
    meta = json.loads((folder / "post.json").read_text(encoding="utf-8"))
    assert meta["texts"]["en"] == "Shan tea" and meta["hashtags"] == ["#ocop", "#tra"]
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".tmp-")]


def test_export_to_unwritable_folder_fails_cleanly(engine, session, ws, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    account = add_account(session, ws, "export", "Bad", {"folder": str(blocker / "sub")})
    post = _scheduled(session, ws, [account])
    out = scheduler.publish_target(post.targets[0].id, engine=engine, now=T0)
    assert out.result == "failed" and "writable folder" in out.detail


def test_webhook_signature_matches_independent_hmac(receiver):
    import hashlib
    import hmac

    from studio.publish.channels.webhook import sign

    body = b'{"a": 1}'
    expected = hmac.new(b"k", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert sign("k", "1700000000", body) == "sha256=" + expected


# -- posts, approvals, time zones ----------------------------------------------------------------


def test_post_input_errors(session, ws, receiver):
    account = _hook(session, ws, receiver)
    with pytest.raises(ConfigError, match="no vi text"):
        posts.create_post(session, ws, texts={"vi": "  "}, accounts=[account])
    with pytest.raises(ConfigError, match="time zone"):
        posts.create_post(session, ws, texts={"vi": "a"}, accounts=[account],
                          scheduled_at=datetime(2026, 1, 1))
    with pytest.raises(ConfigError, match="at least one channel"):
        posts.create_post(session, ws, texts={"vi": "a"}, accounts=[])
    with pytest.raises(ConfigError, match="http"):
        posts.create_post(session, ws, texts={"vi": "a"}, accounts=[account], link="x.vn")


def test_approval_workflow(session, ws, receiver):
    post = posts.create_post(session, ws, texts={"vi": "Mắm tôm Hậu Lộc"},
                             accounts=[_hook(session, ws, receiver)], scheduled_at=T0)
    with pytest.raises(ConfigError, match="cannot be approved"):
        posts.approve(session, post, "Lan")
    posts.submit(session, post, "Ba")
    with pytest.raises(ConfigError, match="comment is required"):
        posts.request_changes(session, post, "Lan", " ")
    posts.request_changes(session, post, "Lan", "Thêm giá bán")
    assert post.status == "changes_requested"
    posts.submit(session, post, "Ba")
    posts.approve(session, post, "Lan", "OK")
    assert post.status == "scheduled" and post.targets[0].due_at == T0
    assert [a.action for a in post.approvals] == ["submit", "request_changes", "submit",
                                                  "approve"]


def test_health_claim_blocks_approval(session, ws, receiver):
    from tests.conftest import require

    require(posts._checks() is not None, "studio.writing.checks.run_checks is not installed")
    post = posts.create_post(session, ws, texts={"vi": "Trà này chữa khỏi bệnh tiểu đường"},
                             accounts=[_hook(session, ws, receiver)], scheduled_at=T0)
    posts.submit(session, post)
    with pytest.raises(posts.ApprovalBlocked):
        posts.approve(session, post, "Lan")
    assert post.status == "pending_approval"


def test_default_slots_at_vietnamese_peaks(session, ws):
    account = add_account(session, ws, "export", "E", {})
    after = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)  # 07:00 in Hanoi
    first = slots.next_free_slot(session, ws, account, after)
    local = first.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert (local.hour, local.minute) == (11, 30) and first == datetime(2026, 12, 1, 4, 30,
                                                                        tzinfo=UTC)
    post = posts.create_post(session, ws, texts={"vi": "x"}, accounts=[account],
                             scheduled_at=first)
    posts.schedule(session, post)
    second = slots.next_free_slot(session, ws, account, after)
    assert second.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).hour == 19


def test_recurring_slot_keeps_local_time_across_dst(session, ws):
    ws.timezone = "Europe/Paris"
    account = add_account(session, ws, "export", "P", {})
    slots.set_slots(session, account, [6], ["19:30"])  # Sundays 19:30
    instants = slots.upcoming(session, ws, account, datetime(2026, 3, 20, tzinfo=UTC), days=14)
    assert [i.strftime("%m-%d %H:%M") for i in instants] == ["03-22 18:30", "03-29 17:30"]
    assert {i.astimezone(ZoneInfo("Europe/Paris")).strftime("%H:%M") for i in instants} == \
        {"19:30"}
    # A slot inside the spring-forward gap moves to the first real minute after it.
    gap = slots.local_to_utc(datetime(2026, 3, 29).date(), 2 * 60 + 30, ZoneInfo("Europe/Paris"))
    assert gap.astimezone(ZoneInfo("Europe/Paris")).strftime("%H:%M") == "03:30"
    with pytest.raises(ConfigError, match="HH:MM"):
        slots.set_slots(session, account, [0], ["7pm"])


def test_target_status_is_per_channel(engine, session, ws, receiver):
    ok = _hook(session, ws, receiver, "Ok")
    down = add_account(session, ws, "webhook", "Down",
                       {"url": "http://127.0.0.1:9/hook", "secret": "x" * 12})
    post = _scheduled(session, ws, [ok, down])
    for target in post.targets:
        scheduler.publish_target(target.id, engine=engine, now=T0)
    session.expire_all()
    rows = {t.account.name: t.status for t in session.scalars(select(PostTarget))}
    assert rows == {"Ok": "published", "Down": "scheduled"}
    assert posts.get_post(session, ws, post.id).status == "scheduled"
