// What require('@myelin/nn') loads: the package is an ES module only (it loads its WebAssembly
// kernels with top-level await), so CommonJS gets this explanation instead of a cryptic error.
const error = new Error(
  '@myelin/nn is an ES module only and cannot be loaded with require(). Use ' +
    '`import { ... } from \'@myelin/nn\'` in an ES module (a .mjs file, or "type": "module" in ' +
    "package.json), or `const myelin = await import('@myelin/nn')` from CommonJS.",
);
error.code = 'ERR_REQUIRE_ESM';
throw error;
