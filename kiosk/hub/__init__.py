"""The hub's web side: the FastAPI app kiosks push to (see :mod:`surveys.sync.hub`)."""
