"""Static files storage for production: WhiteNoise's compressed manifest, with URLs looked up once.

Every page links its stylesheet and scripts; the manifest maps each name to its
hashed file and never changes while the process runs (collectstatic writes it
before the server starts), so each name's URL is computed once per process.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force=True)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)
            return url
