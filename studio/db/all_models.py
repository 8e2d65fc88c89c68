"""Import every module that defines tables, so ``Base.metadata`` is complete.

A capability that adds tables appends its models module here (and adds an Alembic revision).
"""

import studio.accounts.models  # noqa: F401
import studio.db.models  # noqa: F401
import studio.live.models  # noqa: F401
import studio.publish.models  # noqa: F401
import studio.translate.models  # noqa: F401
import studio.video.models  # noqa: F401
import studio.writing.models  # noqa: F401
