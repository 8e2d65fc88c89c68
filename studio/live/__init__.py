"""Live desk: comments from a livestream become orders tied to the catalog, and a summary after.

The parser and the aggregation are plain functions (no database): ``parse_comment`` reads one
comment, ``aggregate`` turns a stream of comments into orders. ``studio.live.service`` keeps live
sessions in the database; ``studio.live.sources`` reads exports, pasted text and Facebook.
"""

from studio.live.orders import Comment, LiveResult, OrderDraft, aggregate
from studio.live.parser import (
    KeywordMap,
    ParsedComment,
    mask_phone,
    normalize_phone,
    parse_comment,
    redact_phones,
)

__all__ = [
    "Comment",
    "KeywordMap",
    "LiveResult",
    "OrderDraft",
    "ParsedComment",
    "aggregate",
    "mask_phone",
    "normalize_phone",
    "parse_comment",
    "redact_phones",
]
