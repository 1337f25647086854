"""`python -m bot.asr.bench [AUDIO_DIR]`: real-time factor (recognition time / audio length) and resident
memory with the Vosk model loaded. Model: WUYE_VOSK_MODEL (default ../shared/models/vosk-model-small-cn-0.22);
clips: every WAV in AUDIO_DIR (default ../shared/data/audio), each also as AMR (WeCom) and OGG/Opus (Telegram)."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

from bot.asr.audio import decode, encode, seconds_of
from bot.asr.engines import VoskEngine
from bot.asr.transcriber import Transcriber

_ROOT = Path(__file__).resolve().parents[2]


def rss_mb() -> float:
    """This process's resident memory, in MB (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def main(audio_dir: Path, model_dir: Path) -> None:
    before = rss_mb()
    started = time.perf_counter()
    engine = VoskEngine(model_dir)
    engine.load()
    print(
        f"model {model_dir.name}: loaded in {time.perf_counter() - started:.2f} s, RSS {before:.0f} → {rss_mb():.0f} MB"
    )
    transcriber = Transcriber(engine, max_seconds=600, workers=1)
    total_audio = total_time = 0.0
    try:
        for path in sorted(audio_dir.glob("*.wav")):
            wav = path.read_bytes()
            pcm = decode(wav, max_seconds=600)
            variants = {
                "wav": wav,
                "amr": encode(pcm, container="amr", codec="libopencore_amrnb", rate=8000, bit_rate=12200),
                "ogg": encode(pcm, container="ogg", codec="libopus", rate=48000),
            }
            for fmt, data in variants.items():
                heard = await transcriber.transcribe(data)
                total_audio += heard.seconds
                total_time += heard.elapsed
                print(
                    f"{path.name[:34]:<34} {fmt:<3} {seconds_of(pcm):6.1f} s audio {heard.elapsed:6.2f} s "
                    f"RTF {heard.elapsed / heard.seconds:5.2f}  {heard.text[:24]}"
                )
    finally:
        await transcriber.close()
    print(f"overall: {total_audio:.1f} s of audio in {total_time:.1f} s, RTF {total_time / total_audio:.2f}")
    print(f"RSS with the model loaded, after recognition: {rss_mb():.0f} MB; CPU cores: {os.cpu_count()}")


if __name__ == "__main__":
    audio = Path(sys.argv[1]) if len(sys.argv) > 1 else _ROOT.parent / "shared" / "data" / "audio"
    model = Path(os.environ.get("WUYE_VOSK_MODEL") or _ROOT.parent / "shared" / "models" / "vosk-model-small-cn-0.22")
    asyncio.run(main(audio, model))
