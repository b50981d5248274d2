"""An override left open in a list's name cannot reverse the bulletin count after it (issue 18 bad input)."""

from tutela.bulletins.models import MailingList

RLO, PDF = "\u202e", "\u202c"


def test_the_archive_index_isolates_each_list_name(client, public_list):
    MailingList.objects.filter(pk=public_list.pk).update(name=f"COP{RLO} news")
    page = client.get("/bulletins/").content.decode()
    assert f'<a href="/bulletins/archive/cop-news/"><bdi>COP{RLO} news{PDF}</bdi></a> <span class="meta">' in page
