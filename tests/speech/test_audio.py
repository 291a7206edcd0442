"""speech.audio.probe: real recordings in, measured duration out; everything else refused."""

from __future__ import annotations

import io
import zlib
from fractions import Fraction

import av
import numpy as np
import pytest

from speech.audio import AudioInfo, NotAudio, TooLong, probe

ANSWER_S = 5.9  # espeak-ng at 150 wpm speaks conftest.SPOKEN in about this long


def _video_without_sound(path, muxer: str, codec: str):
    with av.open(str(path), "w", format=muxer) as out:
        stream = out.add_stream(codec, rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for i in range(10):
            frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), i * 20, dtype=np.uint8), format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, 10)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\0"))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("kind", "codec", "container"),
    [("webm", "opus", "webm"), ("ogg", "opus", "ogg"), ("wav", "pcm_s16le", "wav"), ("m4a", "aac", "mp4")],
)
def test_it_measures_what_browsers_record(spoken, kind, codec, container):
    info = probe(spoken[kind], max_seconds=60)
    assert info.codec == codec
    assert info.container == container
    assert info.duration_s == pytest.approx(probe(spoken["wav"]).duration_s, abs=0.05)
    assert 4.0 < info.duration_s < 8.0


def test_it_measures_webm_whose_header_has_no_duration(spoken):
    # Chromium's MediaRecorder streams WebM and never goes back to write the duration.
    with av.open(str(spoken["webm"])) as container:
        assert container.duration is None
    assert probe(spoken["webm"]).duration_s > 4.0


def test_it_reads_an_open_file_and_leaves_it_where_it_was(spoken):
    data = spoken["webm"].read_bytes()
    buffer = io.BytesIO(data)
    info = probe(buffer)
    assert isinstance(info, AudioInfo) and info.container == "webm"
    assert buffer.tell() == 0
    assert buffer.read() == data


def test_it_refuses_a_recording_over_the_limit(spoken):
    with pytest.raises(TooLong) as caught:
        probe(spoken["webm"], max_seconds=2)
    assert caught.value.max_seconds == 2
    # It stops decoding soon after the limit instead of measuring the whole file.
    assert 2.5 < caught.value.seconds < 3.0
    assert "longer than 2 seconds" in str(caught.value)


def test_it_forgives_the_last_half_second_over_the_limit(spoken):
    measured = probe(spoken["webm"]).duration_s
    assert probe(spoken["webm"], max_seconds=measured - 0.4).duration_s == measured


def test_it_refuses_an_empty_file(tmp_path):
    empty = tmp_path / "answer.webm"
    empty.write_bytes(b"")
    with pytest.raises(NotAudio, match="empty"):
        probe(empty)


def test_it_refuses_text_named_like_a_recording(tmp_path):
    fake = tmp_path / "answer.webm"
    fake.write_text("Backpropagation applies the chain rule.\n" * 20)
    with pytest.raises(NotAudio, match="not a recording"):
        probe(fake)


def test_it_refuses_an_image(tmp_path):
    image = tmp_path / "answer.ogg"
    image.write_bytes(_png())
    with pytest.raises(NotAudio):
        probe(image)


def test_it_never_lets_ffmpeg_follow_a_playlist(tmp_path):
    # FFmpeg's own format guessing would open the files an HLS playlist names.
    playlist = tmp_path / "answer.webm"
    playlist.write_text("#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n")
    with pytest.raises(NotAudio, match="not a recording"):
        probe(playlist)


@pytest.mark.parametrize(
    ("muxer", "codec", "name"), [("mp4", "mpeg4", "clip.mp4"), ("webm", "libvpx", "clip.webm")]
)
def test_it_refuses_a_video_with_no_sound(tmp_path, muxer, codec, name):
    with pytest.raises(NotAudio, match="no sound"):
        probe(_video_without_sound(tmp_path / name, muxer, codec))


def test_it_refuses_a_damaged_recording(tmp_path, spoken):
    # The real WebM header, then noise where the Opus packets should be.
    header = spoken["webm"].read_bytes()[:300]
    damaged = tmp_path / "answer.webm"
    damaged.write_bytes(header + np.random.default_rng(1).bytes(5000))
    with pytest.raises(NotAudio):
        probe(damaged)


def test_it_refuses_a_recording_of_nothing(tmp_path):
    # A valid WAV header with no samples at all.
    fmt = (1).to_bytes(2, "little") + (1).to_bytes(2, "little") + (16000).to_bytes(4, "little")
    fmt += (32000).to_bytes(4, "little") + (2).to_bytes(2, "little") + (16).to_bytes(2, "little")
    silent = tmp_path / "answer.wav"
    silent.write_bytes(
        b"RIFF"
        + (36).to_bytes(4, "little")
        + b"WAVEfmt "
        + (16).to_bytes(4, "little")
        + fmt
        + b"data\0\0\0\0"
    )
    with pytest.raises(NotAudio, match="no sound"):
        probe(silent)
