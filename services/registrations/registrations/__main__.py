import sys

from ecf_shared.service import main
from registrations.definition import DEFINITION

sys.exit(main(DEFINITION))
