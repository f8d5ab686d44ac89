"""Static files for production: hashed names and compressed copies (WhiteNoise), tolerant of a vendor CSS file
that points at a file its package does not ship."""

import logging
import re
from collections.abc import Callable
from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger("routeplus.ops")


class StaticStorage(CompressedManifestStaticFilesStorage):
    """As WhiteNoise's storage, except that a `url()` in a CSS file that names a missing file is left as it is.

    The design-token CSS of @utrecht/design-tokens refers to an icon it does not ship; Django's storage would
    abort `collectstatic` for the whole site over that one dead reference. The reference stays dead either way.
    """

    def url_converter(
        self, name: str, hashed_files: dict[str, str], template: str | None = None, ignored_blocks: Any = None
    ) -> Callable[[re.Match[str]], str]:
        convert = super().url_converter(name, hashed_files, template, ignored_blocks)

        def tolerant(matchobj: re.Match[str]) -> str:
            try:
                return str(convert(matchobj))
            except ValueError:
                logger.warning("static file refers to a missing file; reference left unhashed", extra={"path": name})
                return str(matchobj["matched"])

        return tolerant
