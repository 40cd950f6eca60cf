export { DEFAULT_WASM, ENTRYPOINT, loadPolicyEngine, rememberedReport, type PolicyEngine } from "./engine.js";
export { MESSAGES, formatMessage } from "./messages.js";
export { objectIndex } from "./object-index.js";
export type {
  DocumentRef,
  InputChart,
  InputComponent,
  InputDocument,
  InputValues,
  ObjectIndex,
  PolicyConfig,
  PolicyFinding,
  PolicyInput,
  PolicyReport,
  RuleMeta,
  Severity,
} from "./types.js";
