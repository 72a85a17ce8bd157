"""Topics that are the author's, and precise: small archives through `import_seeds`, against
real PostgreSQL and the real vocabulary (seeds/topics.toml)."""

import io

import pytest
from django.core.management import call_command

from posts.models import Post, Topic

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vocabulary_seeds")]

ITEM = (
    "<item><title>{title}</title><guid>http://t.example.org/?p={n}</guid>"
    "<dc:creator>ann</dc:creator><content:encoded><![CDATA[{body}]]></content:encoded>{extra}"
    "<wp:post_id>{n}</wp:post_id><wp:status>publish</wp:status>"
    "<wp:post_type>post</wp:post_type>{comments}</item>"
)


def export(tmp_path, *items: dict) -> str:
    """A WordPress export of `items` (title, body, and optional tags, comments)."""
    rows = []
    for n, item in enumerate(items, start=1):
        tags = "".join(
            f'<category domain="post_tag" nicename="t{i}"><![CDATA[{tag}]]></category>'
            for i, tag in enumerate(item.get("tags", ()))
        )
        comments = "".join(
            f"<wp:comment><wp:comment_id>{i}</wp:comment_id><wp:comment_author>{who}"
            "</wp:comment_author><wp:comment_approved>1</wp:comment_approved>"
            "<wp:comment_content>Thanks.</wp:comment_content></wp:comment>"
            for i, who in enumerate(item.get("commenters", ()), start=1)
        )
        rows.append(
            ITEM.format(n=n, title=item["title"], body=item["body"], extra=tags, comments=comments)
        )
    path = tmp_path / "topics.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>T</title>'
        "<link>http://t.example.org</link>" + "".join(rows) + "</channel></rss>",
        encoding="utf-8",
    )
    return str(path)


def run(path) -> str:
    out = io.StringIO()
    call_command("import_seeds", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def topics_of(title: str) -> set[str]:
    return {t.name for t in Post.objects.get(title=title).topics}


def test_an_authors_tag_that_is_an_alias_keeps_its_name_and_also_reaches_the_vocabulary_topic(
    tmp_path,
):
    # Neither body says "tweet" or "blog": the vocabulary topics come from the tags alone.
    run(
        export(
            tmp_path,
            {"title": "Short note", "body": "<p>Nothing else.</p>", "tags": ["Tweet"]},
            {"title": "Another note", "body": "<p>Something.</p>", "tags": ["Blog", "NCVO"]},
        )
    )
    assert topics_of("Short note") == {"Tweet", "Twitter"}
    assert topics_of("Another note") == {"Blog", "Blogging", "NCVO", "Voluntary sector"}
    tweet = Topic.objects.get(name="Tweet")
    assert tweet.source == Topic.Source.CATEGORY
    assert Topic.objects.get(name="Twitter").pk != tweet.pk  # not merged


def test_an_alias_connects_a_tag_only_as_written(tmp_path):
    # "ncvo" is not the acronym NCVO, and "cuts" alone needs its context words.
    run(
        export(
            tmp_path,
            {"title": "Lower case", "body": "<p>Plain words.</p>", "tags": ["ncvo", "cuts"]},
        )
    )
    assert topics_of("Lower case") == {"ncvo", "cuts"}


def test_a_listings_tag_that_is_an_alias_also_reaches_the_vocabulary_topic(tmp_path):
    listing = tmp_path / "tagged.txt"
    listing.write_text(
        "A note on a quiet day\n\nNothing happened at all. read more »\nTagged: Tweet\n",
        encoding="utf-8",
    )
    run(listing)
    assert topics_of("A note on a quiet day") == {"Tweet", "Twitter"}


def test_an_acronym_names_its_topic_only_in_capitals(tmp_path):
    run(
        export(
            tmp_path,
            {"title": "Keys", "body": "<p>Generate an rsa key; see www.rsa.com for more.</p>"},
            {"title": "Debate", "body": "<p>The RSA hosted a debate with NCVO.</p>"},
            {"title": "Talks", "body": "<p>A tedx talk, and ncvo in lower case.</p>"},
        )
    )
    assert topics_of("Debate") >= {"RSA", "Voluntary sector"}
    assert not topics_of("Keys") & {"RSA"}
    assert not topics_of("Talks") & {"Events", "Voluntary sector"}


def test_a_common_word_alias_needs_a_whole_context_phrase_not_one_of_its_words(tmp_path):
    # "public sector" is a context phrase of Spending cuts: "public" alone is not it.
    run(
        export(
            tmp_path,
            {"title": "Ribbon", "body": "<p>The mayor cuts the ribbon in public.</p>"},
            {"title": "Library", "body": "<p>Public sector cuts close the library.</p>"},
        )
    )
    assert "Spending cuts" not in topics_of("Ribbon")
    assert "Spending cuts" in topics_of("Library")


def test_commenters_names_are_never_phrases_however_their_byline_is_punctuated(tmp_path):
    body = "<p>As T Parse and Mo Farid said, the Riverside Food Bank needs help.</p>"
    run(
        export(
            tmp_path,
            *(
                {"title": f"Food bank {n}", "body": body, "commenters": ["T. Parse", "Mo  Farid"]}
                for n in (1, 2, 3)
            ),
        )
    )
    phrases = set(Topic.objects.filter(source=Topic.Source.PHRASE).values_list("name", flat=True))
    assert "Riverside Food Bank" in phrases
    assert not phrases & {"T Parse", "Mo Farid"}


def test_a_change_to_a_topics_context_words_imports_an_unchanged_file_again(
    tmp_path, vocabulary_seeds
):
    path = tmp_path / "ribbon.txt"
    path.write_text("Ribbon\n\nThe mayor cuts the ribbon. read more »\n", encoding="utf-8")
    run(path)
    assert "unchanged since last import" in run(path)
    vocabulary = vocabulary_seeds / "topics.toml"
    text = vocabulary.read_text(encoding="utf-8")
    vocabulary.write_text(text.replace('"spending", ', '"spending", "mayor", '), encoding="utf-8")
    assert "unchanged since last import" not in run(path)
    assert "Spending cuts" in topics_of("Ribbon")


def phrase_topics() -> set[str]:
    return set(Topic.objects.filter(source=Topic.Source.PHRASE).values_list("name", flat=True))


def test_phrase_mining_never_reads_code(tmp_path):
    body = (
        "<p>The Riverside Food Bank asked for a parser.</p>"
        "[csharp]public static T Parse<T>(string value) => Json Convert.Read(value);[/csharp]"
        "<pre>Console Write Line(Data Source)</pre><p>Call <code>Task Run</code> once.</p>"
    )
    run(export(tmp_path, *({"title": f"Parser {n}", "body": body} for n in (1, 2, 3))))
    phrases = phrase_topics()
    assert "Riverside Food Bank" in phrases
    code = {"T Parse", "Json Convert", "Console Write Line", "Data Source", "Task Run"}
    assert not phrases & code


def test_a_listings_author_archive_header_is_a_byline_never_a_phrase(tmp_path):
    listing = tmp_path / "author.txt"
    posts = "".join(
        f"Visit {n}\n\nHua Liang went to the Riverside Food Bank. read more »\n\n" for n in (1, 2)
    )
    listing.write_text("Author Archives: Hua Liang\n\n" + posts, encoding="utf-8")
    run(listing)
    phrases = phrase_topics()
    assert "Riverside Food Bank" in phrases
    assert "Hua Liang" not in phrases


def test_a_short_alias_with_a_number_names_its_topic_only_as_written(tmp_path):
    run(
        export(
            tmp_path,
            {"title": "Wait", "body": "<p>There were no 10 minutes to spare.</p>"},
            {"title": "Shout", "body": "<p>NO 10 MINUTES LEFT!</p>"},
            {"title": "Policy", "body": "<p>No 10 wants a bigger role for charities.</p>"},
        )
    )
    assert "David Cameron" not in topics_of("Wait") | topics_of("Shout")
    assert "David Cameron" in topics_of("Policy")


def test_a_change_to_the_vocabulary_tags_an_unchanged_exports_posts_again(
    tmp_path, vocabulary_seeds
):
    path = export(
        tmp_path,
        {"title": "Ribbon", "body": "<p>The mayor cuts the ribbon.</p>"},
        {"title": "Other", "body": "<p>Nothing to see.</p>"},
    )
    run(path)
    assert "Spending cuts" not in topics_of("Ribbon")
    vocabulary = vocabulary_seeds / "topics.toml"
    text = vocabulary.read_text(encoding="utf-8")
    vocabulary.write_text(text.replace('"spending", ', '"spending", "mayor", '), encoding="utf-8")
    # The file is the same, its posts too: only their topics change.
    assert "0 created, 0 updated, 2 unchanged" in run(path)
    assert "Spending cuts" in topics_of("Ribbon")
