"""A photo of a business card read as lines of text: RapidOCR with the PP-OCRv4 Chinese models that
its package carries, on the CPU, offline. It is the optional extra `salescli[card]`, imported on the
first card read (never at start-up) and loaded once per process.

Only the photo is checked here (its size, that it is an image) and the OCR's boxes straightened;
what the text means is `card.parse`'s.
"""

from __future__ import annotations

import io
import math
import re
import statistics
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from salescli.card import Line
from salescli.errors import InvalidValue
from salescli.i18n import _

if TYPE_CHECKING:
    from PIL.Image import Image

MOST_MEGABYTES = 20  # a phone's photo is 2–8 MB
MOST_PIXELS = 50_000_000  # more is no photo of a card, and decoding it would take the memory of a large one
WORKING_SIDE = 1024  # the longest side the OCR reads at: a card filling the photo keeps its text 15+ pixels high; quick
INSTALL = "`pip install 'salescli[card]'`"


def available() -> bool:
    """Whether the OCR is installed (without loading it)."""
    from importlib.util import find_spec

    return find_spec("rapidocr_onnxruntime") is not None and find_spec("PIL") is not None


def read_lines(data: bytes, name: str) -> list[Line]:
    """The text on the photo in `data` (`name`: how the user knows it, for messages), each piece with
    its confidence and its box on the straightened card. InvalidValue for what is not a usable photo."""
    whole = photo(data, name, working=False)
    image = _working(whole)
    import numpy

    pixels = numpy.asarray(image.convert("RGB"))[:, :, ::-1]  # (RapidOCR reads OpenCV's BGR)
    engine = _engine()
    found, _elapsed = engine(pixels)
    return _straightened(_emails_reread(engine, whole, whole.width / image.width, found or []))


EMAIL_STRETCH = 1.6


def _emails_reread(engine: Any, whole: "Image", scale: float, found: list[Any]) -> list[Any]:
    """Lines with an @ or an e-mail label read again from the photo at its full size, drawn 1.6
    times as wide: small dots are lost at the working size, and the recogniser merges doubled narrow
    letters (hjjl.com read hjl.com, mail read mai1) when they are close; wider, it tells them apart.
    On 24 generated cards the stretching alone took the e-mails read exactly from 10 to 17, and lost none."""
    import cv2
    import numpy

    chosen = [index for index, (_points, text, _score) in enumerate(found)
              if "@" in text or re.search(r"(?i)mai[l1I]|邮箱|邮件", text)]
    if not chosen:
        return found
    pixels = numpy.asarray(whole.convert("RGB"))[:, :, ::-1]
    try:
        crops = engine.get_crop_img_list(pixels, [numpy.array(found[index][0], dtype=numpy.float32) * scale
                                                  for index in chosen])
        readings = [engine.text_rec([cv2.resize(crop, None, fx=stretch, fy=1.0) for crop in crops])[0]
                    for stretch in EMAIL_STRETCHES]
    except (AttributeError, TypeError, ValueError):  # another RapidOCR: the first reading stands
        return found
    found = list(found)
    for at, index in enumerate(chosen):
        text, score = readings[0][at]
        for other, _score in (reading[at] for reading in readings[1:]):
            if _doubled(other, text):  # wider still, a doubled letter came apart: the recogniser merges, never splits
                text = other
        if "@" in text:
            found[index] = [found[index][0], text, score]
    return found


EMAIL_STRETCHES = (EMAIL_STRETCH, 2.4)


def _doubled(longer: str, shorter: str) -> bool:
    """Whether `longer` is `shorter` with one letter written twice (hjjl for hjl)."""
    if len(longer) != len(shorter) + 1:
        return False
    at = next((at for at, (one, two) in enumerate(zip(longer, shorter)) if one != two), len(shorter))
    return longer[:at] + longer[at + 1:] == shorter and at > 0 and longer[at] == longer[at - 1] and longer[at].isalpha()


def photo(data: bytes, name: str, *, working: bool = True) -> "Image":
    """The photo as an image, turned as the camera held it (and, `working`, at most WORKING_SIDE
    pixels long)."""
    if not data:
        raise InvalidValue(_("{file} is empty: take the photo again").format(file=name))
    if len(data) > MOST_MEGABYTES * 1024 * 1024:
        raise InvalidValue(_("{file} is {size:.0f} MB; a card's photo can be at most {most} MB (take it again at a "
                             "lower resolution)").format(file=name, size=len(data) / 1024 / 1024, most=MOST_MEGABYTES))
    try:
        from PIL import Image, ImageOps
    except ImportError:
        raise InvalidValue(missing()) from None
    too_large = InvalidValue(_("{file} has more than {most} million pixels: too large for a card's photo").format(
        file=name, most=MOST_PIXELS // 1_000_000))
    try:
        image = Image.open(io.BytesIO(data))  # (the header alone: the size is known before the pixels are decoded)
        if image.width * image.height > MOST_PIXELS:
            raise too_large
        image.load()
    except InvalidValue:
        raise
    except Image.DecompressionBombError:
        raise too_large from None
    except Exception:  # Pillow says it in many ways (UnidentifiedImageError, OSError, SyntaxError …)
        raise InvalidValue(_("{file} is not an image salescli can read (a JPEG, PNG, WebP or similar photo of the "
                             "card)").format(file=name)) from None
    turned: Image.Image = ImageOps.exif_transpose(image) or image
    return _working(turned) if working else turned


def _working(image: "Image") -> "Image":
    """The image at most WORKING_SIDE pixels long (a copy when it is longer)."""
    if max(image.size) <= WORKING_SIDE:
        return image
    smaller = image.copy()
    smaller.thumbnail((WORKING_SIDE, WORKING_SIDE))
    return smaller


def missing() -> str:
    return _("reading a business card needs the OCR, which is not installed: {install} (Python 3.10–3.12)").format(
        install=INSTALL)


@lru_cache(maxsize=1)
def _engine() -> Any:
    """The OCR, loaded once (about a second: its models are read from its package)."""
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError:
        raise InvalidValue(missing()) from None
    # One thread: onnxruntime's pool of two spins while it waits, and on a machine that runs anything
    # else a card took 1.9 s of CPU and 3.0 s of wall time with it, 1.1 s and 2.2 s without (8 cards).
    return RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)


def _straightened(found: list[Any]) -> list[Line]:
    """The OCR's results as Lines whose boxes are turned back by the card's tilt (the median slope
    of the wide boxes), so that a row of a card photographed at an angle stays one row."""
    slopes = [math.atan2(points[1][1] - points[0][1], points[1][0] - points[0][0])
              for points, _text, _score in found if _width(points) > 2 * _height(points)]
    angle = statistics.median(slopes) if slopes else 0.0
    cos, sin = math.cos(-angle), math.sin(-angle)
    lines = []
    for points, text, score in found:
        turned = [(x * cos - y * sin, x * sin + y * cos) for x, y in points]
        xs, ys = [x for x, _y in turned], [y for _x, y in turned]
        lines.append(Line(str(text), float(score), (min(xs), min(ys), max(xs), max(ys))))
    return lines


def _width(points: Any) -> float:
    return float(math.dist(points[0], points[1]))


def _height(points: Any) -> float:
    return float(math.dist(points[0], points[3]))
