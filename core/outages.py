"""Which errors mean "a backing service is out of reach" rather than "our code is wrong"."""

import redis
from django.db import InterfaceError, OperationalError

# PostgreSQL (data, sessions, the database cache) or Redis (cache, sessions) went away.
UNAVAILABLE = (OperationalError, InterfaceError, redis.ConnectionError, redis.TimeoutError)
