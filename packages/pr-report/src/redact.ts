// The one redactor lives in @homelab/errors, beside the CLI's exit point that also applies it.
export { redactor, type Redactor } from "@homelab/errors";
