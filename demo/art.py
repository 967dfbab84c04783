"""Illustrations for the demo reviews, drawn with Pillow.

Flat, poster-like scenes (skies, skylines, silhouettes) so the demo looks like a
publication without shipping anyone's photographs. Seeded, so every run draws the same.
"""

import functools
import io
import itertools
import math
import random

from PIL import Image, ImageDraw, ImageFilter

W, H = 1600, 900


def _gradient(top: tuple, bottom: tuple, size=(W, H), stops=None) -> Image.Image:
    """A vertical gradient; stops is an optional list of (position 0–1, colour)."""
    stops = stops or [(0.0, top), (1.0, bottom)]
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(size[1]):
        t = y / (size[1] - 1)
        for (p0, c0), (p1, c1) in itertools.pairwise(stops):
            if p0 <= t <= p1:
                k = (t - p0) / (p1 - p0 or 1)
                colour = tuple(round(a + (b - a) * k) for a, b in zip(c0, c1, strict=True))
                draw.line([(0, y), (size[0], y)], fill=colour)
                break
    return image


def _glow(base: Image.Image, centre, radius, colour, strength=0.8) -> None:
    layer = Image.new("RGB", base.size, (0, 0, 0))
    mask = Image.new("L", base.size, 0)
    x, y = centre
    ImageDraw.Draw(mask).ellipse(
        [x - radius, y - radius, x + radius, y + radius], fill=int(255 * strength)
    )
    mask = mask.filter(ImageFilter.GaussianBlur(radius / 2.2))
    layer.paste(colour, (0, 0, *base.size))
    base.paste(layer, (0, 0), mask)


def _person(draw, x, base_y, scale, colour, *, seated=False, hair=True):
    """A simple standing or seated silhouette; x is the centre, base_y the feet/seat."""
    s = scale
    body_h = 150 * s if seated else 260 * s
    head_r = 26 * s
    shoulders = 62 * s
    top = base_y - body_h
    draw.rounded_rectangle(
        [x - shoulders, top + 2 * head_r, x + shoulders, base_y], radius=int(40 * s), fill=colour
    )
    draw.rectangle([x - 12 * s, top + head_r * 1.5, x + 12 * s, top + 2.4 * head_r], fill=colour)
    draw.ellipse([x - head_r, top, x + head_r, top + 2 * head_r], fill=colour)
    if hair:
        draw.ellipse(
            [x - head_r * 1.08, top - head_r * 0.1, x + head_r * 1.08, top + head_r * 1.1],
            fill=colour,
        )
        draw.rectangle(
            [x + head_r * 0.2, top + head_r * 0.6, x + head_r * 1.05, top + head_r * 2.6],
            fill=colour,
        )


def _skyline(draw, rng, horizon, colour, window_colours, *, count=34, min_h=60, max_h=330):
    x = -20
    while x < W + 20:
        width = rng.randint(40, 120)
        height = rng.randint(min_h, max_h)
        draw.rectangle([x, horizon - height, x + width, horizon], fill=colour)
        if rng.random() < 0.25:
            draw.rectangle(
                [x + width // 2 - 2, horizon - height - 40, x + width // 2 + 2, horizon - height],
                fill=colour,
            )
        for wy in range(horizon - height + 12, horizon - 10, 16):
            for wx in range(x + 8, x + width - 8, 14):
                if rng.random() < 0.33:
                    draw.rectangle([wx, wy, wx + 5, wy + 7], fill=rng.choice(window_colours))
        x += width + rng.randint(0, 8)


def _palm(draw, x, base_y, height, colour):
    trunk = [(x + math.sin(t / 10) * 14 * (t / 10), base_y - height * t / 10) for t in range(11)]
    draw.line(trunk, fill=colour, width=9)
    tx, ty = trunk[-1]
    for angle in range(0, 360, 40):
        rad = math.radians(angle)
        end = (tx + math.cos(rad) * 90, ty + math.sin(rad) * 36 + 20)
        mid = (tx + math.cos(rad) * 50, ty + math.sin(rad) * 14 - 12)
        draw.line([(tx, ty), mid, end], fill=colour, width=7, joint="curve")


def office() -> Image.Image:
    """A detective at her desk at night, the city in the window behind her."""
    rng = random.Random(7)
    image = _gradient((16, 34, 44), (9, 18, 24))
    draw = ImageDraw.Draw(image)
    window = (820, 90, 1520, 560)
    night = _gradient(
        (20, 28, 64), (92, 54, 88), size=(window[2] - window[0], window[3] - window[1])
    )
    nd = ImageDraw.Draw(night)
    _skyline(
        nd,
        rng,
        night.height,
        (14, 16, 30),
        [(255, 204, 120), (250, 232, 170), (160, 200, 255)],
        min_h=80,
        max_h=380,
    )
    image.paste(night, window[:2])
    for x in range(window[0], window[2] + 1, 175):
        draw.rectangle([x - 6, window[1], x + 6, window[3]], fill=(12, 24, 31))
    draw.rectangle([window[0] - 10, window[3], window[2] + 10, window[3] + 14], fill=(12, 24, 31))
    _glow(image, (520, 430), 330, (255, 196, 120), strength=0.35)
    draw = ImageDraw.Draw(image)
    _person(draw, 560, 700, 1.45, (10, 12, 16), seated=True)
    draw.polygon([(140, 700), (1460, 700), (1600, 900), (0, 900)], fill=(74, 46, 30))
    draw.rectangle([0, 700, W, 712], fill=(98, 63, 40))
    draw.polygon([(430, 690), (690, 680), (720, 740), (455, 752)], fill=(226, 196, 128))
    draw.line([(470, 708), (660, 700)], fill=(150, 120, 80), width=3)
    draw.line([(476, 724), (640, 717)], fill=(150, 120, 80), width=3)
    draw.polygon([(860, 470), (930, 470), (960, 530), (830, 530)], fill=(34, 60, 58))
    draw.rectangle([890, 530, 900, 690], fill=(34, 60, 58))
    draw.ellipse([850, 680, 940, 700], fill=(34, 60, 58))
    _glow(image, (895, 545), 90, (255, 226, 160), strength=0.55)
    draw = ImageDraw.Draw(image)
    draw.rectangle([1080, 640, 1230, 690], fill=(30, 30, 36))
    draw.rectangle([1100, 600, 1210, 640], fill=(48, 52, 60))
    return image


def skyline_pair() -> Image.Image:
    """Two women on a rooftop at dusk above downtown Los Angeles."""
    rng = random.Random(11)
    image = _gradient(
        None,
        None,
        stops=[
            (0, (38, 36, 84)),
            (0.45, (186, 86, 92)),
            (0.7, (246, 166, 98)),
            (1, (250, 206, 140)),
        ],
    )
    draw = ImageDraw.Draw(image)
    _glow(image, (1180, 610), 120, (255, 232, 170), strength=0.9)
    draw = ImageDraw.Draw(image)
    _skyline(draw, rng, 690, (58, 40, 70), [(255, 214, 140), (255, 240, 200)], min_h=90, max_h=360)
    _skyline(draw, rng, 720, (34, 24, 44), [(255, 206, 120)], min_h=40, max_h=200)
    for x in (90, 1470):
        _palm(draw, x, 740, 430, (24, 16, 28))
    draw.rectangle([0, 720, W, H], fill=(22, 16, 26))
    draw.rectangle([0, 716, W, 726], fill=(44, 32, 50))
    _person(draw, 640, 900, 1.55, (12, 8, 14))
    _person(draw, 860, 900, 1.45, (12, 8, 14), hair=False)
    return image


def beach() -> Image.Image:
    """A lone figure on the beach at sunset, a lifeguard tower behind."""
    image = _gradient(
        None,
        None,
        stops=[
            (0, (70, 94, 150)),
            (0.42, (236, 150, 120)),
            (0.55, (252, 204, 150)),
            (0.56, (64, 96, 136)),
            (1, (214, 186, 150)),
        ],
    )
    draw = ImageDraw.Draw(image)
    _glow(image, (980, 480), 110, (255, 236, 180), strength=1)
    draw = ImageDraw.Draw(image)
    for i, y in enumerate(range(512, 640, 12)):
        half = 120 - i * 8
        draw.line([(980 - half, y), (980 + half, y)], fill=(250, 214, 160), width=3)
    draw.polygon([(0, 640), (W, 600), (W, H), (0, H)], fill=(206, 170, 130))
    draw.polygon([(0, 640), (W, 600), (W, 612), (0, 655)], fill=(236, 226, 210))
    tower = (40, 34, 44)
    draw.rectangle([260, 430, 470, 520], fill=tower)
    draw.polygon([(240, 430), (490, 430), (440, 395), (290, 395)], fill=tower)
    for lx in (280, 450):
        draw.line([(lx, 520), (lx - 20, 700)], fill=tower, width=10)
    draw.line([(300, 520), (250, 700)], fill=tower, width=6)
    draw.line([(470, 560), (560, 700)], fill=tower, width=8)
    _person(draw, 1230, 760, 1.2, (30, 26, 34))
    draw.polygon([(1300, 560), (1330, 560), (1350, 760), (1322, 760)], fill=(30, 26, 34))
    return image


def lighthouse() -> Image.Image:
    image = _gradient(
        None, None, stops=[(0, (20, 30, 60)), (0.6, (66, 88, 124)), (1, (24, 36, 52))]
    )
    draw = ImageDraw.Draw(image)
    rng = random.Random(3)
    for _ in range(120):
        x, y = rng.randint(0, W), rng.randint(0, 420)
        r = rng.choice((1, 1, 2))
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(230, 236, 255))
    beam = Image.new("L", image.size, 0)
    ImageDraw.Draw(beam).polygon([(1050, 300), (W, 160), (W, 420)], fill=90)
    image.paste((255, 240, 190), (0, 0, W, H), beam.filter(ImageFilter.GaussianBlur(18)))
    draw = ImageDraw.Draw(image)
    draw.polygon([(600, 900), (760, 560), (1250, 520), (1500, 900)], fill=(18, 24, 30))
    draw.polygon([(1010, 560), (1090, 560), (1075, 300), (1025, 300)], fill=(232, 226, 214))
    for y in (360, 440, 510):
        draw.rectangle([1018, y, 1082, y + 24], fill=(168, 40, 36))
    draw.rectangle([1015, 270, 1085, 300], fill=(30, 30, 34))
    _glow(image, (1050, 290), 60, (255, 236, 170), strength=1)
    draw = ImageDraw.Draw(image)
    draw.polygon([(1010, 270), (1090, 270), (1050, 230)], fill=(30, 30, 34))
    draw.rectangle([0, 700, W, H], fill=(16, 30, 44))
    for y in range(712, H, 18):
        draw.line([(0, y), (W, y)], fill=(28, 48, 66), width=2)
    return image


def salt_flats() -> Image.Image:
    image = _gradient(
        None,
        None,
        stops=[
            (0, (118, 168, 214)),
            (0.5, (232, 220, 200)),
            (0.52, (240, 236, 228)),
            (1, (214, 206, 194)),
        ],
    )
    draw = ImageDraw.Draw(image)
    _glow(image, (300, 180), 80, (255, 252, 236), strength=1)
    draw = ImageDraw.Draw(image)
    draw.polygon(
        [
            (0, 468),
            (180, 360),
            (330, 430),
            (520, 330),
            (760, 450),
            (900, 400),
            (1120, 470),
            (1300, 380),
            (1600, 460),
            (1600, 470),
            (0, 470),
        ],
        fill=(132, 126, 150),
    )
    draw.polygon([(700, 900), (900, 900), (812, 470), (796, 470)], fill=(70, 66, 70))
    for y in range(500, 900, 70):
        k = (y - 470) / 430
        draw.line([(804, y), (804, y + 30 * k)], fill=(240, 220, 120), width=max(1, int(6 * k)))
    draw.rounded_rectangle([900, 640, 1180, 720], radius=18, fill=(158, 34, 30))
    draw.rounded_rectangle([960, 590, 1120, 650], radius=20, fill=(140, 30, 28))
    draw.rectangle([978, 600, 1100, 640], fill=(60, 80, 100))
    for cx in (955, 1120):
        draw.ellipse([cx - 34, 690, cx + 34, 758], fill=(24, 24, 28))
    return image


def radio_studio() -> Image.Image:
    image = _gradient((44, 26, 40), (18, 12, 20))
    draw = ImageDraw.Draw(image)
    _glow(image, (800, 300), 380, (220, 120, 90), strength=0.35)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([560, 250, 640, 420], radius=38, fill=(200, 196, 190))
    for y in range(270, 410, 14):
        draw.line([(572, y), (628, y)], fill=(150, 146, 140), width=3)
    draw.line([(600, 420), (600, 520)], fill=(60, 58, 56), width=10)
    draw.line([(600, 520), (360, 520)], fill=(60, 58, 56), width=10)
    draw.rectangle([980, 180, 1300, 320], fill=(150, 30, 30))
    draw.text((1040, 230), "ON AIR", fill=(255, 230, 220), font_size=64)
    _glow(image, (1140, 250), 200, (255, 80, 60), strength=0.25)
    draw = ImageDraw.Draw(image)
    _person(draw, 800, 740, 1.5, (8, 6, 10), seated=True)
    draw.rectangle([0, 740, W, H], fill=(40, 30, 34))
    for x in range(180, 1460, 36):
        draw.rounded_rectangle([x, 770, x + 22, 800], radius=4, fill=(70, 60, 64))
        draw.rectangle([x + 8, 776, x + 14, 790], fill=(220, 200, 120) if x % 3 else (90, 200, 150))
    return image


SCENES = {
    "office": office,
    "skyline_pair": skyline_pair,
    "beach": beach,
    "lighthouse": lighthouse,
    "salt_flats": salt_flats,
    "radio_studio": radio_studio,
}


@functools.cache  # seeded, so the same bytes every time: drawn once per process
def jpeg(scene: str) -> bytes:
    out = io.BytesIO()
    image = SCENES[scene]().filter(ImageFilter.SMOOTH)
    image.save(out, format="JPEG", quality=88, optimize=True, progressive=True)
    return out.getvalue()
