"""core.markdown: record text written into Markdown cannot become HTML or a script link."""

import pytest

from tutela.core.markdown import is_unsafe_url, safe_markdown_text


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:x", "java\nscript:x",
                                 "<javascript:x>", "VBScript:msgbox", "data:text/html,<b>", "\x01javascript:x"])
def test_unsafe_urls(url):
    assert is_unsafe_url(url)


@pytest.mark.parametrize("url", ["https://www.itu.int/", "/reports/1/", "mailto:a@example.org", "#top", "javascript"])
def test_safe_urls(url):
    assert not is_unsafe_url(url)


def test_links_lose_unsafe_destinations_but_keep_their_labels():
    text = ("[a](javascript:alert(1)) [b](https://ok.example/) ![c](data:image/svg+xml,x) "
            "[d \\] e](vbscript:x \"title\") [f](java script:x)")
    assert safe_markdown_text(text) == "a [b](https://ok.example/) c d \\] e f"
    assert safe_markdown_text("[r]: javascript:alert(1)\n[s]: https://ok.example/") == "r\n[s]: https://ok.example/"


def test_raw_html_becomes_text():
    assert safe_markdown_text("<script>x</script> & <a href='javascript:x'>y</a>") == (
        "&lt;script&gt;x&lt;/script&gt; &amp; &lt;a href='javascript:x'&gt;y&lt;/a&gt;")
    assert safe_markdown_text("") == "" and safe_markdown_text(None) == ""
