"""The deployment files stay consistent with the services: every service has its migrate Job, web and
worker Deployments and autoscalers in Kubernetes, and a migrate/web/worker trio in docker-compose."""
import re
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[1]
SERVICES = {"accounts": "accounts", "registrations": "registrations", "inductions": "inductions",
            "trs-sync": "trs_sync", "lp-api": "lp_api", "portal": "portal"}


def test_every_service_has_kubernetes_manifests():
    for name, pkg in SERVICES.items():
        docs = [d for d in yaml.safe_load_all((DEPLOY / "k8s" / f"{name}.yaml").read_text()) if d]
        kinds = {(d["kind"], d["metadata"]["name"]) for d in docs}
        assert {("Job", f"{name}-migrate"), ("Deployment", f"{name}-web"), ("Deployment", f"{name}-worker"),
                ("Service", f"{name}-web"), ("HorizontalPodAutoscaler", f"{name}-web"),
                ("HorizontalPodAutoscaler", f"{name}-worker")} <= kinds
        commands = {d["metadata"]["name"]: d["spec"]["template"]["spec"]["containers"][0]["command"]
                    for d in docs if d["kind"] in ("Deployment", "Job")}
        assert commands[f"{name}-web"] == ["python", "-m", pkg, "web"]
        assert commands[f"{name}-worker"] == ["python", "-m", pkg, "worker"]
        assert commands[f"{name}-migrate"] == ["python", "-m", pkg, "migrate"]


def test_kustomization_lists_every_manifest():
    listed = set(yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text())["resources"])
    assert {f"{name}.yaml" for name in SERVICES} | {"common.yaml", "gateway.yaml"} == listed


def test_compose_runs_migrate_web_and_worker_for_every_service_and_publishes_only_the_gateway():
    compose = yaml.safe_load((DEPLOY.parent / "docker-compose.yml").read_text())["services"]
    for name in SERVICES:
        assert {f"{name}-migrate", f"{name}-web", f"{name}-worker"} <= set(compose)
    assert [n for n, s in compose.items() if s.get("ports")] == ["gateway"]
    for name, service in compose.items():
        for dependency in (service.get("depends_on") or {}).values():
            assert dependency["condition"] in ("service_healthy", "service_completed_successfully"), name


def _k8s_docs():
    docs = []
    for name in yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text())["resources"]:
        docs += [d for d in yaml.safe_load_all((DEPLOY / "k8s" / name).read_text()) if d]
    return docs


def _pod_specs(docs):
    for d in docs:
        if d["kind"] in ("Deployment", "Job"):
            yield d["metadata"]["name"], d["spec"]["template"]


def test_kubernetes_references_resolve():
    """Selectors, autoscaler targets, ConfigMaps and Secret keys that the manifests name all exist."""
    docs = _k8s_docs()
    kustomization = yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text())
    config_maps = {d["metadata"]["name"] for d in docs if d["kind"] == "ConfigMap"}
    config_maps |= {g["name"] for g in kustomization.get("configMapGenerator", [])}
    for generator in kustomization.get("configMapGenerator", []):
        for entry in generator["files"]:
            assert (DEPLOY / "k8s" / entry.split("=", 1)[-1]).is_file(), entry
    secrets = {d["metadata"]["name"]: set(d["stringData"])
               for d in yaml.safe_load_all((DEPLOY / "k8s" / "secret.example.yaml").read_text()) if d}
    deployments = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Deployment"}
    for name, template in _pod_specs(docs):
        spec = template["spec"]
        for container in spec["containers"]:
            for source in container.get("envFrom", []):
                assert source["configMapRef"]["name"] in config_maps, name
            for var in container.get("env", []):
                ref = var.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["key"] in secrets.get(ref["name"], set()), (name, ref)
        for volume in spec.get("volumes", []):
            if "configMap" in volume:
                assert volume["configMap"]["name"] in config_maps, name
    for d in docs:
        if d["kind"] == "Deployment":
            labels = d["spec"]["template"]["metadata"]["labels"]
            assert d["spec"]["selector"]["matchLabels"].items() <= labels.items(), d["metadata"]["name"]
        if d["kind"] in ("Service", "PodDisruptionBudget"):
            selector = d["spec"]["selector"]
            selector = selector.get("matchLabels", selector)
            assert any(selector.items() <= dep["spec"]["template"]["metadata"]["labels"].items()
                       for dep in deployments.values()), d["metadata"]["name"]
        if d["kind"] == "HorizontalPodAutoscaler":
            assert d["spec"]["scaleTargetRef"]["name"] in deployments, d["metadata"]["name"]


def test_web_probes_and_no_stand_ins_in_kubernetes():
    docs = _k8s_docs()
    for name in SERVICES:
        web = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == f"{name}-web")
        container = web["spec"]["template"]["spec"]["containers"][0]
        assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
        assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    images = {c["image"] for _, t in _pod_specs(docs) for c in t["spec"]["containers"]}
    assert not any("standin" in image or "stand-in" in image for image in images)


def test_the_gateway_gets_every_template_variable_in_compose_and_kubernetes():
    variables = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)\}", (DEPLOY / "nginx" / "gateway.conf.template").read_text()))
    compose = yaml.safe_load((DEPLOY.parent / "docker-compose.yml").read_text())["services"]["gateway"]
    assert variables <= set(compose["environment"])
    assert any(v.endswith(":/etc/nginx/templates/gateway.conf.template:ro") for v in compose["volumes"])
    gateway = next(d for d in _k8s_docs() if d["kind"] == "Deployment" and d["metadata"]["name"] == "gateway")
    assert variables <= {e["name"] for e in gateway["spec"]["template"]["spec"]["containers"][0]["env"]}


def test_compose_broker_loads_a_user_and_the_generated_topology():
    """RabbitMQ skips its default user when it imports definitions at boot, so compose imports one."""
    import json

    compose = yaml.safe_load((DEPLOY.parent / "docker-compose.yml").read_text())["services"]["rabbitmq"]
    conf = (DEPLOY / "rabbitmq" / "rabbitmq.conf").read_text()
    directory = re.search(r"^load_definitions\s*=\s*(\S+)", conf, re.M).group(1)
    mounted = {target.rsplit(":", 1)[0] if target.endswith(":ro") else target: source
               for source, target in (v.split(":", 1) for v in compose["volumes"])}
    files = {t: s for t, s in mounted.items() if t.startswith(directory + "/")}
    assert "./deploy/rabbitmq/definitions.json" in files.values()
    users = [u for s in files.values() for u in json.loads((DEPLOY.parent / s).read_text()).get("users", [])]
    assert users, "no user would exist in the compose broker"
    amqp = yaml.safe_load((DEPLOY.parent / "docker-compose.yml").read_text())["x-service-env"]["AMQP_URL"]
    assert any(amqp.startswith(f"amqp://{u['name']}:") for u in users), amqp


def test_the_kubernetes_base_builds_without_files_outside_it():
    """`kubectl apply -k deploy/k8s` reads only files inside the base: its copy of the gateway template must be the
    one template (scripts/refresh-generated.sh copies it)."""
    kustomization = yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text())
    for generator in kustomization.get("configMapGenerator", []):
        for entry in generator["files"]:
            path = entry.split("=", 1)[-1]
            assert ".." not in Path(path).parts, entry
    assert (DEPLOY / "k8s" / "gateway.conf.template").read_text() == \
        (DEPLOY / "nginx" / "gateway.conf.template").read_text(), "run scripts/refresh-generated.sh"


def _settings_of(pkg: str):
    import importlib

    module = "portal.cli" if pkg == "portal" else f"{pkg}.definition"
    return importlib.import_module(module).DEFINITION.settings_cls


def test_every_kubernetes_process_gets_every_secret_its_service_requires_in_production():
    """Outside the local run a process missing a secret stops at start-up (Settings.check_secrets)."""
    docs = _k8s_docs()
    config_maps = {d["metadata"]["name"]: d.get("data", {}) for d in docs if d["kind"] == "ConfigMap"}
    for name, pod in _pod_specs(docs):
        service = next((s for s in SERVICES if name.startswith(f"{s}-")), None)
        container = pod["spec"]["containers"][0]
        if service is None or container["command"][-1] == "migrate":
            continue
        env = {}
        for source in container.get("envFrom", []):
            env.update(config_maps.get(source.get("configMapRef", {}).get("name"), {}))
        env.update({e["name"]: e.get("value", "from-a-secret") for e in container.get("env", [])})
        assert config_maps["ecf-common"]["ENVIRONMENT"] == "production"
        settings = _settings_of(SERVICES[service]).from_env({**env, "ENVIRONMENT": "production"})
        settings.check_secrets()  # raises MissingSecrets naming what the manifest leaves out


def test_compose_is_a_local_run():
    compose = yaml.safe_load((DEPLOY.parent / "docker-compose.yml").read_text())["services"]
    for name in SERVICES:
        for process in ("migrate", "web", "worker"):
            assert compose[f"{name}-{process}"]["environment"]["ENVIRONMENT"] == "local"
