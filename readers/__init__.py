"""Reader plumbing shared by polls and comments: who a reader is (a cookie or an account),
their address behind trusted proxies, rate limits, and the same-origin guard on their forms.

Imports Django and nothing of the site's apps or project (tests/site/test_architecture.py).
"""
