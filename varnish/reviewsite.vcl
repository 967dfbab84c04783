# Varnish in front of reviewsite: new readers share one copy of each public page, purged
# by surrogate key (xkey) when it changes. The application decides what is public
# (Cache-Control: public, s-maxage) and names what each page shows (the xkey header);
# this file only adds what a cache must decide before the application is asked.
#
# What it trusts: nothing a client sends decides what another reader gets. Headers the
# application or gunicorn would believe as proxy input are dropped (only our own front
# proxy, acl front_proxies, may say the scheme and the client's address); the copy is
# keyed on the scheme; only answers the application marked public with an s-maxage are
# stored; stale copies are served only while the application is really unavailable,
# and a purge removes a copy for good (docs/caching.md).
#
# @BACKEND_HOST@, @BACKEND_PORT@ and @FRONT_PROXIES@ are filled in by scripts/serve.py
# (and the tests); `python scripts/serve.py vcl` prints the result for a deployment.
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
# /healthz answers 503 at once while the database is down: three failures in the last
# five probes (some 6 s) make it sick and pages are served from grace. A probe that is
# merely slow because the site is busy is not a failure: it has 10 s to answer, far
# more than a queued request waits, so a flood never switches every reader to grace.
backend health {
    .host = "@BACKEND_HOST@";
    .port = "@BACKEND_PORT@";
    .probe = {
        .url = "/healthz";
        .interval = 2s;
        .timeout = 10s;
        .window = 5;
        .threshold = 3;
        .initial = 3;
    }
}

# Who may purge: the application servers. Load tests and purges stay on this machine.
acl purgers {
    "127.0.0.1";
    "::1";
}

# Our own proxies in front of this Varnish (the TLS terminator of a deployment): only
# their X-Forwarded-Proto, X-Forwarded-For and X-Request-ID are believed. Empty under
# `make serve`, where readers reach Varnish directly.
acl front_proxies {
@FRONT_PROXIES@
}

sub vcl_recv {
    set req.backend_hint = app;
    call reviewsite_esi_recv;
    if (req.restarts == 0) {
        unset req.http.X-Stale-If-Error;
        unset req.http.X-Shared;
        call trusted_headers;
    } else if (req.http.X-Stale-If-Error) {
        # The application said its database is down, or could not be reached, just now
        # (vcl_synth): the copy we have, if any, is better than an error. A purge
        # removed every copy of what was taken down, so none of that can come back.
        set req.grace = 6h;
        return (hash);
    }
    if (req.method == "PURGE") {
        # From the application itself: a purger's address, and not passed on by a front
        # proxy on the same machine (it would have added the client to X-Forwarded-For).
        if (client.ip !~ purgers || req.http.X-Forwarded-For != "" + client.ip) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey) {
            return (synth(400, "An xkey header naming the keys to purge is required"));
        }
        # A hard purge: the copies are gone, grace included. A purge follows a change,
        # and a change may be a takedown (a removed comment, an unpublished review, a
        # ban) that no failure may bring back; the cache cannot tell one from another.
        set req.http.n-gone = xkey.purge(req.http.xkey);
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
    # Only the query parameters the site reads make a different page (page and q on the
    # lists and search, sort, comments and reply_to on a review, upto the spoiler
    # shield); any other (tracking, or random ones to get past the cache) is dropped, so
    # it is served from the one copy. Sorted, so that their order makes no new copy.
    if (req.url ~ "\?") {
        set req.url = regsuball(req.url, "([?&])(?!(page|sort|q|comments|reply_to|upto)=)[^&]*", "\1");
        set req.url = regsuball(req.url, "&&+", "&");
        set req.url = regsub(req.url, "\?&+", "?");
        set req.url = regsub(req.url, "[?&]+$", "");
        set req.url = std.querysort(req.url);
    }
    if (std.healthy(health)) {
        # Healthy: a page past its s-maxage is rendered again before it is served
        # (readers waiting for the same page share that one fetch). Sick (the probe
        # sees /healthz fail): the copy we have is served from grace.
        set req.grace = 0s;
    }
    set req.http.X-Shared = "1";
    if (req.http.X-Reader-Cookie) {
        # ESI: this cache assembles <esi:include> (the application emits them only then).
        set req.http.Surrogate-Capability = "reviewsite=ESI/1.0";
    }
    return (hash);
}

# Request headers that gunicorn or the application would believe as the word of a proxy.
# gunicorn.conf.py believes none of them either; both hold so that neither alone decides.
sub trusted_headers {
    # gunicorn maps these onto the WSGI environ: a script prefix or path of the client's
    # choosing would change which page is rendered, and the links in it.
    unset req.http.SCRIPT_NAME;
    unset req.http.PATH_INFO;
    unset req.http.REMOTE_USER;
    unset req.http.REMOTE_ADDR;
    unset req.http.X-Script-Name;
    # Scheme, host, port, prefix and address, in all their spellings.
    unset req.http.Forwarded;
    unset req.http.X-Forwarded-Host;
    unset req.http.X-Forwarded-Server;
    unset req.http.X-Forwarded-Port;
    unset req.http.X-Forwarded-Prefix;
    unset req.http.X-Forwarded-Path;
    unset req.http.X-Forwarded-Ssl;
    unset req.http.X-Forwarded-Protocol;
    unset req.http.X-Forwarded-Scheme;
    unset req.http.X-Url-Scheme;
    unset req.http.X-Scheme;
    unset req.http.Front-End-Https;
    unset req.http.X-Real-IP;
    unset req.http.X-Client-IP;
    unset req.http.True-Client-IP;
    unset req.http.CF-Connecting-IP;
    unset req.http.X-Original-URL;
    unset req.http.X-Rewrite-URL;
    unset req.http.X-Original-Host;
    unset req.http.X-Host;
    unset req.http.X-HTTP-Method-Override;
    unset req.http.X-HTTP-Method;
    unset req.http.X-Method-Override;
    if (client.ip ~ front_proxies) {
        # Varnish has appended the front proxy's address to its X-Forwarded-For; the
        # application reads it right to left through DJANGO_TRUSTED_PROXIES.
        if (req.http.X-Forwarded-Proto != "https") {
            set req.http.X-Forwarded-Proto = "http";
        }
    } else {
        # A reader straight from the network: their address is the connection's, the
        # scheme is plain HTTP (Varnish speaks no TLS), the request id is ours to give.
        set req.http.X-Forwarded-For = client.ip;
        set req.http.X-Forwarded-Proto = "http";
        unset req.http.X-Request-ID;
    }
}

sub vcl_hash {
    # One copy per scheme: absolute links (canonical, feeds, sitemap) name it. The
    # built-in vcl_hash adds the URL and the Host (which the application checks against
    # DJANGO_ALLOWED_HOSTS).
    hash_data(req.http.X-Forwarded-Proto);
}

sub vcl_backend_response {
    call reviewsite_esi_backend_response;
    if (beresp.status >= 500) {
        if (beresp.status == 503 && beresp.http.X-Unavailable == "database"
            && bereq.http.X-Shared && (bereq.is_bgfetch || !bereq.http.X-Stale-If-Error)) {
            # The application says its database is down (the probe may not know yet).
            # Abandoning keeps the copy we have (a background refetch included), and
            # vcl_synth's retry may serve it; a stored error would replace it.
            return (abandon);
        }
        # Any other error (a 500: a bug, or a request made to fail) is passed on as it
        # is, never answered from grace and never stored.
        call not_stored;
        return (deliver);
    }
    if (bereq.uncacheable) {
        return (deliver);  # a pass: the reader's own page
    }
    # Stored only when the application said it may be shared: public with an s-maxage
    # (or an immutable, content-hashed static or media file). No default TTL for anything else:
    # a redirect, a 404 it did not mark, an answer from a middleware.
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(?i)private|no-store|no-cache"
        || !(beresp.http.Cache-Control ~ "(?i)(^|[,\s])public([,\s]|$)")
        || !(beresp.http.Cache-Control ~ "(?i)s-maxage=[1-9]"
             || (bereq.url ~ "^/(static|media)/" && beresp.http.Cache-Control ~ "(?i)immutable"))) {
        call not_stored;
        return (deliver);
    }
    # Kept past s-maxage so it can be served while the application or its database is
    # down (the application's stale-if-error); vcl_recv limits it while healthy.
    set beresp.grace = 6h;
    # The id of the request that rendered it means nothing to the readers who get the
    # copy later (vcl_deliver).
    unset beresp.http.X-Request-ID;
    # Compress what is shared. Private pages (pass) are not compressed here: they may
    # hold a CSRF token, and compressing a secret beside reflected text is BREACH.
    if (beresp.http.Content-Type ~ "^(text/|application/(json|xml|rss\+xml|atom\+xml|javascript))") {
        set beresp.do_gzip = true;
    }
    return (deliver);
}

sub not_stored {
    set beresp.ttl = 0s;
    set beresp.grace = 0s;
    set beresp.keep = 0s;
    set beresp.uncacheable = true;
}

sub vcl_backend_error {
    if (bereq.http.X-Shared && (bereq.is_bgfetch || !bereq.http.X-Stale-If-Error)) {
        # The application could not be reached at all (refused, or no answer in
        # first_byte_timeout): as unavailable as it gets. vcl_synth retries from grace.
        return (abandon);
    }
}

sub vcl_synth {
    if (resp.status == 503 && req.http.X-Shared && req.restarts == 0) {
        # The fetch was abandoned (vcl_backend_response, vcl_backend_error): ask again,
        # allowing any stale copy; with none, the application is asked once more and
        # its own 503 page sent.
        set req.http.X-Stale-If-Error = "1";
        return (restart);
    }
}

sub vcl_deliver {
    call reviewsite_esi_deliver;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    call reader_headers;
}

# What a reader is sent: what their browser uses (the content's own headers, Cache-Control,
# ETag, the security headers: CSP, X-Frame-Options, Referrer-Policy...), plus Age and
# X-Cache, which say how the copy was served. What only the caches use goes no further:
# the surrogate keys (purges name them; a front proxy of ours, a CDN in acl front_proxies,
# still gets Surrogate-Key to purge by), Surrogate-Control (read in vcl_backend_response),
# which servers it passed through, and the application's signal for vcl_backend_response
# that its database is down (its 503 page says it to people).
sub reader_headers {
    unset resp.http.xkey;
    if (client.ip !~ front_proxies) {
        unset resp.http.Surrogate-Key;
    }
    unset resp.http.Surrogate-Control;
    unset resp.http.X-Unavailable;
    unset resp.http.X-Varnish;
    unset resp.http.Via;
    unset resp.http.Server;
}

# --- ESI: one shared review page, each reader's own parts included ---------------------
# A review page asked with the reader cookie (no session, no flash message, and a "mine"
# cookie, if any, that names only comments: readers.identity.remember_own_page) is served
# from a page returning readers share. Their cookie is kept aside for the page's
# <esi:include>d fragments (the poll, the comment form and, for a reader with "mine", their
# ratings, their held comments and each comment's actions), which are rendered for this
# reader or, when their cookies say they are the same as others'
# (reviewsite_shared_fragments), served from shared copies; the page itself is fetched
# without it. New readers get a copy of their own with every part inline, and readers
# with "mine" one with those parts included (X-Own-Actions, vcl_hash), which the others
# need not assemble. See docs/caching.md.

sub reviewsite_esi_recv {
    unset req.http.Surrogate-Capability;  # only this cache may claim it (vcl_recv)
    if (req.esi_level > 0) {
        if (req.http.X-Reader-Cookie) {
            set req.http.Cookie = req.http.X-Reader-Cookie;
        }
        call reviewsite_shared_fragments;
    } else if (req.restarts == 0) {
        unset req.http.X-Reader-Cookie;
        unset req.http.X-Own-Actions;
        if (req.method == "GET" && req.url ~ "^/reviews/[^/]+/(\?.*)?$"
            && req.http.Cookie ~ "(^|;\s*)reader="
            && req.http.Cookie !~ "(^|;\s*)(sessionid|messages)="
            && (req.http.Cookie !~ "(^|;\s*)mine="
                || req.http.Cookie ~ "(^|;\s*)mine=(\.([0-9]+|h|r))+\.(;|$)")) {
            if (req.http.Cookie ~ "(^|;\s*)mine=") {
                set req.http.X-Own-Actions = "1";  # asks the application for the includes
            }
            set req.http.X-Reader-Cookie = req.http.Cookie;
            unset req.http.Cookie;
        }
    }
}

# A returning reader's part that is the same as others' is served from the cache, chosen
# by the cookies that say so (settings.VOTED_COOKIE_NAME, NAMED_COOKIE_NAME): the poll of
# a reader whose "voted" cookie names their answer is the copy every reader who voted it
# shares (polls.views.voted_fragment); the comment form of a reader who never signed a
# comment ("named") nor rated here ("r" in "mine") is the blank one new readers get, and so
# are the ratings section without "r" and the held comments without "h"; and a comment's
# actions are the copy every reader shares unless "mine" names that comment. These cookies
# are only hints: the application counts and checks nothing from them, and a reader who
# edits one changes only what they see. Without them the part is the reader's own, asked
# of the application.
sub reviewsite_shared_fragments {
    if (req.url ~ "^/reviews/[^/?]+/poll/$" && req.http.Cookie ~ "(^|;\s*)voted=[0-9]{1,12}(;|$)") {
        set req.url = req.url + "voted/"
            + regsub(req.http.Cookie, "^(.*;\s*)?voted=([0-9]+).*$", "\2") + "/";
    } else if (req.url ~ "^/reviews/[^/?]+/comments/form/(\?.*)?$" && req.http.Cookie !~ "(^|;\s*)named="
            && req.http.Cookie !~ "(^|;\s*)mine=[.0-9hr]*\.r\.") {
        # the blank form, as new readers have it (one who rated has theirs: "r" in "mine")
    } else if (req.url ~ "^/reviews/[^/?]+/comments/held/$" && req.http.Cookie !~ "(^|;\s*)mine=[.0-9hr]*\.h\.") {
        # nothing of theirs waits for a moderator: the empty copy everyone shares
    } else if (req.url ~ "^/reviews/[^/?]+/ratings/(\?.*)?$" && req.http.Cookie !~ "(^|;\s*)mine=[.0-9hr]*\.r\.") {
        # no stars of theirs on the page: the ratings section as new readers have it
    } else if (req.url ~ "^/comments/[0-9]+/actions/") {
        # A comment's actions: the reader's own only for a comment their "mine" cookie
        # names (".101.102.", readers.identity.remember_own_page), else the shared copy.
        set req.http.X-Own = regsub(req.url, "^/comments/([0-9]+)/.*$", "\1") + " "
            + regsub(req.http.Cookie, "^(.*;\s*)?mine=([.0-9hrp]*).*$", "\2");
        if (req.http.Cookie ~ "(^|;\s*)mine=" && req.http.X-Own ~ "^([0-9]+) .*\.\1\.") {
            unset req.http.X-Own;
            return;
        }
        unset req.http.X-Own;
    } else {
        return;
    }
    unset req.http.Cookie;
    unset req.http.X-Reader-Cookie;
}

sub vcl_hash {
    # Returning readers share one copy with ESI includes, new readers another without
    # (their parts are the same for all of them, so assembling would only cost time).
    if (req.http.X-Reader-Cookie) {
        hash_data("esi");
    }
    if (req.http.X-Own-Actions) {
        hash_data("own");
    }
}

sub vcl_backend_fetch {
    unset bereq.http.X-Reader-Cookie;
}

sub reviewsite_esi_backend_response {
    if (beresp.http.Surrogate-Control ~ "ESI/1.0") {
        unset beresp.http.Surrogate-Control;
        set beresp.do_esi = true;
    }
}

sub reviewsite_esi_deliver {
    if (req.esi_level == 0 && req.http.X-Reader-Cookie) {
        # The shared page with this reader's own parts in it: theirs alone.
        set resp.http.Cache-Control = "private, no-store";
    }
}
