"""What the apps share about the services around them: the HTTP cache's headers and purges
(httpcache), media storage errors (media) and the database-unavailable errors (database).

Imports Django and libraries, nothing of the site's apps or project
(tests/site/test_architecture.py).
"""
