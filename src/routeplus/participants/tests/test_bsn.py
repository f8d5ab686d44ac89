"""The BSN eleven-test and its masked display."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from routeplus.participants.bsn import is_valid_bsn, mask_bsn, validate_bsn


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "999999990"])
def test_known_valid_numbers_pass(bsn):
    assert is_valid_bsn(bsn)


@pytest.mark.parametrize("bsn", ["123456789", "11122233", "1112223334", "11122233a", "", "000000000"])
def test_invalid_numbers_fail(bsn):
    assert not is_valid_bsn(bsn)


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_exactly_one_check_digit_completes_any_eight_digits(prefix):
    assume(prefix != "00000000")
    valid = [d for d in "0123456789" if is_valid_bsn(prefix + d) and prefix + d != "000000000"]
    assert len(valid) <= 1
    weighted = sum(int(c) * w for c, w in zip(prefix, range(9, 1, -1), strict=True))
    assert bool(valid) == (weighted % 11 != 10)


def test_validation_message_never_repeats_the_number():
    with pytest.raises(ValidationError) as error:
        validate_bsn("123456789")
    assert "123456789" not in " ".join(error.value.messages)


def test_mask_shows_only_the_last_three_digits():
    assert mask_bsn("111222333") == "••••••333"
    assert mask_bsn("") == ""
