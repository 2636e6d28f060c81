"""tourbuilder: author interactive 360° virtual tours that are also e-learning modules."""

import os as _os

__version__ = "0.1.0"

# numpy's OpenBLAS starts a thread per core when numpy is imported, and each one spins for about
# 0.1 s of CPU before it sleeps. Nothing in tourbuilder does linear algebra; on a 2-core machine
# those spins took a core from the panorama pipeline's first decoding (bench/README.md). Set
# before anything imports numpy; a value already in the environment wins.
_os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
