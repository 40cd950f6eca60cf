import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/**/*.test.ts", "tools/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/.tmp/**"],
    // Several suites spawn git, Nx and Go-built wasm; two cores, so keep forks bounded.
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
