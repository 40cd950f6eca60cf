// A render run as a child process by safety.test.ts, which SIGKILLs it while
// it is paused (HOMELAB_TEST_PAUSE_BEFORE_RENAMES) after writing its journal.
import { render } from "../render.js";
import { demoComponent, demoConfig } from "./fixtures.js";

/** The configuration the crash tests move to: changed files, a removed manifest and a pruned component. */
export function crashTarget() {
  return demoConfig(demoComponent({ secrets: [], instances: [{ name: "demo", values: { replicaCount: 4 } }], version: "0.2.0" }));
}

/** The configuration rendered before the crash. */
export function crashStart() {
  return demoConfig(demoComponent(), demoComponent({ name: "other", namespace: "other", layer: "critical", routes: [], secrets: [] }));
}

// Only as the child process: importing this module (the test does, for the configurations) renders nothing.
const childRoot = process.env.HOMELAB_CRASH_CHILD_ROOT;
if (childRoot) await render({ root: childRoot, config: crashTarget() });
