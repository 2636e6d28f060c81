"""The panorama pipeline: any equirectangular photo in, a tiled cube pyramid out (see README.md)."""

from .geometry import FACES, face_directions, equirect_coords, level_sizes, top_face_size
from .ingest import MAX_WIDTH, MIN_WIDTH, PanoramaError, read_photo
from .pipeline import PanoramaCache, PanoramaResult, PanoramaSettings, process
from .xmp import GPano, read_gpano

__all__ = [
    "FACES", "GPano", "MAX_WIDTH", "MIN_WIDTH", "PanoramaCache", "PanoramaError", "PanoramaResult",
    "PanoramaSettings", "equirect_coords", "face_directions", "level_sizes", "process", "read_gpano",
    "read_photo", "top_face_size",
]
