import sys

from ecf_shared.service import main
from trs_sync.definition import DEFINITION

sys.exit(main(DEFINITION))
