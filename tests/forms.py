"""Read rendered HTML the way a browser would: the forms it posts, the images it fetches."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = form_id is None
        self.data: dict[str, list[str]] = {}
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.form_id is not None:
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            self.data.setdefault(name, []).append(
                attrs.get("value", "on" if kind == "checkbox" else "")
            )
        elif tag == "select" and name:
            self._select = name
            self._first_option = None
            self._chosen = "multiple" in attrs  # a multiple select sends only what is chosen
            self.data.setdefault(name, [])
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = attrs.get("value", "")
            if "selected" in attrs:
                self.data[self._select].append(attrs.get("value", ""))
                self._chosen = True
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            # A single select with nothing marked selected sends its first option.
            if self._select and not self._chosen and self._first_option is not None:
                self.data[self._select].append(self._first_option)
            self._select = None
        elif tag == "textarea":
            if self._textarea:
                self.data[self._textarea][0] = self.data[self._textarea][0].removeprefix("\n")
            self._textarea = None
        elif tag == "form" and self.form_id is not None:
            self.inside = False


def form_data(html: str, form_id: str | None = None) -> dict:
    """Field name → value (or list of values) of the form, as a browser would submit it."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return {k: v[0] if len(v) == 1 else v for k, v in reader.data.items()}


def post_figure(client, review, file, **fields):
    """Post the review's admin change form with a photo in the first figure row.

    The row is the review's existing figure if it has one (so this replaces its photo),
    else a new lead figure; `fields` override any value, e.g. figures-0-DELETE.
    """
    url = f"/admin/reviews/review/{review.pk}/change/"
    data = form_data(client.get(url).content.decode(), form_id="review_form")
    data.update(
        {
            "figures-TOTAL_FORMS": "1",
            "figures-0-position": "0",
            "figures-0-order": "1",
            "figures-0-alt_text": "A test photo",
            **({"figures-0-image": file} if file is not None else {}),
            **fields,
        }
    )
    return client.post(url, data)


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))


def image_urls(html: str) -> set[str]:
    """Every URL in a page's <img src> and srcset attributes."""
    parser = _Images()
    parser.feed(html)
    urls = set()
    for image in parser.images:
        urls.add(image["src"])
        srcset = [part.strip() for part in image.get("srcset", "").split(",")]
        urls.update(part.split(" ")[0] for part in srcset if part)
    return urls


class _Element(HTMLParser):
    VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self, element_id):
        super().__init__(convert_charrefs=True)
        self.element_id = element_id
        self.attrs = None
        self.text = ""
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if self._depth:
            self._depth += tag not in self.VOID
        elif self.attrs is None and dict(attrs).get("id") == self.element_id:
            self.attrs = {name: value or "" for name, value in attrs}
            self._depth = 0 if tag in self.VOID else 1

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.text += data


def element(html: str, element_id: str) -> tuple[dict[str, str], str]:
    """The attributes and the text (whitespace collapsed) of the element with this id."""
    reader = _Element(element_id)
    reader.feed(html)
    assert reader.attrs is not None, f"no element with id {element_id!r}"
    return reader.attrs, " ".join(reader.text.split())
