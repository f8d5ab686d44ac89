"""Static files for production: hashed names and compressed copies (WhiteNoise), tolerant of a vendor CSS file
that points at a file its package does not ship."""

import logging
import re
from collections.abc import Callable
from typing import Any

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger("routeplus.ops")


class TolerantManifestMixin:
    """A manifest storage that leaves a `url()` in a CSS file that names a missing file as it is.

    The design-token CSS of @utrecht/design-tokens refers to an icon it does not ship; Django's storage would
    abort `collectstatic` for the whole site over that one dead reference. The reference stays dead either way.
    """

    def url_converter(
        self, name: str, hashed_files: dict[str, str], template: str | None = None, ignored_blocks: Any = None
    ) -> Callable[[re.Match[str]], str]:
        convert = super().url_converter(name, hashed_files, template, ignored_blocks)  # type: ignore[misc]

        def tolerant(matchobj: re.Match[str]) -> str:
            try:
                return str(convert(matchobj))
            except ValueError:
                logger.warning("static file refers to a missing file; reference left unhashed", extra={"path": name})
                return str(matchobj["matched"])

        return tolerant


class StaticStorage(TolerantManifestMixin, CompressedManifestStaticFilesStorage):
    """Production: WhiteNoise's hashed names and compressed copies, tolerant of the dead vendor reference."""


# django-stubs types Storage.url and HashedFilesMixin.url differently; Django itself combines the two the same way.
class UncompressedStaticStorage(TolerantManifestMixin, ManifestStaticFilesStorage):  # type: ignore[misc]
    """The benchmark's: the same hashed names without compressing every file (minutes of CPU it never uses)."""
