"""The preparing stage: a reader's posts made ready to store. Pure: no Django, no database.

`records` makes an export's or feed's `ArchivePost` safe (`wpbody`, then core.sanitise) as a
`PreparedPost`; `listing` parses a text listing and renders its bodies (`render`), keeping the
parsed posts in a `spool`. A big file is prepared in a process of its own (`process`) while the
importer plans and writes.
"""
