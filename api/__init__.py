"""KetNoi's HTTP API (FastAPI) and command-line interface."""
