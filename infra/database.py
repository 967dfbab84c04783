"""The errors that mean the database cannot be reached, as opposed to a bug in a query."""

from django.db import InterfaceError, OperationalError

#: Answered with the 503 "not saved" page; any other database error is a bug and a 500.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
