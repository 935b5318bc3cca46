"""The privacy guard: ID-card and mobile numbers found however they are written, and masked."""

from __future__ import annotations

import pytest

from bot.privacy import contains_private_data, mask_private_data


@pytest.mark.parametrize(
    "text",
    [
        "电话13812345678",
        "手机 138 1234 5678 打给我",
        "手机138-1234-5678",
        "手机138．1234．5678",
        "１３８１２３４５６７８",
        "１３８　１２３４　５６７８",
        "+86 138 1234 5678",
        "身份证110101199003071234",
        "身份证 110101 19900307 1234",
        "身份证110101-19900307-123X",
        "身份证 11010119900307123x",
        "老身份证110101900307123",
    ],
)
def test_numbers_are_found_and_masked_however_written(text: str) -> None:
    masked = mask_private_data(text)
    assert contains_private_data(text)
    assert len(masked) == len(text)
    digits = [ch for ch in masked if ch.isdecimal()]
    assert len(digits) <= 2, masked  # at most the +86 is left


def test_two_numbers_side_by_side_are_both_masked() -> None:
    assert mask_private_data("13812345678 13912345678") == "＊" * 11 + " " + "＊" * 11


@pytest.mark.parametrize(
    "text",
    [
        "交城有国家级高新技术企业40户",
        "2023年产值12.5亿元，增长8.3%",
        "订单号138123456789",  # twelve digits: not a mobile number
        "群 -1001234567890",
        "2026-12-01 09:00",
        "1200万吨",
    ],
)
def test_ordinary_numbers_are_left_alone(text: str) -> None:
    assert not contains_private_data(text)
    assert mask_private_data(text) == text
