# Varnish 7 in front of bigsoc's app servers, purged per dependency key (docs/caching.md).
#
# Needs varnish-modules for xkey (Debian: apt-get install varnish varnish-modules). The app
# servers are listed in bigsoc-backends.vcl beside this file (deploy/bigsoc-backends.example.vcl):
#   varnishd -a :80 -f /etc/varnish/varnish.vcl -p vcl_path=/etc/varnish -s malloc,1G
# and the app servers run with CDN_PURGE_URL=http://<varnish host>/ so the worker
# (manage.py send_notifications --watch) sends `PURGE /` with `xkey-purge: <key>`.
#
# What Varnish keeps: anonymous GET and HEAD pages, for as long as the app's s-maxage says (every
# write purges the keys it touched, so an edit shows on the next request). Anyone with a session
# or a one-off message passes straight to an app server, as do all writes.
vcl 4.1;

import directors;
import xkey;

include "bigsoc-backends.vcl";

# Who may purge: the worker's hosts. Add the app servers' network here.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    set req.backend_hint = app.backend();
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Not allowed"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "An xkey-purge header names the key to purge"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone + " objects"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # A session or a message makes the page personal (core.cache.PERSONAL_COOKIES).
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=" || req.http.Authorization) {
        return (pass);
    }
    # Any other cookie (csrftoken) changes nothing an anonymous page shows: cached pages never
    # hold a token. Without it, Django's "Vary: Cookie" gives one copy for every reader.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    # The app sends Surrogate-Key and xkey (the same keys) only on pages it may let a CDN keep;
    # xkey indexes the object by its xkey header. Anything with Set-Cookie, private or no-cache
    # stays uncacheable through the built-in rules.
    if (beresp.status >= 500) {
        set beresp.uncacheable = true;
        set beresp.ttl = 1s;
        return (deliver);
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # The keys are for this cache, not for browsers.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
}
