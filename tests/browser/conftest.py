from ..voice.conftest import local_models, say  # noqa: F401 - the browser tests share the voice fixtures
