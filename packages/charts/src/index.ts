export { charts } from "../generated/registry.js";
