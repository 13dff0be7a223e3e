import sys

from tipdash.cli import main

sys.exit(main())
