"""Logging filters: what the console log keeps of a request that went wrong."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """Keep the one line about a 4xx answer, drop its traceback.

    Django logs a malformed request (a NUL in the address, a bad Host header, too many fields)
    with the exception that refused it: a traceback for the client's mistake, not ours, which
    buries real errors and lets anyone fill the log. 5xx records keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
