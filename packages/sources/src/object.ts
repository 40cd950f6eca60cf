/** A parsed YAML mapping. */
export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** A non-empty string, else null: an empty name, label or path says nothing. */
export const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
