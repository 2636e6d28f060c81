"""The real operations, run in a child process that tests/test_kill_during_write.py kills.

    python tests/kill_child.py media DATA FILE        store FILE in DATA's media (add_stream)
    python tests/kill_child.py panorama ROOT PHOTO    the panorama pipeline into the cache at ROOT
    python tests/kill_child.py save DATA TOUR         save TOUR again and again; print each revision
                                                      number once it is committed

No pause points or hooks: the test kills at moments it observes from outside.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> None:
    what = argv[0]
    if what == "media":
        from tourbuilder.store.media import MediaStore

        digest, _ = MediaStore(Path(argv[1]) / "media").add_file(argv[2])
        print(digest, flush=True)
    elif what == "panorama":
        from tourbuilder.files import sha256_file
        from tourbuilder.panorama.pipeline import PanoramaCache

        result = PanoramaCache(argv[1]).get(argv[2], sha256_file(argv[2]))
        print(result.folder, flush=True)
    elif what == "save":
        from tourbuilder.store import Store

        data, tour_id = Path(argv[1]), argv[2]
        store = Store(f"sqlite:///{data / 'tourbuilder.sqlite3'}", data / "media")
        number = 0
        while True:
            number += 1
            tour = store.get_tour(tour_id)
            tour.title["en"] = f"saved by the child, {number}"
            revision = store.save_tour(tour, author="child", message=f"child save {number}")
            print(revision, number, flush=True)
    else:
        raise SystemExit(f"unknown operation {what}")


if __name__ == "__main__":
    main(sys.argv[1:])
