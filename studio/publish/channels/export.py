"""Export folder: the default, offline channel.

Per target it writes a ready-to-post package ``post-<post>-<target>/`` with the media files,
``caption_<lang>.txt`` per language and ``post.json``. The package is built in a temporary folder
next to it and renamed into place, so a crash leaves either nothing or the whole package; its
existence is also the lookup after an unknown outcome.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from studio.config import get_settings
from studio.publish.channels.base import (
    PERMANENT,
    Channel,
    ChannelError,
    PostPayload,
    PublishResult,
)


class ExportChannel(Channel):
    kind = "export"

    def folder(self) -> Path:
        configured = self.options.get("folder")
        if configured:
            return Path(configured).expanduser()
        name = "".join(c if c.isalnum() or c in "-_" else "_" for c in
                       str(self.options.get("account", "default")))
        return get_settings().data_dir / "exports" / name

    def _package(self, payload: PostPayload) -> Path:
        return self.folder() / f"post-{payload.post_id}-{payload.target_id}"

    def validate(self, payload: PostPayload) -> list[str]:
        problems = [] if (payload.text or payload.texts) else ["the post has no text"]
        problems += [f"media file {m.path.name} is missing" for m in payload.media
                     if not m.path.is_file()]
        return problems

    def publish(self, payload: PostPayload) -> PublishResult:
        final = self._package(payload)
        if final.is_dir():  # already written by an earlier attempt
            return self._result(final)
        problems = self.validate(payload)
        if problems:
            raise ChannelError("export: " + "; ".join(problems), PERMANENT)
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=final.parent))
        except OSError as exc:
            raise ChannelError(f"export: cannot write to {final.parent} ({exc.strerror}); choose "
                               "a writable folder for this account", PERMANENT) from exc
        try:
            self._write(tmp, payload)
            os.rename(tmp, final)
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            if final.is_dir():  # a concurrent writer won the rename
                return self._result(final)
            raise ChannelError(f"export: writing the package failed ({exc}); free some disk "
                               "space and retry", PERMANENT) from exc
        return self._result(final)

    def _write(self, tmp: Path, payload: PostPayload) -> None:
        media = []
        for index, item in enumerate(payload.media, 1):
            name = f"media_{index:02d}{item.path.suffix.lower()}"
            shutil.copyfile(item.path, tmp / name)
            media.append({"file": name, "mime": item.mime, "size": item.size})
        texts = dict(payload.texts) or {payload.lang: payload.text}
        tags = " ".join(payload.hashtags)
        for lang, text in texts.items():
            body = text + (f"\n\n{tags}" if tags else "")
            (tmp / f"caption_{lang}.txt").write_text(body + "\n", encoding="utf-8")
        meta = {"post_id": payload.post_id, "target_id": payload.target_id,
                "idempotency_key": payload.idempotency_key, "lang": payload.lang,
                "title": payload.title, "texts": texts, "link": payload.link,
                "first_comment": payload.first_comment, "hashtags": list(payload.hashtags),
                "media": media, "exported_at": datetime.now(UTC).isoformat()}
        (tmp / "post.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2),
                                       encoding="utf-8")

    def _result(self, final: Path) -> PublishResult:
        return PublishResult(external_id=final.name, url=final.resolve().as_uri())

    def lookup(self, payload: PostPayload, external_id: str | None = None) -> PublishResult | None:
        final = self._package(payload)
        return self._result(final) if (final / "post.json").is_file() else None
