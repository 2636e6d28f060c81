"""GPano XMP (Google's photo sphere metadata): projection, pose and the cropped area of a partial panorama."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

GPANO = "http://ns.google.com/photos/1.0/panorama/"
_PACKET = re.compile(rb"<x:xmpmeta.*?</x:xmpmeta>", re.S)


@dataclass(frozen=True)
class GPano:
    projection: str | None = None
    heading: float | None = None
    pitch: float | None = None
    roll: float | None = None
    full_width: int | None = None
    full_height: int | None = None
    cropped_width: int | None = None
    cropped_height: int | None = None
    cropped_left: int | None = None
    cropped_top: int | None = None

    @property
    def is_partial(self) -> bool:
        return (self.full_width is not None and self.cropped_width is not None
                and (self.cropped_width, self.cropped_height) != (self.full_width, self.full_height))


FIELDS = {
    "ProjectionType": ("projection", str),
    "PoseHeadingDegrees": ("heading", float),
    "PosePitchDegrees": ("pitch", float),
    "PoseRollDegrees": ("roll", float),
    "FullPanoWidthPixels": ("full_width", int),
    "FullPanoHeightPixels": ("full_height", int),
    "CroppedAreaImageWidthPixels": ("cropped_width", int),
    "CroppedAreaImageHeightPixels": ("cropped_height", int),
    "CroppedAreaLeftPixels": ("cropped_left", int),
    "CroppedAreaTopPixels": ("cropped_top", int),
}


def read_gpano(xmp: bytes | str | None) -> GPano:
    """Parse the GPano fields of an XMP packet; fields may be attributes or elements."""
    if not xmp:
        return GPano()
    data = xmp.encode("utf-8") if isinstance(xmp, str) else xmp
    match = _PACKET.search(data)
    if match is None:
        return GPano()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(match.group(0), parser)
    except etree.XMLSyntaxError:
        return GPano()
    values: dict = {}
    for element in root.iter():
        for name, value in element.attrib.items():
            _take(values, name, value)
        if isinstance(element.tag, str):
            _take(values, element.tag, element.text)
    return GPano(**values)


def _take(values: dict, qualified: str, raw: str | None) -> None:
    if raw is None or not qualified.startswith("{" + GPANO + "}"):
        return
    local = qualified.split("}", 1)[1]
    if local not in FIELDS:
        return
    field, kind = FIELDS[local]
    try:
        values[field] = kind(float(raw)) if kind is int else kind(raw.strip())
    except ValueError:
        pass  # a malformed field is ignored like an absent one
