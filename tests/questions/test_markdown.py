"""Model answers: Markdown rendered once and sanitised."""

from __future__ import annotations

from questions.markdown import render


def test_a_list_straight_under_a_sentence_is_still_a_list():
    html = render("Two kinds:\n- max\n- average")
    assert html == "<p>Two kinds:</p>\n<ul>\n<li>max</li>\n<li>average</li>\n</ul>"


def test_code_blocks_are_left_alone():
    html = render("```\nx = 1\n- not a list\n```")
    assert "<ul>" not in html
    assert "- not a list" in html


def test_raw_html_and_scripts_are_stripped():
    html = render('Hi <script>alert(1)</script><img src=x onerror="alert(1)"> [a](javascript:alert(1))')
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html


def test_links_are_kept_safely():
    assert render("[docs](https://example.org)") == (
        '<p><a href="https://example.org" rel="noopener noreferrer nofollow">docs</a></p>'
    )
