"""A Blogger export is read in bounded memory, whatever its size: its posts wait for their
comments on disk, not in memory. Measured in a child process (its peak RSS), no database."""

import subprocess
import sys
from pathlib import Path

import pytest

KIND = "http://schemas.google.com/blogger/2008/kind#"
# Blogger's legacy export writes every post, then every comment (thr:in-reply-to its post).
HEAD = (
    "<?xml version='1.0' encoding='UTF-8'?>\n<feed xmlns='http://www.w3.org/2005/Atom' "
    "xmlns:thr='http://purl.org/syndication/thread/1.0'><title type='text'>Big</title>"
    "<link rel='alternate' type='text/html' href='http://big.blogspot.com/'/>\n"
)
POST = (
    "<entry><id>tag:blogger.com,1999:blog-1.post-{n}</id>"
    "<published>2012-02-27T21:30:00.000+08:00</published>"
    "<category scheme='http://schemas.google.com/g/2005#kind' term='" + KIND + "post'/>"
    "<title type='text'>Post {n}</title><content type='html'>{body}</content>"
    "<link rel='alternate' type='text/html' href='http://big.blogspot.com/2012/02/p{n}.html'/>"
    "<author><name>Mei</name></author></entry>\n"
)
COMMENT = (
    "<entry><id>tag:blogger.com,1999:blog-1.post-c{n}</id>"
    "<published>2012-02-28T12:00:00.000+08:00</published>"
    "<category scheme='http://schemas.google.com/g/2005#kind' term='" + KIND + "comment'/>"
    "<content type='html'>A comment on post {n}, {words}</content><author><name>Lin</name>"
    "</author><thr:in-reply-to ref='tag:blogger.com,1999:blog-1.post-{n}'/></entry>\n"
)
# Google Takeout's export: blogger:type and blogger:parent instead.
TAKEOUT_HEAD = HEAD.replace(
    "<feed ", "<feed xmlns:blogger='http://schemas.google.com/blogger/2018' "
)
TAKEOUT_POST = (
    "<entry><id>tag:blogger.com,1999:blog-1.post-{n}</id><blogger:type>POST</blogger:type>"
    "<blogger:status>LIVE</blogger:status><title>Post {n}</title>"
    "<content type='html'>{body}</content><published>2019-03-21T08:00:00Z</published>"
    "<blogger:filename>/2019/03/p{n}.html</blogger:filename></entry>\n"
)
TAKEOUT_COMMENT = (
    "<entry><id>tag:blogger.com,1999:blog-1.post-c{n}</id>"
    "<blogger:parent>tag:blogger.com,1999:blog-1.post-{n}</blogger:parent>"
    "<blogger:type>COMMENT</blogger:type><blogger:status>LIVE</blogger:status>"
    "<content type='html'>A comment on post {n}, {words}</content>"
    "<published>2019-03-22T12:00:00Z</published></entry>\n"
)
SHAPES = {"legacy": (HEAD, POST, COMMENT), "takeout": (TAKEOUT_HEAD, TAKEOUT_POST, TAKEOUT_COMMENT)}


def blogger_file(path: Path, megabytes: int, shape: str) -> int:
    """A Blogger export of about `megabytes`: posts of 2 KB, then a comment on each. Returns
    the number of posts."""
    head, post, comment = SHAPES[shape]
    body = "&lt;p&gt;" + "Words of the post, " * 100 + "&lt;/p&gt;"
    words = "which says more, " * 10
    posts = megabytes * 1_000_000 // (len(body) + len(words) + 600)
    with path.open("w", encoding="utf-8") as out:
        out.write(head)
        for n in range(posts):
            out.write(post.format(n=n, body=body))
        for n in range(posts):
            out.write(comment.format(n=n, words=words))
        out.write("</feed>\n")
    return posts


# The peak RSS of this process's own memory: VmHWM (getrusage's ru_maxrss keeps the peak of
# the process before exec, here pytest's).
READ = """
import sys
from importer.readers import detect, open_records
with open(sys.argv[1], "rb") as f:
    reader = open_records(f, detect(f.read(65536)))
    f.seek(0)
    posts = comments = 0
    for post in reader:
        posts += 1
        comments += len(post.comments)
status = open("/proc/self/status").read().split("VmHWM:")[1]
print(posts, comments, status.split()[0])
"""


def peak(path: Path) -> tuple[int, int, int]:
    """(posts, comments, peak RSS in KB) of a child process that reads `path`."""
    done = subprocess.run(
        [sys.executable, "-c", READ, str(path)], capture_output=True, text=True, check=True
    )
    posts, comments, rss = map(int, done.stdout.split())
    return posts, comments, rss


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
@pytest.mark.parametrize("shape", ["legacy", "takeout"])
def test_a_big_blogger_export_is_read_in_the_memory_of_a_small_one(tmp_path, shape):
    small, big = tmp_path / "small.xml", tmp_path / "big.xml"
    small_posts = blogger_file(small, 1, shape)
    big_posts = blogger_file(big, 50, shape)
    posts, comments, small_rss = peak(small)
    assert (posts, comments) == (small_posts, small_posts)  # every comment on its post
    posts, comments, big_rss = peak(big)
    assert (posts, comments) == (big_posts, big_posts)
    # Held in memory, 50 MB of posts took some 60 MB more than 1 MB of them did.
    more = big_rss - small_rss
    assert more < 20_000, f"{more} KB more for 50 times the posts"
