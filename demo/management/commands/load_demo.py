from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction

from comments.models import Comment
from demo import art, content
from frontpage.models import Page
from infra import freshness
from reviews.models import Credit, Episode, Figure, Genre, Platform, Review, Section, Series
from reviews.revisions import review_save_revision


class Command(BaseCommand):
    help = "Create the demo reviews (idempotent: existing demo reviews are left as they are)."

    def handle(self, *args, **options):
        created = 0
        for spec in content.REVIEWS:
            existing = Review.objects.filter(slug=spec["slug"]).first()
            if existing is not None:
                self.join_series(existing, spec)
                continue
            with transaction.atomic():
                self.create_review(spec)
            created += 1
        created += self.load_episodes()
        total = len(content.REVIEWS) + len(content.RECAPS)
        if created:
            self.stdout.write(self.style.SUCCESS(f"Created {created} of {total} demo reviews."))
        else:
            self.stdout.write(f"All {total} demo reviews already exist; nothing to do.")
        self.create_pages()

    def create_pages(self) -> None:
        """The footer's pages, each created once; an editor's text is never replaced."""
        made = 0
        for kind, (title, body) in content.PAGES.items():
            _, new = Page.objects.get_or_create(kind=kind, defaults={"title": title, "body": body})
            made += new
        if made:
            self.stdout.write(self.style.SUCCESS(f"Created {made} of the footer's pages."))

    def series(self, spec: dict) -> Series | None:
        if not spec.get("series"):
            return None
        slug, description = content.SERIES[spec["series"]]
        return Series.objects.get_or_create(
            name=spec["series"], defaults={"slug": slug, "description": description}
        )[0]

    def join_series(self, review: Review, spec: dict) -> None:
        """A demo review loaded before series existed joins its show; nothing else of an
        existing review is touched, and a series an editor set is kept."""
        if review.series_id is None and spec.get("series"):
            review.series = self.series(spec)
            review.save(update_fields=["series", "updated_at"])
            freshness.review_changed(review)

    def create_review(self, spec: dict) -> Review:
        User = get_user_model()
        username = spec["critic"]
        first, last = content.CRITICS[username]
        critic, made = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if made:
            critic.set_unusable_password()
            critic.save(update_fields=["password"])
        work = dict(spec["work"])
        genres = [Genre.objects.get_or_create(name=name)[0] for name in work.pop("genres")]
        platform = Platform.objects.get_or_create(name=work.pop("platform"))[0]
        review = Review.objects.create(
            slug=spec["slug"],
            headline=spec["headline"],
            standfirst=spec["standfirst"],
            author=critic,
            status=Review.Status.PUBLISHED,
            published_at=spec["published_at"],
            verdict=spec["verdict"],
            score=spec["score"],
            platform=platform,
            series=self.series(spec),
            episode=self.episode(spec),
            **work,
        )
        review.genres.set(genres)
        for order, (heading, body) in enumerate(spec["sections"], start=1):
            Section.objects.create(review=review, order=order, heading=heading, body=body)
        for order, (kind, person, role) in enumerate(spec["credits"], start=1):
            Credit.objects.create(review=review, order=order, kind=kind, person=person, role=role)
        for order, figure in enumerate(spec["figures"], start=1):
            Figure.objects.create(
                review=review,
                position=figure["position"],
                paragraph=figure.get("paragraph"),
                order=order,
                image=ContentFile(art.jpeg(figure["scene"]), name=f"{figure['scene']}.jpg"),
                alt_text=figure["alt"],
                caption=figure["caption"],
                credit=figure["credit"],
            )
        review.refresh_search_document()
        freshness.review_changed(review)
        # A first revision, so the history, compare and restore have a starting point.
        review_save_revision(review=review, by=None, comment="Loaded with the demo content.")
        return review

    def episode(self, spec: dict) -> Episode | None:
        if not spec.get("episode"):
            return None
        name, season, number = spec["episode"]
        return Episode.objects.get(series__name=name, season_number=season, number=number)

    def load_episodes(self) -> int:
        """The demo shows' episodes, three Ballard recaps with readers' comments and
        ratings, and tagged comments on the season review; each made once (returns how
        many recaps were created)."""
        for name, seasons in content.EPISODES.items():
            series = Series.objects.get(name=name)
            for season, titles in seasons.items():
                for number, title in enumerate(titles, start=1):
                    Episode.objects.get_or_create(
                        series=series,
                        season_number=season,
                        number=number,
                        defaults={"title": title, "first_aired": content.BALLARD_PREMIERE},
                    )
        created = 0
        for spec in content.RECAPS:
            if Review.objects.filter(slug=spec["slug"]).exists():
                continue
            with transaction.atomic():
                recap = self.create_review(spec)
                self.add_readers(recap, spec)
            created += 1
        season = Review.objects.filter(slug=content.BALLARD_SLUG).first()
        if season is not None:
            for n, (name, body, episode) in enumerate(content.SEASON_COMMENTS):
                Comment.objects.get_or_create(
                    review=season,
                    reader=f"demo:season-{n}",
                    defaults={"name": name, "body": body, "episode_number": episode},
                )
        return created

    def add_readers(self, recap: Review, spec: dict) -> None:
        """Readers' comments with stars, and ratings alone (comments with no words)."""
        for n, (name, body, stars) in enumerate(spec["comments"]):
            Comment.objects.create(
                review=recap, name=name, body=body, rating=stars, reader=f"demo:{recap.pk}-c{n}"
            )
        for n, stars in enumerate(spec["ratings"]):
            Comment.objects.create(
                review=recap, name="", body="", rating=stars, reader=f"demo:{recap.pk}-r{n}"
            )
