"""The privacy guard: ID-card and mobile numbers found however they are written, and masked."""

from __future__ import annotations

import pytest

from bot.privacy.mask import contains_private_data, mask_private_data


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


@pytest.mark.parametrize(
    "text",
    [
        "+8613812345678", "＋８６１３８１２３４５６７８", "0086 138 1234 5678",
        "一三九一二三四五六七八", "幺三八一二三四五六七八", "一三八 零一二三 四五六七", "一三八两〇〇〇两两两两",
        "138，1234，5678", "138/1234/5678", "138、1234、5678", "１３８／１２３４／５６７８", "１３８，１２３４，５６７８",
        "身份证一一〇一〇一一九九〇〇三〇七一二三四", "身份证一一〇一〇一一九九〇〇三〇七一二三X",
    ],
)
def test_numbers_in_chinese_numerals_with_a_country_code_or_list_separators_are_masked(text: str) -> None:
    masked = mask_private_data(text)
    assert contains_private_data(text)
    assert masked.replace("身份证", "").strip("＊") == "", masked


@pytest.mark.parametrize("text", ["13，15，20，25，30张床位", "2019、2020、2021、2022、2023年", "一二三四五六七八九十",
                                  "第一三五七九名", "138/12/5678"])
def test_lists_of_figures_and_counting_in_numerals_are_left_alone(text: str) -> None:
    assert mask_private_data(text) == text
