import subprocess
import sys

RACE = """
import threading
from ecf_shared import contracts
barrier, seen = threading.Barrier(16), []
def ask():
    barrier.wait()
    seen.append(len(contracts.catalogue()))
threads = [threading.Thread(target=ask) for _ in range(16)]
[t.start() for t in threads]
[t.join() for t in threads]
print(sorted(set(seen)))
"""


def test_the_event_catalogue_is_complete_for_threads_asking_at_once():
    """gunicorn's threads all ask on a fresh worker's first requests; none may see a half-filled catalogue."""
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c", RACE], capture_output=True, text=True, check=True).stdout
        counts = eval(out)  # noqa: S307 - our own subprocess's printed list
        assert len(counts) == 1 and counts[0] > 10, counts
