"""numbers: one row per numeral form, negatives beside positives."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xuncha_nlp import resources
from xuncha_nlp.numbers import (
    Quantity,
    approximation_words,
    numeral_value,
    parse_quantity,
    quantity_from_parts,
)

# (id, text, value) — value None means "not one numeral"
NUMERALS: list[tuple[str, str, int | float | None]] = [
    ("arabic", "108", 108),
    ("arabic_zero", "0", 0),
    ("thousands", "1,234", 1234),
    ("thousands_two_groups", "12,345,678", 12345678),
    ("decimal", "86.4", 86.4),
    ("decimal_thousands", "1,234.5", 1234.5),
    ("cn_108", "一百零八", 108),
    ("cn_106_ling_circle", "一百〇六", 106),
    ("cn_liangqian", "两千", 2000),
    ("cn_shiliu", "十六", 16),
    ("cn_shi", "十", 10),
    ("cn_ershisan", "二十三", 23),
    ("cn_zero", "〇", 0),
    ("cn_ling", "零", 0),
    ("cn_yi", "一", 1),
    ("cn_liang", "两", 2),
    ("cn_qian_alone", "千", 1000),
    ("cn_wan_alone", "万", 10000),
    ("cn_yiqianer_short", "一千二", 1200),
    ("cn_liangwansan_short", "两万三", 23000),
    ("cn_yibaier_short", "一百二", 120),
    ("cn_yibaiershi", "一百二十", 120),
    ("cn_wan", "三万二千", 32000),
    ("cn_yi_wan", "三亿五千万", 350000000),
    ("cn_wanyi", "三万亿", 3000000000000),
    ("cn_shiwan", "十万", 100000),
    ("cn_ling_inside_wan", "一万零五百", 10500),
    ("cn_decimal", "九十八点五", 98.5),
    ("cn_capital", "壹佰贰拾", 120),
    ("cn_capital_qian", "叁仟肆佰", 3400),
    ("cn_traditional_liang_wan", "兩萬", 20000),
    ("positional_year", "二〇二三", 2023),
    ("positional_108", "一〇八", 108),
    ("mixed_wan", "1.3万", 13000),
    ("mixed_yi", "2.6亿", 260000000),
    ("mixed_qian", "3千", 3000),
    ("mixed_qianwan", "5千万", 50000000),
    ("mixed_decimal_wan", "38.72万", 387200),
    ("mixed_big", "1376万", 13760000),
    ("spaces_trimmed", " 42 ", 42),
    ("neg_empty", "", None),
    ("neg_word", "问题", None),
    ("neg_adjacent_digits", "三四", None),
    ("neg_repeated_digit", "一一", None),
    ("neg_units_reversed", "二百三千", None),
    ("neg_digits_in_a_row", "一百一一", None),
    ("neg_letters", "abc", None),
    ("neg_dian_alone", "点五", None),
    ("neg_redaction_has_no_value", "xx", None),
]


@pytest.mark.parametrize(("text", "value"), [c[1:] for c in NUMERALS],
                         ids=[c[0] for c in NUMERALS])
def test_numeral_value(text: str, value: int | float | None) -> None:
    got = numeral_value(text)
    assert got == value
    if value is not None:
        assert type(got) is type(value)  # whole numbers come back as int


# (id, text, (value, value_max, approximate, redacted)) — None: not a quantity
Expected = tuple[int | float | None, int | float | None, bool, bool]
QUANTITIES: list[tuple[str, str, Expected | None]] = [
    ("plain", "763", (763, None, False, False)),
    ("jin", "近300", (300, None, True, False)),
    ("yue", "约1200", (1200, None, True, False)),
    ("chaoguo", "超过2000", (2000, None, True, False)),
    ("jiangjin_longest_first", "将近50", (50, None, True, False)),
    ("yu_after_wan", "1376万余", (13760000, None, True, False)),
    ("yu_before_wan", "两千余万", (20000000, None, True, False)),
    ("duo_before_wan", "3000多万", (30000000, None, True, False)),
    ("shi_ji", "十几", (10, None, True, False)),
    ("ji_shi", "几十", (10, None, True, False)),
    ("shu_bai", "数百", (100, None, True, False)),
    ("zuoyou", "95左右", (95, None, True, False)),
    ("yishang", "90以上", (90, None, True, False)),
    ("range_zhi", "20至30", (20, 30, False, False)),
    ("range_dash", "20-30", (20, 30, False, False)),
    ("range_tilde", "20～30", (20, 30, False, False)),
    ("range_cn", "三到五", (3, 5, False, False)),
    ("range_lifted_magnitude", "5-10万", (50000, 100000, False, False)),
    ("redacted_x", "x", (None, None, False, True)),
    ("redacted_xxx", "xxx", (None, None, False, True)),
    ("redacted_upper", "XX", (None, None, False, True)),
    ("redacted_cross", "××", (None, None, False, True)),
    ("redacted_star_fullwidth", "＊＊", (None, None, False, True)),
    ("redacted_decimal", "xx.x", (None, None, False, True)),
    ("redacted_wan", "xx万", (None, None, False, True)),
    ("neg_reversed_range", "2020-2019", None),
    ("neg_equal_range", "5至5", None),
    ("neg_word", "人数", None),
    ("neg_shu_before_arabic", "数12", None),
    ("neg_trailing_text", "12个", None),
    ("neg_empty", "", None),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in QUANTITIES],
                         ids=[c[0] for c in QUANTITIES])
def test_parse_quantity(text: str, expected: Expected | None) -> None:
    got = parse_quantity(text)
    if expected is None:
        assert got is None
        return
    assert got is not None
    assert (got.value, got.value_max, got.approximate, got.redacted) == expected
    assert got.text == text


def test_quantity_to_dict_is_json_safe() -> None:
    import json

    q = parse_quantity("近300")
    assert q is not None
    assert json.loads(json.dumps(q.to_dict())) == q.to_dict()


def test_quantity_from_parts_is_cached_and_immutable() -> None:
    a = quantity_from_parts("一百零八")
    assert a == Quantity(108, None, False, False, "一百零八")
    assert quantity_from_parts("一百零八") is a


@pytest.mark.parametrize("func", [numeral_value, parse_quantity])
@pytest.mark.parametrize("bad", [b"108", 108, None], ids=["bytes", "int", "none"])
def test_non_str_raises_type_error(func: object, bad: object) -> None:
    with pytest.raises(TypeError, match="takes str"):
        func(bad)  # type: ignore[operator]


def test_approximation_lexicon_is_valid() -> None:
    rows = resources.read_rows("approximations.tsv", 2)
    words = [w for w, _ in rows]
    assert len(words) == len(set(zip(words, [p for _, p in rows], strict=True)))
    w = approximation_words()
    for group in (w.before, w.before_magnitude, w.after, w.tail):
        assert list(group) == sorted(group, key=lambda x: (-len(x), x))
    assert "余" in w.after and "以上" in w.tail and "近" in w.before


@given(st.integers(min_value=0, max_value=10**12))
def test_arabic_round_trip(n: int) -> None:
    assert numeral_value(str(n)) == n
    assert numeral_value(f"{n:,}") == n


_CN = "零一二三四五六七八九"


def _cn(n: int) -> str:
    """A plain Chinese numeral below 10000 written the usual way (for the property test)."""
    if n == 0:
        return "零"
    out = ""
    zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, unit)
        if d:
            if zero:
                out += "零"
            out += _CN[d] + name
            zero = False
        elif out:
            zero = True
    return out


@given(st.integers(min_value=0, max_value=9999))
def test_chinese_round_trip(n: int) -> None:
    assert numeral_value(_cn(n)) == n
