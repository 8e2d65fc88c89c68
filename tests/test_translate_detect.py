"""Language codes, seeded detection, and the small text helpers engines rely on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio.errors import ValidationFailed
from studio.translate.detect import check_lang, check_pair, detect, source_warning
from studio.translate.engines.web import chunks
from studio.translate.memory import numbers

VI = "Mật ong rừng U Minh được hợp tác xã thu hoạch bằng tay vào mùa khô"
EN = "Wild honey from the U Minh forest, harvested by hand by the cooperative"


def test_detection_is_deterministic_and_right():
    assert {detect(VI).lang for _ in range(5)} == {"vi"}
    assert {detect(EN).lang for _ in range(5)} == {"en"}
    assert detect("OCOP 4★").lang is None  # too short to tell: no guess


def test_wrong_source_language_warning():
    assert source_warning(EN, "vi") == ("the text looks like English (en), not Vietnamese; "
                                        "check --from")
    assert source_warning(VI, "vi") is None
    assert source_warning("Trà 120.000đ", "en") is None


@pytest.mark.parametrize("code", ["", "xx", "vie", "zh-TW", None])
def test_unknown_codes_are_refused_with_the_choices(code):
    with pytest.raises(ValidationFailed, match="use one of vi, en, fr"):
        check_lang(code, "--to")


def test_codes_are_normalised():
    assert check_pair(" VI", "En ") == ("vi", "en")


@pytest.mark.parametrize("text, expected", [
    ("giá 120.000đ, hộp 500 g", ["120000", "500"]),
    ("120,000 VND for a 500 g box", ["120000", "500"]),
    ("1,5 kg", ["15"]),
    ("không có số", []),
])
def test_numbers_ignore_separators(text, expected):
    assert numbers(text) == sorted(expected)


@given(st.lists(st.text(alphabet="abcdeêơư ", min_size=1, max_size=40), min_size=1,
                max_size=30).map(". ".join))
def test_chunks_never_exceed_the_limit_and_lose_no_word(text):
    pieces = chunks(text.strip(), 50)
    assert all(len(p) <= 50 for p in pieces)
    assert " ".join(pieces).split() == text.split()
