import sys

from ecf_shared.service import main
from inductions.definition import DEFINITION

sys.exit(main(DEFINITION))
