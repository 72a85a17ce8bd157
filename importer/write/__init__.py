"""The writing stage: a `writer` thread runs a file's COPY and UPDATE jobs on the file's
transaction while the importer prepares the next batch.

`records` and `listing` build the rows of each kind of archive, `mentions` links posts that name
each other, and `first_import` (with `first_records` for exports and feeds) is a first import's
fast mode: posts written as the scan meets them, indexes and keys built once at the end.
"""
