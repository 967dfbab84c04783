"""The staff roles and exactly which permissions each holds.

Kept in one table and re-applied after every migrate, so a role never silently gains or
loses a right when a model is added; tests read the same table.
"""

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS

EDITORS = "Editors"
MODERATORS = "Moderators"
WRITERS = "Writers"

#: group → (app_label, codename) pairs; "*" means every permission of that app.
ROLE_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    EDITORS: [
        ("reviews", "*"),
        ("polls", "*"),
        ("comments", "pin_comment"),
        # Decide whether a review is e-mailed to followers, and see who follows what;
        # exporting followers (follows.export_follower) is given to people, not the role.
        ("follows", "add_mailing"),
        ("follows", "change_mailing"),
        ("follows", "view_mailing"),
        ("follows", "view_follower"),
        ("follows", "view_follow"),
        ("frontpage", "*"),
    ],
    # Draft, illustrate and submit their own reviews (ReviewAdmin keeps them to their own
    # drafts); never publish (reviews.publish_review), delete a review, or read the log.
    WRITERS: [
        ("reviews", "add_review"),
        ("reviews", "change_review"),
        ("reviews", "view_review"),
        *(
            ("reviews", f"{verb}_{model}")
            for model in ("section", "figure", "credit")
            for verb in ("add", "change", "delete", "view")
        ),
        ("reviews", "view_genre"),
        ("reviews", "view_platform"),
        ("reviews", "view_episode"),  # to pick the episode a recap is about
        ("polls", "add_poll"),
        ("polls", "change_poll"),
        ("polls", "view_poll"),
    ],
    # Read comments (and their earlier versions), act on them (remove, restore, approve),
    # read reports and the log:
    # never add, change or delete a comment, and nothing outside comments.
    MODERATORS: [
        ("comments", "view_comment"),
        ("comments", "moderate_comment"),
        ("comments", "view_report"),
        ("comments", "view_moderationaction"),
        ("comments", "view_commentversion"),
        ("comments", "view_ban"),
        ("comments", "view_notice"),
        ("comments", "pin_comment"),
    ],
}


def _last_app_with_models():
    return [config for config in global_apps.get_app_configs() if config.models_module][-1]


def sync_roles(sender=None, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs) -> None:
    """Create the groups and give each exactly its permissions (post_migrate).

    post_migrate is sent once per app with models: the roles are set at the last one's
    turn, once every app's permissions exist (not again for each app: a flush between
    transactional tests sends it too).
    """
    if sender is not None and sender is not _last_app_with_models():
        return
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:
        return
    for name, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        wanted = []
        for app_label, codename in grants:
            perms = Permission.objects.using(using).filter(content_type__app_label=app_label)
            if codename != "*":
                perms = perms.filter(codename=codename)
            wanted.extend(perms)
        group.permissions.set(wanted)
