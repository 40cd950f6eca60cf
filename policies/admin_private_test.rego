package homelab.rules.admin_private_test

import data.homelab.rules.admin_private

cases := data.testdata.inputs.admin_private

test_private_admin_route_passes if {
	count(admin_private.findings) == 0 with input as cases.pass
}

test_public_admin_fails if {
	found := {[f.code, f.file] | some f in admin_private.findings} with input as cases.fail
	found == {
		["admin-public", "routes.yaml"],
		["admin-service-public", "routes.yaml"],
		["traefik-dashboard-public", "app.yaml"],
	}
}

test_public_ingress_to_admin_service_fails if {
	ingress := {
		"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "lh"},
		"spec": {"ingressClassName": "public", "rules": [{"http": {"paths": [{"backend": {"service": {"name": "longhorn-frontend"}}}]}}]},
	}
	some f in admin_private.findings with input as {"config": {"publicClasses": ["public"]}, "documents": [{"file": "i.yaml", "index": 0, "object": ingress}], "values": []}
	f.code == "admin-service-public"
	f.path == ["spec", "rules", 0, "http", "paths", 0, "backend"]
}

test_configured_admin_services if {
	"grafana" in admin_private.admin_services with input as {"config": {"adminServices": ["grafana"]}}
}

test_dashboard_class_from_provider if {
	admin_private.traefik_class({"providers": {"kubernetesCRD": {"ingressClass": "pub"}}}) == "pub"
}
