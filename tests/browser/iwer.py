"""Meta's Immersive Web Emulation Runtime (npm `iwer`, a devDependency of web/), bundled for a
test page: an emulated Meta Quest 3 on `navigator.xr` that the test drives by script.

The bundle is built in the test session with web/'s esbuild into a temporary folder and injected
with `page.add_init_script`, so the page under test is the shipped one; it is never committed.
`window.iwer` is the emulated device: `iwer.remote.dispatch('look_at', {device, target})`,
`dispatch('select', {device})`, `dispatch('end_session')` (see ../shared/notes/browser-testing.md).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

WEB = REPO / "web"
ENTRY = """
import { XRDevice, metaQuest3 } from "iwer";
const device = new XRDevice(metaQuest3, { stereoEnabled: true });
// Chromium on Linux has a native navigator.xr without a device: the emulation must replace it.
device.installRuntime({ forceInstall: true });
window.iwer = device;
"""


def build_iwer(folder: Path) -> Path:
    """Bundle iwer (an iife that installs the emulated headset) into `folder`; its path."""
    esbuild = WEB / "node_modules" / ".bin" / "esbuild"
    if not esbuild.exists() or not (WEB / "node_modules" / "iwer").is_dir():
        pytest.fail("web/node_modules lacks esbuild or iwer: run `npm ci` in web/ (make setup does)")
    out = folder / "iwer.js"
    subprocess.run(
        [str(esbuild), "--bundle", "--format=iife", f"--outfile={out}", "--log-level=warning"],
        input=ENTRY, text=True, cwd=WEB, check=True, timeout=120,
    )
    return out
