from tests.asr_fixtures import transcriber, vosk_engine

__all__ = ["transcriber", "vosk_engine"]
