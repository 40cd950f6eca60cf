// Label and annotation keys are shared by render, check and policy: owned by @homelab/layout.
export { ANNOTATIONS, LABELS, MANAGED_BY, PART_OF } from "@homelab/layout";
