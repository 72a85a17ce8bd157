"""The planning stage: which post of the database each record of a file is, and the ids, keys
and slugs (`slugs`) of the new ones, read from the database before the writing starts.

`records` plans an export or feed in scratch tables (`scratch`); `listing` plans a text listing
from the titles its scan kept.
"""
