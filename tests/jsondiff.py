"""Field-level differences between two JSON values, for readable failures.

The logic lives in the package (``extractor.goldens``) and is shared with
``extractor golden check``; this module keeps the tests' import path.
"""

from extractor.goldens import MISSING, diff, report  # noqa: F401
