import { ErrorCode, HomelabError } from "@homelab/errors";

export type SchemaDraft = "draft-07" | "2019-09" | "2020-12";

/** The `$schema` URI ajv registers for each draft; anything else is rewritten to one of these. */
export const DRAFT_URIS: Readonly<Record<SchemaDraft, string>> = {
  "draft-07": "http://json-schema.org/draft-07/schema#",
  "2019-09": "https://json-schema.org/draft/2019-09/schema",
  "2020-12": "https://json-schema.org/draft/2020-12/schema",
};

/**
 * Maps the many spellings charts use (`http` vs `https`, with or without `#`,
 * `draft/2020-12` vs `draft-2020-12`) to a draft. Drafts 04 and 06 are read as
 * draft-07, which ajv's default class accepts for everything charts use. A
 * missing `$schema` means draft-07, as Helm itself assumes.
 */
export function normaliseDraft(uri: unknown, file = "values.schema.json"): SchemaDraft {
  if (uri === undefined || uri === null || uri === "") return "draft-07";
  if (typeof uri !== "string") {
    throw new HomelabError(ErrorCode.SchemaInvalid, `$schema must be a string, got ${JSON.stringify(uri)}`, { position: { file } });
  }
  const spelled = uri
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, "")
    .replace(/#$/, "")
    .replace(/\/$/, "");
  if (/^json-schema\.org\/draft-0[4-7]\/schema$/.test(spelled)) return "draft-07";
  // The unversioned "latest" URI (cloudnative-pg's bundled `cluster` subchart): Helm validates it, read as draft-07.
  if (spelled === "json-schema.org/schema") return "draft-07";
  if (/^json-schema\.org\/draft[/-]2019-09\/schema$/.test(spelled)) return "2019-09";
  if (/^json-schema\.org\/draft[/-]2020-12\/schema$/.test(spelled)) return "2020-12";
  throw new HomelabError(ErrorCode.SchemaInvalid, `unsupported $schema "${uri}"`, {
    position: { file },
    hint: "use draft-07, 2019-09 or 2020-12 (https://json-schema.org/draft/2020-12/schema)",
  });
}
