"""Comment text going in (cleaned) and coming out (escaped, linked), with hostile input."""

import pytest
from django.core.exceptions import ValidationError

from comments import text


class TestRender:
    @pytest.mark.parametrize(
        ("source", "html"),
        [
            ("Hello", "<p>Hello</p>"),
            ("a\nb", "<p>a<br>b</p>"),
            ("a\n\n\nb", "<p>a</p><p>b</p>"),
            ("a\n  \nb", "<p>a</p><p>b</p>"),
            ("<b>x</b> & 'y'", "<p>&lt;b&gt;x&lt;/b&gt; &amp; &#x27;y&#x27;</p>"),
            (
                "See https://example.com/a?b=1&c=2.",
                '<p>See <a href="https://example.com/a?b=1&amp;c=2" '
                'rel="nofollow ugc noopener">example.com/a?b=1&amp;c=2</a>.</p>',
            ),
            (
                "(https://en.wikipedia.org/wiki/Bosch_(TV_series))",
                '<p>(<a href="https://en.wikipedia.org/wiki/Bosch_(TV_series)" '
                'rel="nofollow ugc noopener">en.wikipedia.org/wiki/Bosch_(TV_series)</a>)</p>',
            ),
        ],
    )
    def test_renders_paragraphs_breaks_and_links(self, source, html):
        assert text.render(source) == html

    @pytest.mark.parametrize(
        "hostile",
        [
            'https://x.example/"><script>alert(1)</script>',
            "https://x.example/<img src=x onerror=alert(1)>",
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1) data:text/html;base64,PHNjcmlwdD4=",
            "https://x.example/'onmouseover='alert(1)",
            "https://x.example/`onmouseover=alert(1)`",
            "http://[::1",
            "https://",
        ],
    )
    def test_hostile_input_never_becomes_markup(self, hostile):
        html = text.render(hostile)
        assert "<script" not in html and "<img" not in html
        assert 'href="javascript' not in html.lower() and 'href="data' not in html
        assert "onmouseover='" not in html and '"onmouseover' not in html
        # every tag left is one we made
        for tag in html.replace("</", "<").split("<")[1:]:
            assert tag.split(">")[0].split(" ")[0] in {"p", "br", "a"}

    def test_long_addresses_are_shortened_in_the_text_only(self):
        url = "https://example.com/" + "x" * 200
        html = text.render(url)
        assert f'href="{url}"' in html and "…</a>" in html


class TestClean:
    def test_strips_zero_width_and_bidi_characters_and_normalises(self):
        dirty = "\ufeffA\u200bm\u200ce\u0301\u202el\u202ci\u2066e\u2069\u200f"
        assert text.clean(dirty) == "Amélie"

    @pytest.mark.parametrize(
        "char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\x7f", "\x9b"]
    )
    def test_refuses_control_characters(self, char):
        with pytest.raises(ValidationError, match="control characters"):
            text.clean(f"a{char}b")

    def test_keeps_tabs_and_newlines(self):
        assert text.clean("a\tb\r\nc\rd") == "a\tb\nc\nd"

    @pytest.mark.parametrize(
        ("body", "links"),
        [
            ("no links", 0),
            ("https://a.example http://b.example", 2),
            ("www.a.example and https://www.b.example", 2),
            ("HTTPS://A.EXAMPLE www.b.example http://c.example", 3),
        ],
    )
    def test_counts_links_for_the_spam_rule(self, body, links):
        assert text.count_links(body) == links
