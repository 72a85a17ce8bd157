"""The archive's pictures: the topic map, a topic's neighbourhood and its timeline.

`queries` reads the archive (and keeps what it computed until the archive changes); the rest is
pure drawing, no Django: `topicmap` (which topics, laid out how), `forcelayout` (the layout),
`timeline` (bars per month) and `svg` (safe SVG text).
"""
