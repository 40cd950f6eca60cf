export { containedPath, isBelow, realInside, realInsideSync, relativePathProblem, resolveInside } from "./contain.js";
