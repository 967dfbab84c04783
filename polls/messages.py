"""Messages about the poll are shown inside it, next to what they are about, instead of
at the top of the page (templates/includes/messages.html leaves them out)."""

#: The extra tag that places a message in the poll.
IN_POLL = "poll"


def in_poll(message) -> bool:
    return IN_POLL in message.extra_tags.split()
