"""Run one command and report its wall time and rusage: ``python _spawn.py REPORT.json CMD...``.

Why a separate process: Linux copies a parent's peak RSS (hiwater mark) into a forked child and
keeps it in the child's ru_maxrss across exec, so a child started by a parent that once held
2.6 GB (the PSNR reference) would report at least 2.6 GB. This launcher is exec'd fresh, stays
small, and starts the measured command itself; os.wait4 then gives that command's own peak RSS
(the largest of it and the children it waited for, e.g. nona under generate.py).
"""

import json
import os
import subprocess
import sys
import time


def main() -> int:
    report, cmd = sys.argv[1], sys.argv[2:]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    with open(report, "w") as f:
        json.dump({"wall_s": wall, "maxrss_kib": usage.ru_maxrss, "user_s": usage.ru_utime,
                   "sys_s": usage.ru_stime, "minflt": usage.ru_minflt, "majflt": usage.ru_majflt, "exit": code}, f)
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
