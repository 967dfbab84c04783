"""gunicorn's settings for reviewsite, read from the working directory (gunicorn's default:
`make serve`, the tests' servers and the systemd unit in deploy/systemd all start it in
the repository's folder); command-line options add to them.

gunicorn believes no proxy header. Its defaults would take the scheme from
X-Forwarded-Proto, X-Forwarded-Ssl or X-Forwarded-Protocol, and a script prefix or path
from SCRIPT_NAME / PATH_INFO headers, from any client of a proxy on this machine: one
request could then change what a shared cache stores for everyone. The scheme is the
application's to decide (Django's SECURE_PROXY_SSL_HEADER, only with
DJANGO_SECURE_PROXY_SSL_HEADER=1, only X-Forwarded-Proto, which Varnish sets itself), the
client's address too (DJANGO_TRUSTED_PROXIES, readers/clientip.py), and the site is
served at the root of its origin.
"""

# Only a proxy on this machine (Varnish) is a front end at all; it is still not believed
# about the scheme or the script prefix (the two settings below are empty).
forwarded_allow_ips = "127.0.0.1,::1"
proxy_allow_ips = "127.0.0.1,::1"
secure_scheme_headers: dict[str, str] = {}
forwarder_headers = ""
# Headers whose names hold an underscore (SCRIPT_NAME) are dropped, never mapped.
header_map = "drop"

# Longer than the HTTP cache keeps an idle connection to us (Varnish's
# backend_idle_timeout, 1 s in scripts/serve.py and deploy/): the cache always closes
# first, so it never sends a request (a POST it cannot retry) on a connection gunicorn
# has just closed.
keepalive = 5
