"""pdf.join_lines: rebuilding paragraphs from printed lines, case by case."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xuncha_nlp.pdf import join_lines

FULL_A = "局党组把巡察整改作为重大政治任务成立领导小组"  # 22 characters: a full line
FULL_B = "召开专题会议逐条制定整改措施明确责任领导以及"
FULL_C = "完成时限实行清单化管理和销号式推进确保整改到"
END = "位。"
HEAD = "一、整改工作总体情况"

# (id, pages as lists of printed lines, expected paragraphs)
CASES: list[tuple[str, list[list[str]], list[str]]] = [
    ("wrapped_paragraph_joined", [[FULL_A, FULL_B, FULL_C, END]],
     [FULL_A + FULL_B + FULL_C + END]),
    ("short_line_ends_paragraph", [[FULL_A, "组。", FULL_B, FULL_C, END]],
     [FULL_A + "组。", FULL_B + FULL_C + END]),
    ("heading_between_paragraphs", [[FULL_A, END, HEAD, FULL_B, FULL_C, END]],
     [FULL_A + END, HEAD, FULL_B + FULL_C + END]),
    ("full_sentence_end_then_numbered_item",
     [[FULL_A, FULL_B[:-2] + "。", "二是" + FULL_C[2:], END]],
     [FULL_A + FULL_B[:-2] + "。", "二是" + FULL_C[2:] + END]),
    ("full_sentence_end_then_plain_text_joined",
     [[FULL_A, FULL_B[:-2] + "。", FULL_C, END]],
     [FULL_A + FULL_B[:-2] + "。" + FULL_C + END]),
    ("colon_then_bracketed_item", [[FULL_A, FULL_B[:-1] + "：", "（一）" + FULL_C[3:], END]],
     [FULL_A + FULL_B[:-1] + "：", "（一）" + FULL_C[3:] + END]),
    ("number_inside_sentence_not_an_item", [[FULL_A, FULL_B, "2023年" + FULL_C[5:], END]],
     [FULL_A + FULL_B + "2023年" + FULL_C[5:] + END]),
    ("paragraph_over_page_break_with_page_number",
     [[FULL_A, FULL_B, "— 1 —"], ["— 2 —", FULL_C, END]],
     [FULL_A + FULL_B + FULL_C + END]),
    ("page_number_forms_dropped",
     [[FULL_A, FULL_B, "第 1 页 共 3 页"], [FULL_C, FULL_A, "- 2 -"], [FULL_B, END, "3/3"]],
     [FULL_A + FULL_B + FULL_C + FULL_A + FULL_B + END]),
    ("running_head_dropped",
     [["某某县委巡察办", FULL_A, FULL_B, "1"], ["某某县委巡察办", FULL_C, FULL_A, "2"],
      ["某某县委巡察办", FULL_B, END, "3"]],
     [FULL_A + FULL_B + FULL_C + FULL_A + FULL_B + END]),
    ("repeated_on_two_pages_is_not_a_running_head",
     [["工作要求", FULL_A, END], ["工作要求", FULL_B, END]],
     ["工作要求", FULL_A + END, "工作要求", FULL_B + END]),
    ("lone_number_at_page_edge_dropped", [["12"], [FULL_A, END]], [FULL_A + END]),
    ("number_inside_page_kept", [[FULL_A, END, "12", FULL_B, END, FULL_C, END]],
     [FULL_A + END, "12", FULL_B + END, FULL_C + END]),
    ("title_and_date_not_joined", [["关于巡察整改的通报", "2023年6月12日"]],
     ["关于巡察整改的通报", "2023年6月12日"]),
    ("list_page_takes_document_margin",
     [[FULL_A, FULL_B, END], [FULL_C, "一、问题", "二、措施", "三、成效", "四、计划", END]],
     [FULL_A + FULL_B + END, FULL_C + "一、问题", "二、措施", "三、成效", "四、计划", END]),
    ("ascii_words_get_a_space", [[FULL_A[:-3] + "PDF", "format" + FULL_B[3:], END]],
     [FULL_A[:-3] + "PDF format" + FULL_B[3:] + END]),
    ("number_split_over_lines_rejoined", [[FULL_A[:-2] + "21", "3" + FULL_B[1:], END]],
     [FULL_A[:-2] + "213" + FULL_B[1:] + END]),
    ("indented_first_line_mid_sentence_continues",
     [[FULL_A[:-2], FULL_B, FULL_C, END]], [FULL_A[:-2] + FULL_B + FULL_C + END]),
    ("short_by_the_indent_but_sentence_ends",
     [[FULL_A, FULL_B[:-4] + "。", FULL_C, END]], [FULL_A + FULL_B[:-4] + "。", FULL_C + END]),
    ("spaces_and_blank_lines_ignored", [[f"  {FULL_A}  ", "", "\u3000" + FULL_B, "  ", END]],
     [FULL_A + FULL_B + END]),
    ("single_line", [["巡察工作综述"]], ["巡察工作综述"]),
    ("one_overlong_line_does_not_set_the_margin",
     [[FULL_A, FULL_B, "https://www.example.gov.cn/xcgz/2023/06/t20230612_123456.html",
       "组。", FULL_C, END]],
     [FULL_A + FULL_B + "https://www.example.gov.cn/xcgz/2023/06/t20230612_123456.html组。",
      FULL_C + END]),
    ("no_pages", [], []),
    ("blank_pages", [[], ["  "]], []),
]


@pytest.mark.parametrize(("case", "pages", "expected"), CASES, ids=[c[0] for c in CASES])
def test_join_lines(case: str, pages: list[list[str]], expected: list[str]) -> None:
    text = join_lines(["\n".join(lines) for lines in pages])
    assert (text.split("\n") if text else []) == expected


_LINE = st.text(alphabet=st.sampled_from("巡察组发现问题整改，。；：、“”（）abAB 　"),
                min_size=0, max_size=40)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(_LINE, max_size=30))
def test_one_page_keeps_every_character_in_order(lines: list[str]) -> None:
    """Without digits there are no page numbers, and one page has no running heads: joining
    may only add spaces and line breaks, never lose, add or reorder a character."""
    text = join_lines(["\n".join(lines)])
    assert "".join(text.split()) == "".join("".join(lines).split())
    assert "\n\n" not in text and text == text.strip()
