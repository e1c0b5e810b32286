import sys

from accounts.definition import DEFINITION
from ecf_shared.service import main

sys.exit(main(DEFINITION))
