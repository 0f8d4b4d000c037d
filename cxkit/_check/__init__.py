"""Every input check of the kit, and the wording of every :class:`DataError` they raise.

One place, so that a message reads the same whichever function raised it (pingouin's
``_check_dataframe``, scikit-learn's ``utils/validation.py``). A public function's first lines
call these checks; no module defines a check of its own.

Conventions
-----------
- **Rows** are numbered as the kit numbers them everywhere: 1 at the first row of the table
  (positions, not index labels; for a file, the first data row below the header).
- **Columns** are named as the user's table names them. Where a loader mapped a user's column
  onto a canonical name, pass ``names={canonical: user_name}`` and the error reads
  ``column 'Zeit' (timestamp)``.
- Bad *data* raise :class:`DataError` (a ``ValueError``); a bad *argument* (a confidence level
  of 95, a negative count) raises ``ValueError`` or ``TypeError`` naming the argument.
"""

from .answers import *  # noqa: F403
from .core import *  # noqa: F403
from .core import DataError, column_label, format_rows  # noqa: F401
from .formulas import *  # noqa: F403  (the formula allow-list, #12)
from .purchases import *  # noqa: F403  (repeat-purchase summaries, #14)
from .sources import *  # noqa: F403
