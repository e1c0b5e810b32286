"""The documents that describe the bus stay true to the code."""
import json
from pathlib import Path

from ecf_shared.bus import topology
from ecf_shared.bus.cli import catalogue_markdown
from ecf_shared.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _without_test_contracts(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if "bustest" not in line)


def test_architecture_doc_lists_the_current_event_catalogue():
    doc = (ROOT / "docs" / "architecture.md").read_text()
    documented = doc.split("<!-- catalogue:start -->")[1].split("<!-- catalogue:end -->")[0].strip()
    assert documented == _without_test_contracts(catalogue_markdown()), "run scripts/refresh-generated.sh"


def test_rabbitmq_definitions_match_the_topology():
    exported = json.loads((ROOT / "deploy" / "rabbitmq" / "definitions.json").read_text())
    current = topology.definitions(topology.build(Settings().consumer_retry_delays))
    strip = lambda d: {k: [x for x in v if "bustest" not in json.dumps(x)] if isinstance(v, list) else v for k, v in d.items()}  # noqa: E731
    assert strip(exported) == strip(current), "run scripts/refresh-generated.sh"
