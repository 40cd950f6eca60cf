# pinned-versions: what is deployed is what was reviewed. Charts are pinned to
# an exact version and images never float on `latest` (or no tag at all).
package homelab.rules.pinned_versions

import data.homelab.lib

meta := {
	"id": "pinned-versions",
	"severity": "error",
	"title": "Exact chart versions, no floating image tags",
}

# input.charts: every chart reference (Applications, ApplicationSet elements, render records).
findings contains lib.finding(meta.id, meta.severity, "chart-version", ref, ref.path, {"chart": ref.chart, "version": ref.version}) if {
	some ref in object.get(input, "charts", [])
	not lib.exact_version(ref.version)
}

# The tag of an image reference; "" when it has none. A digest pins it regardless.
image_tag(image) := tag if {
	parts := split(image, "/")
	last := parts[count(parts) - 1]
	contains(last, ":")
	tag := split(last, ":")[1]
} else := ""

floating(image) if {
	not contains(image, "@sha256:")
	image_tag(image) in {"", "latest"}
}

container_lists := {"containers", "initContainers", "ephemeralContainers"}

findings contains lib.finding(meta.id, meta.severity, "image-floating", doc, path, {"image": image}) if {
	some doc in input.documents
	walk(doc.object, [path, image])
	count(path) >= 3
	path[count(path) - 1] == "image"
	path[count(path) - 3] in container_lists
	is_string(image)
	floating(image)
}

findings contains lib.values_finding(meta.id, meta.severity, "values-tag-latest", src, path, {"tag": tag}) if {
	some src in input.values
	walk(src.values, [path, tag])
	count(path) > 0
	path[count(path) - 1] == "tag"
	tag == "latest"
}

findings contains lib.values_finding(meta.id, meta.severity, "image-floating", src, path, {"image": image}) if {
	some src in input.values
	walk(src.values, [path, image])
	count(path) > 0
	path[count(path) - 1] == "image"
	is_string(image)
	endswith(image, ":latest")
}
