"""Vietnamese text-to-speech with espeak-ng (Debian package `espeak-ng`, voice `vi`), measured with sox's `soxi`.

The text is given to espeak-ng as UTF-8 in NFC form from a file (never on a command line, never through a shell),
so every tone mark reaches the synthesiser: Vietnamese tones change the word (ma, mà, má, mả, mã, mạ are six words),
and a text stripped of its marks would be read as another text. `phonemes` shows what espeak-ng understood (tone
numbers 1–6 after each syllable); the tests compare them with the tones written in the text.

Output: 16-bit mono WAV at 22,050 Hz, which every browser's <audio> and loudspeaker controllers play.
docs/decisions/0040-loudspeakers.md.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

#: most characters read out in one bulletin (about three minutes at the default speed)
TEXT_MAX = 1500
TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Speech:
    wav: bytes
    seconds: float


def _binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ImproperlyConfigured(f"{name} is not installed: apt-get install espeak-ng sox (make system-deps)")
    return path


def _text_file(directory: str, text: str) -> str:
    path = Path(directory) / "text.txt"
    path.write_text(unicodedata.normalize("NFC", text), encoding="utf-8")
    return str(path)


def speak(text: str, *, voice: str | None = None, speed: int | None = None) -> Speech:
    """The WAV of `text` read in Vietnamese and its duration in seconds (from soxi)."""
    text = text.strip()[:TEXT_MAX]
    voice = voice or settings.XASO_TTS["voice"]
    speed = speed or settings.XASO_TTS["words_per_minute"]
    with tempfile.TemporaryDirectory(prefix="xaso-tts-") as directory:
        out = str(Path(directory) / "speech.wav")
        subprocess.run(
            [_binary("espeak-ng"), "-v", voice, "-s", str(speed), "-f", _text_file(directory, text), "-w", out],
            check=True,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
        )
        seconds = duration(out)
        return Speech(Path(out).read_bytes(), seconds)


def duration(path: str) -> float:
    """The duration of an audio file in seconds, as sox reads it."""
    answer = subprocess.run(
        [_binary("soxi"), "-D", path], check=True, capture_output=True, text=True, timeout=TIMEOUT_SECONDS
    )
    return float(answer.stdout.strip())


def phonemes(text: str, *, voice: str | None = None) -> str:
    """What espeak-ng will say, as its phoneme mnemonics (Vietnamese syllables end in their tone number 1–6)."""
    with tempfile.TemporaryDirectory(prefix="xaso-tts-") as directory:
        answer = subprocess.run(
            [_binary("espeak-ng"), "-v", voice or settings.XASO_TTS["voice"], "-q", "-x",
             "-f", _text_file(directory, text)],
            check=True, capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
        )  # fmt: skip
    return answer.stdout
