"""Demo content: five published reviews, our own prose.

The Ballard review follows the reference page part by part; facts about the show (cast,
platform, premiere, photo credits) are public, the sentences are ours. Its second season's
review is invented outright (no dates or plot of a real season), so the Ballard series
page has two seasons. The other three review invented titles.
"""

import datetime as dt

BALLARD_SLUG = "ballard-season-1-review"
BALLARD_SEASON_2_SLUG = "ballard-season-2-review"

#: Series hubs: name → (slug, description).
SERIES = {
    "Ballard": (
        "ballard",
        "Maggie Q as Renée Ballard, the LAPD detective who runs a cold case unit out of a "
        "borrowed basement, in Prime Video’s spin-off from Bosch.",
    ),
}

CRITICS = {
    "dana.whitfield": ("Dana", "Whitfield"),
    "sam.okafor": ("Sam", "Okafor"),
}

REVIEWS = [
    {
        "slug": BALLARD_SLUG,
        "critic": "dana.whitfield",
        "headline": "‘Ballard’ Season 1 Review: A Sturdy Cold-Case Procedural Anchored by Maggie Q",
        "standfirst": "Prime Video’s Bosch spin-off won’t reinvent the genre, but its lead makes "
        "ten episodes of patient police work easy to keep watching.",
        "published_at": dt.datetime(2025, 7, 9, 15, 0, tzinfo=dt.UTC),
        "verdict": "A dependable, well-acted procedural that rarely surprises",
        "score": "7",
        "series": "Ballard",
        "work": {
            "work_title": "BALLARD",
            "work_kind": "season",
            "season_number": 1,
            "platform": "Prime Video",
            "premiere_date": dt.date(2025, 7, 9),
            "based_on": "Based on the Renée Ballard novels by Michael Connelly.",
            "genres": ["Crime", "Drama", "Mystery"],
        },
        "credits": [
            ("cast", "Maggie Q", "Renée Ballard"),
            ("cast", "Courtney Taylor", "Samira Parker"),
            ("cast", "Michael Mosley", "Ted Rawls"),
            ("cast", "Rebecca Field", "Colleen Hatteras"),
            ("cast", "Victoria Moroles", "Martina Castro"),
            ("cast", "John Carroll Lynch", "Thomas Laffont"),
            ("cast", "Titus Welliver", "Harry Bosch"),
            ("crew", "Michael Connelly", "Novels; executive producer"),
        ],
        "figures": [
            {
                "position": 0,
                "scene": "office",
                "alt": "Illustration: a woman in a dark business suit sits at a desk under a "
                "lamp, an open case file in front of her, city lights in the window behind.",
                "caption": "Maggie Q (Renée Ballard) in BALLARD.",
                "credit": "Tyler Golden/Prime Video",
            },
            {
                # The ensemble, between the unit's heading and its first paragraph.
                "position": 4,
                "paragraph": 0,
                "scene": "skyline_pair",
                "alt": "Illustration: two women stand on a rooftop at dusk, silhouetted "
                "against the downtown Los Angeles skyline and two palm trees.",
                "caption": "Rebecca Field (Colleen Hatteras), Victoria Moroles (Martina "
                "Castro) in BALLARD.",
                "credit": "Jessica Brooks/Prime Video",
            },
            {
                "position": 6,
                "scene": "beach",
                "alt": "Illustration: a lone figure holding a surfboard stands on a beach at "
                "sunset, a lifeguard tower on stilts behind her.",
                "caption": "Maggie Q (Renée Ballard) in BALLARD.",
                "credit": "Tyler Golden/Prime Video",
            },
        ],
        "sections": [
            (
                "",
                "*Ballard*, the newest screen outing from Michael Connelly’s crowded corner of "
                "Los Angeles, lands on Prime Video on July 9 with all ten episodes of its "
                "first season at once. Maggie Q plays Renée Ballard, an LAPD detective who "
                "has been nudged out of the homicide fast lane and into a cold case unit that "
                "the department would clearly rather forget.\n\n"
                "The unit runs on a borrowed basement, a handful of volunteers and Ballard’s "
                "refusal to let a file go back in its box. Anyone who spent seven seasons "
                "with *Bosch* will recognise the furniture: freeway overpasses at dusk, "
                "precinct politics, and a city that treats its victims as paperwork.\n\n"
                "What is new is the temperature. Where Harry Bosch smouldered, Ballard "
                "simmers, and the show is at its best when it trusts that quieter register.",
            ),
            (
                "A Procedural That Wears Its Genre Comfortably",
                "There is no pretence here of being anything but a police show. Each episode "
                "opens a file, follows a lead or two into a dead end, and closes on a small "
                "breakthrough that pulls you into the next one. It is a familiar rhythm, and "
                "the writers play it with confidence rather than embarrassment.\n\n"
                "The season-long thread, a buried case that reaches uncomfortably close to "
                "the department’s own ranks, gives the week-to-week investigations somewhere "
                "to go. It is not subtle, but it is well paced.",
            ),
            (
                "Maggie Q Carries the Weight",
                "Maggie Q has spent much of her career in action roles, and she brings that "
                "physical certainty to a character who mostly sits at desks and reads old "
                "reports. Her Ballard listens more than she talks, and when she does push "
                "back against a superior, the restraint makes it land.\n\n"
                "The scripts occasionally hand her speeches that spell out what her face has "
                "already told us. She is better than those lines, and the show is better "
                "when it leaves them out.",
            ),
            (
                "A Cold Case Unit Worth Rooting For",
                "The volunteers are where the season finds its warmth. Rebecca Field’s "
                "Colleen Hatteras, an amateur sleuth with a sixth sense she will not stop "
                "mentioning, could have been a running joke; instead she becomes the "
                "team’s conscience. Victoria Moroles gives Martina Castro a prickly "
                "intelligence that sharpens every scene she is in.\n\n"
                "- The banter in the basement is the best-written dialogue of the season.\n"
                "- The unit’s makeshift methods give the procedure a welcome scrappiness.\n"
                "- A recurring cameo from a familiar face will please longtime fans.",
            ),
            (
                "Twists That Mostly Earn Their Keep",
                "Connelly’s novels are built on reversals, and the adaptation keeps most of "
                "the good ones. Two mid-season turns genuinely reframe what came before. A "
                "late revelation, though, leans on a coincidence the show never quite "
                "sells, and the finale spends a little too long tidying up.\n\n"
                "> The best episodes treat a forgotten case as a debt the city owes, not a "
                "puzzle to be solved.",
            ),
            (
                "Los Angeles Does Its Part",
                "The production makes good use of the city’s in-between places: motel "
                "parking lots, strip-mall taquerias, the beach where Ballard goes to clear "
                "her head. It is a sun-bleached Los Angeles rather than a glamorous one, "
                "and it suits the material.",
            ),
            (
                "Worth a Watch, With Expectations Set to Medium",
                "*Ballard* is a solid, unflashy season of television that knows its "
                "audience. If you enjoyed *Bosch* or like your crime dramas methodical, "
                "it is an easy recommendation. If you need a procedural to surprise you, "
                "this one will mostly reassure you instead.",
            ),
            (
                "Tell Us What You Think",
                "Have you started *Ballard* yet? Vote in the poll below and tell us in the "
                "comments how it compares with *Bosch*: spoilers go behind the spoiler box, "
                "please.",
            ),
        ],
    },
    {
        "slug": BALLARD_SEASON_2_SLUG,
        "critic": "dana.whitfield",
        "headline": "‘Ballard’ Season 2 Review: The Cold Case Unit Finds Its Footing",
        "standfirst": "With the set-up out of the way, the second season lets its ensemble "
        "breathe, and the basement becomes the best room in Connelly’s Los Angeles.",
        "published_at": dt.datetime(2026, 7, 16, 15, 0, tzinfo=dt.UTC),
        "verdict": "A warmer, surer season that plays to the show’s strengths",
        "score": "7.5",
        "series": "Ballard",
        "work": {
            "work_title": "BALLARD",
            "work_kind": "season",
            "season_number": 2,
            "platform": "Prime Video",
            "premiere_date": dt.date(2026, 7, 10),
            "based_on": "Based on the Renée Ballard novels by Michael Connelly.",
            "genres": ["Crime", "Drama", "Mystery"],
        },
        "credits": [
            ("cast", "Maggie Q", "Renée Ballard"),
            ("cast", "Courtney Taylor", "Samira Parker"),
            ("cast", "Rebecca Field", "Colleen Hatteras"),
            ("cast", "Victoria Moroles", "Martina Castro"),
            ("crew", "Michael Connelly", "Novels; executive producer"),
        ],
        "figures": [
            {
                "position": 0,
                "scene": "skyline_pair",
                "alt": "Illustration: two women stand on a rooftop at dusk, silhouetted "
                "against the downtown Los Angeles skyline and two palm trees.",
                "caption": "The cold case unit on the roof in BALLARD.",
                "credit": "Demo illustration",
            }
        ],
        "sections": [
            (
                "",
                "The first season of *Ballard* spent much of its time explaining why a "
                "detective this good was working out of a basement. The second simply gets "
                "on with the work, and it is better for it.\n\n"
                "This is a demo review: the season and every sentence about it are invented "
                "for the site's sample content.",
            ),
            (
                "An Ensemble, Not a Sidekick Parade",
                "The volunteers were the surprise of the first season, and the writers "
                "have noticed. Each of them now carries a case of their own, and the show "
                "cuts between them with a confidence it did not have a year ago.",
            ),
            (
                "Still a Procedural, Happily",
                "Nothing here will convert anyone who found the first season too tidy. The "
                "files still open on a Monday and close by Friday; the pleasure is in how "
                "the unit gets there, and in Maggie Q's wry, watchful lead.",
            ),
        ],
    },
    {
        "slug": "salt-flats-review",
        "critic": "sam.okafor",
        "headline": "‘Salt Flats’ Review: A Desert Thriller That Runs Out of Road",
        "standfirst": "A striking first hour gives way to a chase that forgets why it started.",
        "published_at": dt.datetime(2025, 6, 27, 12, 0, tzinfo=dt.UTC),
        "verdict": "Gorgeous to look at, thin to think about",
        "score": "5.5",
        "work": {
            "work_title": "SALT FLATS",
            "work_kind": "film",
            "season_number": None,
            "platform": "In cinemas",
            "premiere_date": dt.date(2025, 6, 27),
            "based_on": "",
            "genres": ["Thriller"],
        },
        "credits": [
            ("cast", "Imani Cole", "June Harrow"),
            ("cast", "Peter Lindqvist", "Wade"),
            ("crew", "Ana Ruiz", "Director"),
        ],
        "figures": [
            {
                "position": 0,
                "scene": "salt_flats",
                "alt": "Illustration: a red car parked beside a straight road that crosses a "
                "white salt flat towards distant mountains under a pale sky.",
                "caption": "Imani Cole (June Harrow) in SALT FLATS.",
                "credit": "Studio handout",
            }
        ],
        "sections": [
            (
                "",
                "For its first hour, *Salt Flats* is a pleasure: a stranded driver, a "
                "stranger with a full tank, and a horizon that never gets any closer. The "
                "photography turns the white desert into a trap with no walls.",
            ),
            (
                "Where It Loses the Thread",
                "Once the chase begins, the film trades its dread for stunts, and the "
                "characters become whatever the next set piece needs. Imani Cole fights "
                "gamely to keep June human, but the script keeps moving the goalposts.",
            ),
        ],
    },
    {
        "slug": "the-quiet-hour-season-1-review",
        "critic": "dana.whitfield",
        "headline": "‘The Quiet Hour’ Season 1 Review: Late-Night Radio, Real Heart",
        "standfirst": "A small, warm drama about a failing radio station that earns every one "
        "of its tears.",
        "published_at": dt.datetime(2025, 6, 12, 9, 0, tzinfo=dt.UTC),
        "verdict": "The gentlest surprise of the summer",
        "score": "8.5",
        "work": {
            "work_title": "THE QUIET HOUR",
            "work_kind": "season",
            "season_number": 1,
            "platform": "Arcadia TV",
            "premiere_date": dt.date(2025, 6, 12),
            "based_on": "",
            "genres": ["Drama", "Comedy"],
        },
        "credits": [
            ("cast", "Nell Brannigan", "Frankie Dunn"),
            ("cast", "Omar Haddad", "Teo"),
        ],
        "figures": [
            {
                "position": 0,
                "scene": "radio_studio",
                "alt": "Illustration: a presenter sits at a mixing desk in a dim studio, a "
                "microphone on a stand beside her and a lit red ON AIR sign on the wall.",
                "caption": "Nell Brannigan (Frankie Dunn) in THE QUIET HOUR.",
                "credit": "Arcadia TV",
            }
        ],
        "sections": [
            (
                "",
                "Frankie Dunn hosts the last call-in show on a station nobody listens to, "
                "and *The Quiet Hour* finds a whole town in her switchboard.",
            ),
            (
                "Small Stakes, Big Feelings",
                "Each episode follows one caller, and the best of them (a widower "
                "rehearsing a first date, a teenager reading her poems on air) are as "
                "good as anything on television this year.",
            ),
        ],
    },
    {
        "slug": "harbour-light-season-2-review",
        "critic": "sam.okafor",
        "headline": "‘Harbour Light’ Season 2 Review: The Storm Finally Breaks",
        "standfirst": "The coastal mystery’s second season answers its big question and asks "
        "better ones.",
        "published_at": dt.datetime(2025, 5, 30, 18, 0, tzinfo=dt.UTC),
        "verdict": "A braver, darker season that pays off",
        "score": "7.5",
        "work": {
            "work_title": "HARBOUR LIGHT",
            "work_kind": "season",
            "season_number": 2,
            "platform": "Meridian+",
            "premiere_date": dt.date(2025, 5, 30),
            "based_on": "",
            "genres": ["Mystery", "Drama"],
        },
        "credits": [
            ("cast", "Ruth Calloway", "Isla Penrose"),
            ("cast", "Declan Moore", "Father Hale"),
        ],
        "figures": [
            {
                "position": 0,
                "scene": "lighthouse",
                "alt": "Illustration: a red and white lighthouse on a dark headland at night, "
                "its beam sweeping across a starry sky above the sea.",
                "caption": "The lighthouse at Penmorra in HARBOUR LIGHT.",
                "credit": "Meridian+",
            }
        ],
        "sections": [
            (
                "",
                "The first season of *Harbour Light* ended on a disappearance; the second "
                "opens with the sea giving something back.",
            ),
            (
                "Answers, at Last",
                "The writers resolve the central mystery by the fourth episode, then spend "
                "the rest of the season on what the truth does to the village. It is the "
                "braver choice, and the right one.",
            ),
        ],
    },
]


# --- Episodes and recaps ---------------------------------------------------------------
# Ballard's first season streamed all ten episodes on 9 July 2025. The episode titles,
# the recaps, their grades and the readers below are invented for the demo.

BALLARD_PREMIERE = dt.date(2025, 7, 9)

#: Series → season → episode titles in order (episode 1 first).
EPISODES = {
    "Ballard": {
        1: [
            "The Basement",
            "Volunteers",
            "Paper Trail",
            "Old Friends",
            "Inside Job",
            "Evidence Room",
            "Long Night",
            "Loose Ends",
            "Reopened",
            "Box Closed",
        ],
    },
}


def _recap(number: int, slug: str, day: int, **spec) -> dict:
    """A Ballard season 1 recap: what every one shares, and its own parts."""
    return {
        "slug": slug,
        "critic": "dana.whitfield",
        "published_at": dt.datetime(2025, 7, day, 12, 0, tzinfo=dt.UTC),
        "series": "Ballard",
        "episode": ("Ballard", 1, number),
        "work": {
            "work_title": "BALLARD",
            "work_kind": "season",
            "season_number": 1,
            "platform": "Prime Video",
            "premiere_date": BALLARD_PREMIERE,
            "based_on": "",
            "genres": ["Crime", "Drama"],
        },
        "credits": [],
        "figures": [],
        **spec,
    }


RECAPS = [
    _recap(
        1,
        "ballard-season-1-episode-1-recap",
        10,
        headline="‘Ballard’ Recap, Episode 1: A Unit Nobody Wanted",
        standfirst="The premiere sets up the basement, the volunteers and a case file that "
        "should have stayed shut, and spends its hour wisely.",
        verdict="A patient opener that earns the next hour",
        score="7",
        sections=[
            (
                "",
                "The first hour is mostly furniture moving: Ballard is handed the cold case "
                "unit as a polite exile, finds it in a basement with no working phone, and "
                "starts reading files out of spite as much as duty.\n\n"
                "The episode is at its best in the small scenes of the unit assembling itself, "
                "each volunteer arriving with a reason to be there they would rather not say "
                "out loud.",
            ),
            (
                "The file on the desk",
                "The closing minutes put one folder in front of Ballard that ties an old "
                "killing to someone still wearing a badge. It is a familiar hook, delivered "
                "without fuss, and it works.",
            ),
        ],
        comments=[
            ("Priya", "Slow start, but the basement scenes had real charm.", 4),
            ("Tomás", "I came for Maggie Q and stayed for the volunteers.", 5),
            ("Ruth", "Too much set-up for a first episode, in my view.", 3),
        ],
        ratings=[4, 4, 5, 3],
    ),
    _recap(
        2,
        "ballard-season-1-episode-2-recap",
        11,
        headline="‘Ballard’ Recap, Episode 2: Too Many Cooks in the Basement",
        standfirst="The second hour juggles three cases at once and drops one of them, but "
        "the unit starts to feel like a team.",
        verdict="Busy and uneven, with a strong final scene",
        score="6",
        sections=[
            (
                "",
                "Episode two tries to show how much the unit can do and ends up showing how "
                "little time an hour leaves. Two of the three cold cases get a clean arc; "
                "the third is parked so abruptly that it feels like a note from the edit.\n\n"
                "The volunteers get more to do, and the show finds a lighter touch with them "
                "than with the detectives upstairs.",
            ),
        ],
        comments=[
            ("Priya", "The third case just vanished. Did I miss something?", 3),
            ("Marcus", "Best ending of the three so far.", 4),
        ],
        ratings=[3, 3, 4],
    ),
    _recap(
        3,
        "ballard-season-1-episode-3-recap",
        12,
        headline="‘Ballard’ Recap, Episode 3: The Paper Trail Leads Upstairs",
        standfirst="The season’s long case finally moves, and the episode trusts its lead "
        "to carry a whole hour of reading, waiting and one phone call.",
        verdict="The season finds its rhythm",
        score="8",
        sections=[
            (
                "",
                "This is the hour where the season stops introducing itself. Ballard follows "
                "a chain of signatures through three decades of paperwork, and the show makes "
                "that genuinely tense by keeping the camera on her as she reads.\n\n"
                "A single phone call in the last act, played almost without dialogue, is the "
                "best scene of the season so far.",
            ),
        ],
        comments=[
            ("Tomás", "That phone call. No music, no speeches. Perfect.", 5),
            ("Ruth", "Now we are getting somewhere.", 4),
        ],
        ratings=[5, 4, 5, 4, 5],
    ),
]

#: Comments on the season 1 review tagged with the episode they discuss:
#: (name, body, episode). The shield folds them for readers not that far yet.
SEASON_COMMENTS = [
    ("Ines", "The second episode’s volunteers are the heart of this show.", 2),
    ("Marcus", "Episode eight’s reveal about the captain made me rewatch the pilot.", 8),
]
#: The pages a publication keeps (frontpage.Page), by kind: (title, Markdown body).
#: load_demo creates a missing one and leaves an existing one as an editor left it.
PAGES = {
    "about": (
        "About us",
        "We review new TV seasons and films: one critic, one considered verdict, a score "
        "out of 10, and room for readers to disagree.\n\n"
        "Our critics watch every episode they review. Nobody pays for a review, and "
        "streaming services never see one before it is published.",
    ),
    "contact": (
        "Contact",
        "Spotted a mistake, or want to tell us what to review next? Write to "
        "[editors@example.com](mailto:editors@example.com).\n\n"
        "For a problem with a comment, use the comment's *Report* link: it reaches the "
        "moderators fastest.",
    ),
    "privacy": (
        "Privacy",
        "We keep as little as we can.\n\n"
        "- Reading needs no account and sets no cookie.\n"
        "- Voting in a poll sets one cookie, so that each browser votes once.\n"
        "- A comment keeps the name you give and what you wrote; for moderation, the "
        "internet address and browser it came from, erased after 30 days; and the e-mail "
        "address you give, never shown, to tell you about replies if you ask or to reach "
        "you about your comment.\n"
        "- Following by e-mail keeps your address and what you follow, from the moment you "
        "confirm it until you unsubscribe (a link at the foot of every message).\n\n"
        "No advertising or tracking scripts run on this site.",
    ),
    "community-guidelines": (
        "Community guidelines",
        "Comments are for talking about the show or the film, and about the review.\n\n"
        "- Disagree with the argument, not the person.\n"
        "- Mark spoilers for anything not yet released.\n"
        "- No abuse, harassment, hate or personal details of others.\n"
        "- No advertising; comments with several links wait for a moderator.\n\n"
        "Moderators remove comments that break these rules, and may stop an address from "
        "commenting.",
    ),
    "corrections": (
        "Corrections",
        "When we get a fact wrong, a name, a date, a credit, we correct the review and "
        "say so at its end, with the date of the correction.\n\n"
        "A change of opinion is not a correction: the score stays as published. Tell us "
        "about an error at [editors@example.com](mailto:editors@example.com).",
    ),
}
