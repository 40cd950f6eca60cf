package homelab.rules.https_only_test

import data.homelab.rules.https_only

cases := data.testdata.inputs.https_only

test_pass_case_is_clean if {
	count(https_only.findings) == 0 with input as cases.pass
}

test_fail_case_reports_every_plaintext_path if {
	found := {[f.code, f.file, f.index] | some f in https_only.findings} with input as cases.fail
	found == {
		["ingress-no-tls", "routes.yaml", 0],
		["ingress-plain-entrypoint", "routes.yaml", 0],
		["route-no-entrypoints", "routes.yaml", 1],
		["route-no-tls", "routes.yaml", 1],
		["route-plain-entrypoint", "routes.yaml", 2],
		["traefik-no-redirect", "cluster-init-apps/traefik/values.yaml", 0],
	}
}

traefik(values) := {"config": {"tlsEntryPoints": ["websecure"]}, "documents": [], "values": [{"file": "v.yaml", "index": 0, "path": [], "instance": "public", "chart": {"name": "traefik"}, "values": values}]}

test_older_chart_redirect_shapes_count if {
	count(https_only.findings) == 0 with input as traefik({"ports": {"web": {"redirections": {"entryPoint": {"to": "websecure"}}}}})
	count(https_only.findings) == 0 with input as traefik({"ports": {"web": {"redirectTo": {"port": "websecure"}}}})
}

test_disabled_web_needs_no_redirect if {
	count(https_only.findings) == 0 with input as traefik({"ports": {"web": null}})
	count(https_only.findings) == 0 with input as traefik({"ports": {"web": {"expose": {"default": false}}}})
}

test_redirect_to_plain_entrypoint_fails if {
	some f in https_only.findings with input as traefik({"ports": {"web": {"http": {"redirections": {"entryPoint": {"to": "web"}}}}}})
	f.code == "traefik-no-redirect"
	f.path == ["ports", "web"]
}

traefik_doc(args) := {
	"file": "dist/hydrated/traefik/deployment.yaml", "index": 0, "component": "traefik",
	"origin": {"application": "traefik-public", "chart": "traefik", "version": "41.3.0", "template": "traefik/templates/deployment.yaml", "valueFiles": [], "hook": null, "namespace": "traefik"},
	"object": {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "traefik-public"}, "spec": {"template": {"spec": {"containers": [{"name": "traefik-public", "args": args}]}}}},
}

# Hydrated Traefik: the rendered arguments decide; values saying nothing about redirects are not read.
no_redirect_values := [{"file": "v.yaml", "index": 0, "path": [], "instance": "public", "chart": {"name": "traefik"}, "values": {"ports": {"web": {}}}}]

test_rendered_traefik_redirect_passes if {
	args := ["--entryPoints.web.address=:8000/tcp", "--entryPoints.web.http.redirections.entryPoint.to=:443", "--entryPoints.web.http.redirections.entryPoint.scheme=https"]
	count(https_only.findings) == 0 with input as {"documents": [traefik_doc(args)], "values": no_redirect_values}
	count(https_only.findings) == 0 with input as {"documents": [traefik_doc(["--entrypoints.web.address=:8000", "--entrypoints.web.http.redirections.entrypoint.to=websecure"])], "values": []}
}

test_rendered_traefik_without_redirect_fails if {
	found := {[f.code, f.path] | some f in https_only.findings} with input as {"documents": [traefik_doc(["--entryPoints.web.address=:8000/tcp"])], "values": no_redirect_values}
	found == {["traefik-args-no-redirect", ["spec", "template", "spec", "containers", 0, "args"]]}
}

redirect_route(middleware) := {"file": "r.yaml", "index": 0, "object": {
	"apiVersion": "traefik.io/v1alpha1", "kind": "IngressRoute", "metadata": {"name": "http", "namespace": "web"},
	"spec": {"entryPoints": ["web"], "routes": [{"match": "HostRegexp(`.+`)", "middlewares": [{"name": middleware}], "services": [{"name": "noop@internal", "kind": "TraefikService"}]}]},
}}

redirect_mw(scheme) := {"file": "m.yaml", "index": 0, "object": {"apiVersion": "traefik.io/v1alpha1", "kind": "Middleware", "metadata": {"name": "to-https", "namespace": "web"}, "spec": {"redirectScheme": {"scheme": scheme, "permanent": true}}}}

# A plain-HTTP route that only redirects to HTTPS is compliant; one that redirects elsewhere (or uses another middleware) is not.
test_redirect_only_route_passes if {
	count(https_only.findings) == 0 with input as {"documents": [redirect_route("to-https"), redirect_mw("https")], "values": []}
}

test_route_with_other_middleware_fails if {
	found := {f.code | some f in https_only.findings} with input as {"documents": [redirect_route("to-https"), redirect_mw("http")], "values": []}
	found == {"route-plain-entrypoint", "route-no-tls"}
	codes := {f.code | some f in https_only.findings} with input as {"documents": [redirect_route("missing"), redirect_mw("https")], "values": []}
	codes == {"route-plain-entrypoint", "route-no-tls"}
}
