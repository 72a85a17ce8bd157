"""The benchmark's ceiling: a bare Django project (one 6 KB view behind SecurityMiddleware and
WhiteNoise, no database, no sessions, no templates), served by a gunicorn of its own with the
same worker count as bigsoc's. Every page row of `make bench` is a share of its rate: the
fastest any Django page can be served on this machine, not bigsoc's own middleware stack."""
