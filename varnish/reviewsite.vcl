# Varnish in front of reviewsite: new readers share one copy of each public page, purged
# by surrogate key (xkey) when it changes. The application decides what is public
# (Cache-Control: public, s-maxage) and names what each page shows (the xkey header);
# this file only adds what a cache must decide before the application is asked.
# @BACKEND_HOST@ and @BACKEND_PORT@ are filled in by scripts/serve.py (and the tests).
vcl 4.1;

import std;
import xkey;

# Every request goes to the application, even while it reports the database down: its
# own 503 page offers a reader's unsaved comment back, where Varnish's would lose it.
backend app {
    .host = "@BACKEND_HOST@";
    .port = "@BACKEND_PORT@";
    .connect_timeout = 1s;
    .first_byte_timeout = 30s;
}

# The same application, probed: its health decides only how stale a page may be served.
# /healthz answers 503 while the database is down: then pages are served from grace.
# Two failures in three probes make it sick; a generous timeout keeps a busy (queued)
# site healthy.
backend health {
    .host = "@BACKEND_HOST@";
    .port = "@BACKEND_PORT@";
    .probe = {
        .url = "/healthz";
        .interval = 1s;
        .timeout = 5s;
        .window = 3;
        .threshold = 2;
        .initial = 2;
    }
}

# Who may purge: the application servers. Load tests and purges stay on this machine.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    set req.backend_hint = app;
    if (req.restarts == 0) {
        unset req.http.X-Stale-If-Error;
        unset req.http.X-Shared;
    } else if (req.http.X-Stale-If-Error) {
        # The application failed this page just now (vcl_synth): the copy we have,
        # however old (up to its 6 h grace), is better than an error.
        set req.grace = 6h;
        return (hash);
    }
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey) {
            return (synth(400, "An xkey header naming the keys to purge is required"));
        }
        # A soft purge: the copy is kept, past its life, only to be served if the
        # application fails to render the page again (vcl_deliver); while it answers,
        # the next reader gets the page as it is now, never the stale copy (no grace).
        set req.http.n-gone = xkey.softpurge(req.http.xkey);
        return (synth(200, "Invalidated " + req.http.n-gone + " objects"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        # Votes, comments, reports, logins: straight to the application, cookies and all.
        return (pass);
    }
    if (req.url ~ "^/admin(/|$)" || req.http.Authorization) {
        return (pass);
    }
    # A session, a reader cookie or a flash message: the page is the reader's own.
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|reader|messages)=") {
        return (pass);
    }
    # Any other cookie (a stale csrftoken, analytics) changes nothing the site shows.
    unset req.http.Cookie;
    # Tracking parameters change nothing either; keep one copy per page.
    set req.url = regsuball(req.url, "([?&])(utm_[a-z]+|fbclid|gclid)=[^&]*", "\1");
    set req.url = regsub(req.url, "[?&]+$", "");
    set req.url = regsuball(req.url, "\?&+", "?");
    if (std.healthy(health)) {
        # Healthy: a page past its s-maxage, or purged, is rendered again before it is
        # served (readers waiting for the same page share that one fetch). Sick (the
        # probe sees /healthz fail): the copy we have is served from grace.
        set req.grace = 0s;
    }
    set req.http.X-Shared = "1";
    return (hash);
}

sub vcl_backend_response {
    if (beresp.status >= 500) {
        if (bereq.is_bgfetch) {
            # Refetching failed: keep the copy we have rather than caching an error.
            return (abandon);
        }
        if (bereq.http.X-Shared && !bereq.http.X-Stale-If-Error) {
            # A shared page the application could not render (its database is down,
            # and the probe has not noticed yet). Abandoning keeps the copy we have,
            # which vcl_synth's retry may serve; a stored error would replace it.
            return (abandon);
        }
        # The retry found no copy: the application's own 503 page, uncached.
        set beresp.ttl = 0s;
        set beresp.grace = 0s;
        set beresp.keep = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # Kept past s-maxage so it can be served while the application or its database is
    # down (the application's stale-if-error); vcl_recv limits it while healthy.
    set beresp.grace = 6h;
    # Compress what is shared. Private pages (pass) are not compressed here: they may
    # hold a CSRF token, and compressing a secret beside reflected text is BREACH.
    if (!bereq.uncacheable && beresp.http.Content-Type ~ "^(text/|application/(json|xml|rss\+xml|atom\+xml|javascript))") {
        set beresp.do_gzip = true;
    }
}

sub vcl_synth {
    if (resp.status == 503 && req.http.X-Shared && req.restarts == 0) {
        # The fetch was abandoned (vcl_backend_response): ask again, allowing any stale
        # copy; with none, the application is asked once more and its 503 page sent.
        set req.http.X-Stale-If-Error = "1";
        return (restart);
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
