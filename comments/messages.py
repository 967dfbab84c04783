"""Messages about comments are shown by the comment section, next to the form, or inside
the comment they are about (templates/includes/messages.html leaves them out)."""

#: The extra tag that places a message in the comment section.
MESSAGE_TAG = "comments"
#: With MESSAGE_TAG, "comment-<id>" places it inside that comment.
ABOUT = "comment-"


def tags_for(comment=None) -> str:
    """The extra tags of a message for the comment section, inside `comment` if given."""
    return MESSAGE_TAG if comment is None else f"{MESSAGE_TAG} {ABOUT}{comment.pk}"


def in_comments(message) -> bool:
    return MESSAGE_TAG in message.extra_tags.split()


def placed(messages) -> tuple[list, dict[str, list]]:
    """The comment section's messages: those beside the form, and {comment id: those
    inside that comment}."""
    notices, comment_notices = [], {}
    for message in messages:
        if not in_comments(message):
            continue
        about = [t.removeprefix(ABOUT) for t in message.extra_tags.split() if t.startswith(ABOUT)]
        if about:
            comment_notices.setdefault(about[0], []).append(message)
        else:
            notices.append(message)
    return notices, comment_notices
