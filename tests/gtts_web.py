"""gTTS's web endpoint as narration tests answer it, through `responses` (never the network)."""

from __future__ import annotations

import base64

GTTS_URL = "https://translate.google.com/_/TranslateWebserverUi/data/batchexecute"


def batchexecute(mp3: bytes) -> str:
    """gTTS's web endpoint's answer carrying ``mp3`` (the form gTTS 2.5 decodes)."""
    encoded = base64.b64encode(mp3).decode("ascii")
    return ")]}'\n\n" + '[["wrb.fr","jQ1olc","[\\"' + encoded + '\\"]",null,null,null,"generic"]]\n'
