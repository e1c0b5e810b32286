"""The deployment files stay consistent with the services: every service has its migrate Job, web and
worker Deployments and autoscalers in Kubernetes, and a migrate/web/worker trio in docker-compose."""
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[1]
SERVICES = {"accounts": "accounts", "registrations": "registrations", "inductions": "inductions",
            "trs-sync": "trs_sync", "lp-api": "lp_api"}


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
