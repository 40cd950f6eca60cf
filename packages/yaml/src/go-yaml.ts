/**
 * YAML as Helm and the Kubernetes tools read it: sigs.k8s.io/yaml over
 * go-yaml v2, YAML 1.1 (`yes`/`on` are booleans, `0777` is octal, `<<`
 * merges) but without the 1.1 types go-yaml does not resolve: sexagesimal
 * numbers (`10:30` stays a string) and timestamps (`2001-12-14` stays a
 * string). Duplicate keys are an error, as in go-yaml.
 */
import type { ParseOptions, DocumentOptions, SchemaOptions, ToJSOptions } from "yaml";

export const GO_YAML: ParseOptions & DocumentOptions & SchemaOptions & ToJSOptions = {
  version: "1.1",
  uniqueKeys: true,
  prettyErrors: false,
  maxAliasCount: 1000,
  customTags: (tags) => tags.filter((tag) => !(typeof tag === "object" && (tag.format === "TIME" || tag.tag === "tag:yaml.org,2002:timestamp"))),
};
