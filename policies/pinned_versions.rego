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

# doc.images: every `image` of an entry of a container list (containers,
# initContainers, ephemeralContainers) anywhere in the object, found by the
# check's one walk over it (a walk() here allocates a path per node).
findings contains lib.finding(meta.id, meta.severity, "image-floating", doc, entry.path, {"image": entry.image}) if {
	some doc in input.documents
	some entry in doc.images
	is_string(entry.image)
	floating(entry.image)
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
