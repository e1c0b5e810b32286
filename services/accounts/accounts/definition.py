import json
from pathlib import Path

from accounts.settings import AccountsSettings
from ecf_shared.emails.sender import background_runners
from ecf_shared.service import ServiceDefinition


def seed_demo(settings, argv) -> int:
    from accounts.demo import ORGANISATIONS, organisation_id, seed

    personas = seed(DEFINITION.database(settings))
    print(json.dumps({"personas": personas,
                      "organisations": {o["key"]: {"id": organisation_id(o["key"]), "name": o["name"], "type": o["type"]}
                                        for o in ORGANISATIONS}}, indent=2))
    return 0


def generate_key(settings, argv) -> int:
    from accounts.signing import generate_pem

    path = Path(argv[0]) if argv else None
    pem = generate_pem()
    if path:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(pem)
            path.chmod(0o600)
        print(path)
    else:
        print(pem)
    return 0


def import_gias(settings, argv) -> int:
    from accounts.gias import command

    return command(DEFINITION.database(settings), argv)


def scenario(settings, argv) -> int:
    from accounts.scenarios import command

    return command(DEFINITION.database(settings), argv)


DEFINITION = ServiceDefinition(
    name="accounts",
    package="accounts",
    settings_cls=AccountsSettings,
    migrations=Path(__file__).parent / "migrations",
    handlers=None,  # accounts consumes no events: its worker runs the outbox relay and the email sender
    commands={"seed-demo": seed_demo, "generate-key": generate_key, "import-gias": import_gias,
              "scenario": scenario},
    background=background_runners,
)
