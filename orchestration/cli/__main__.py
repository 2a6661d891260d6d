"""`python -m orchestration.cli`: the `campaign-warehouse` command."""

import sys

from orchestration.cli.main import main

sys.exit(main())
