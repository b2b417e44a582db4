import sys

from attune_lint.cli import main

sys.exit(main())
