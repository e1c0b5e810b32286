import sys

from ecf_shared.service import main
from lp_api.definition import DEFINITION

sys.exit(main(DEFINITION))
