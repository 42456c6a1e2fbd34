"""A benchmark of rendered Groundwork services against bare FastAPI: ``python -m bench``."""
