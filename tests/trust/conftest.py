from ..voice.conftest import local_models, say  # noqa: F401 - the WAV call uses the voice fixtures
