"""Outside production the static files are served from their source folders, as they are now: a stylesheet edited
while the server runs is sent whole, with its new length (WhiteNoise had kept the length it found at start-up, and a
browser then waited for the missing bytes, never finishing the page)."""

from django.test import Client, override_settings


def test_a_static_file_edited_while_serving_is_sent_with_its_new_length(tmp_path):
    probe = tmp_path / "probe.css"
    probe.write_text("main { color: #123456; } /* a longer first version */\n")
    with override_settings(STATICFILES_DIRS=[tmp_path]):
        client = Client()
        first = client.get("/static/probe.css")
        assert first.status_code == 200 and int(first["Content-Length"]) == probe.stat().st_size
        probe.write_text("main { color: #123; }\n")
        second = client.get("/static/probe.css")
        assert second.status_code == 200
        assert b"".join(second.streaming_content) == b"main { color: #123; }\n"
        assert int(second["Content-Length"]) == len("main { color: #123; }\n")
