"""Vietnamese speech with espeak-ng: a bulletin produces audio of plausible duration (measured by sox's soxi) and
its tones reach the synthesiser intact (the text with its diacritics, not stripped)."""

from __future__ import annotations

import re
import subprocess
import unicodedata
import wave
from datetime import timedelta

from django.utils import timezone

from xaso.notify import tts
from xaso.notify.announcements import announcement_send, loudspeaker_point_add, playlist
from xaso.notify.models import Bulletin

BULLETIN = (
    "Thông báo của Ủy ban nhân dân xã: sáng thứ Bảy, Trạm y tế xã tổ chức tiêm chủng mở rộng cho trẻ dưới năm tuổi. "
    "Đề nghị các gia đình đưa trẻ đến đúng giờ và mang theo sổ tiêm chủng."
)
#: tone of a syllable from its marks: ngang 1, huyền 2 (grave), sắc 3 (acute), hỏi 4 (hook), ngã 5 (tilde),
#: nặng 6 (dot below): the numbering espeak-ng's Vietnamese phonemes use
TONE_MARKS = {"\u0300": 2, "\u0301": 3, "\u0309": 4, "\u0303": 5, "\u0323": 6}


def written_tones(text: str) -> list[int]:
    tones = []
    for word in re.findall(r"[^\W\d_]+", text):
        marks = [TONE_MARKS[c] for c in unicodedata.normalize("NFD", word) if c in TONE_MARKS]
        tones.append(marks[0] if marks else 1)
    return tones


def spoken_tones(text: str) -> list[int]:
    """The tone digits of espeak-ng's phonemes, one per syllable (its Vietnamese mnemonics hold no other digit)."""
    return [int(t) for t in re.findall(r"[1-7]", tts.phonemes(text))]


def test_a_bulletin_is_spoken_for_a_plausible_duration():
    speech = tts.speak(BULLETIN)
    words = len(BULLETIN.split())
    assert words == 42
    # 130 words a minute: 42 syllables ≈ 19 s, with the pauses at the punctuation; plausible: 2–4 syllables a second
    assert words / 4 <= speech.seconds <= words / 2 + 2
    with wave.open(__import__("io").BytesIO(speech.wav)) as audio:
        assert audio.getnchannels() == 1 and audio.getsampwidth() == 2
        assert abs(audio.getnframes() / audio.getframerate() - speech.seconds) < 0.05  # soxi agrees with the file
    answer = subprocess.run(["soxi", "-t", "-"], input=speech.wav, capture_output=True, check=True)
    assert answer.stdout.strip() == b"wav"


def test_the_tones_of_the_text_reach_the_synthesiser():
    assert written_tones("ma mà má mả mã mạ") == [1, 2, 3, 4, 5, 6]
    assert spoken_tones("ma mà má mả mã mạ")[:6] == [1, 2, 3, 4, 5, 6]
    expected = written_tones(BULLETIN)
    assert sum(1 for t in expected if t != 1) >= 25  # a real Vietnamese text: most syllables carry a mark
    assert spoken_tones(BULLETIN) == expected


def test_a_text_stripped_of_its_marks_would_be_another_text():
    """The guard the test above relies on: without the marks every syllable would be read level (tone 1)."""
    stripped = "".join(c for c in unicodedata.normalize("NFD", BULLETIN) if c not in TONE_MARKS)
    assert set(spoken_tones(stripped)) <= {1, 7} and spoken_tones(stripped) != spoken_tones(BULLETIN)
    assert tts.speak(stripped).wav != tts.speak(BULLETIN).wav


def test_markup_in_the_text_is_read_as_text_never_obeyed():
    """espeak-ng obeys SSML only when asked (-m): a bulletin's `<break time="30s"/>` must not silence the village's
    loudspeakers for half a minute, nor `<audio src=…>` fetch anything. Read as text, the line lasts a few seconds."""
    speech = tts.speak('Mất điện <break time="30s"/> ngày mai.')
    assert 1 <= speech.seconds < 10  # obeyed, it would last more than 30 s


def test_an_announcement_to_the_loudspeakers_stores_its_speech_and_schedule(an_vien, an_vien_officer, villages):
    loudspeaker_point_add(user=an_vien_officer, village=villages[0], name="Nhà văn hóa ấp 1", clusters=["C01", "C02"])
    loudspeaker_point_add(user=an_vien_officer, village=villages[1], name="Chợ ấp 2", clusters=["C03"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    announcement = announcement_send(
        user=an_vien_officer,
        unit=an_vien,
        title="Tiêm chủng mở rộng",
        body=BULLETIN,
        channels=["loudspeaker"],
        villages=[villages[0]],
        day=tomorrow,
        slots=["morning", "evening"],
    )
    bulletin = Bulletin.objects.get(announcement=announcement)
    assert bulletin.text == f"Tiêm chủng mở rộng. {BULLETIN}"  # the marks kept, NFC
    assert bulletin.audio_seconds > 15
    with bulletin.audio.open("rb") as handle:
        assert handle.read(4) == b"RIFF"
    items = playlist(unit=an_vien, day=tomorrow)
    assert [(i.cluster, timezone.localtime(i.play_at).strftime("%H:%M")) for i in items] == [
        ("C01", "06:00"),
        ("C01", "17:00"),
        ("C02", "06:00"),
        ("C02", "17:00"),
    ]
    assert announcement.deliveries.filter(channel="loudspeaker").count() == 4
