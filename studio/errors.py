"""Named exceptions. Every message says what went wrong *and* how to fix it.

Pages show them with ``st.error``; the CLI prints one line and exits 2; tests let them raise.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class StudioError(Exception):
    """Base class: a problem the user can fix. ``str(err)`` is the one-line message."""

    #: i18n key of the message, when the error can be shown in the UI language.
    key: str | None = None

    def __init__(self, message: str, *, key: str | None = None, **params: object) -> None:
        super().__init__(message)
        if key is not None:
            self.key = key
        self.params = params

    def localized(self, lang: str) -> str:
        """The message in ``lang`` when a translation exists, else the English text."""
        from studio.i18n import has_key, t

        if self.key and has_key(self.key):
            return t(self.key, lang, **self.params)
        return str(self)


class ConfigError(StudioError):
    """A setting is missing or invalid."""


class NotFound(StudioError):
    """A named thing (product, workspace, file) does not exist."""


class Conflict(StudioError):
    """The change would break a uniqueness rule (slug, name)."""


class MediaError(StudioError):
    """A file is not the media it claims to be, is too large, or is unreadable."""


class EngineError(StudioError):
    """An external engine (LLM, translator, platform) failed."""


@dataclass(frozen=True)
class Problem:
    """One validation problem: where it is and why, as an i18n code with parameters."""

    field: str
    code: str
    params: dict = field(default_factory=dict)
    row: int | None = None

    def message(self, lang: str = "en") -> str:
        from studio.i18n import t

        return t(f"problem.{self.code}", lang, field=self.field, **self.params)


class ValidationFailed(StudioError):
    """Input was rejected; ``problems`` lists every reason (row, column, code)."""

    def __init__(self, problems: list[Problem], summary: str | None = None) -> None:
        self.problems = list(problems)
        first = self.problems[0] if self.problems else None
        where = ""
        if first is not None:
            where = f"row {first.row}, " if first.row is not None else ""
            where += f"{first.field}: {first.message('en')}"
        more = f" (+{len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(summary or f"invalid input: {where}{more}; fix it and try again")

    def localized(self, lang: str) -> str:
        from studio.i18n import t

        return t("error.validation", lang, count=len(self.problems))

    def table(self, lang: str = "en") -> list[dict]:
        """Rows of ``{row, column, reason}`` for display or JSON."""
        return [
            {"row": p.row, "column": p.field, "reason": p.message(lang)} for p in self.problems
        ]
