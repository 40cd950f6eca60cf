/** Worker thread body: one more shim instance, fed whole batches by pool.ts. */
import { parentPort, workerData } from "node:worker_threads";
import { Shim, type ShimConfig, type WasmModule } from "./wasm.js";

const data = workerData as { preopens: Record<string, string>; config: ShimConfig; module: WasmModule };
const port = parentPort!;
try {
  const shim = await Shim.load(data.preopens, data.config, data.module);
  port.on("message", (files: Uint8Array[]) => {
    try {
      port.postMessage({ answer: shim.validate(files.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength))) });
    } catch (error) {
      port.postMessage({ error: String(error) });
    }
  });
  port.postMessage({ ready: true });
} catch (error) {
  port.postMessage({ error: String(error) });
}
