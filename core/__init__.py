"""What every app shares: the page cache and generations, outages, the Redis client, request
hygiene, pagination and the one text-key module (`core.text`). Imports no app."""
