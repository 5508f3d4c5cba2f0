"""The HTTP API of the articulation engine (FastAPI); build it with ``api.main.create_app``."""
