import { packageBuild } from "../../tsup.base.js";

// vitest is only ever loaded by test files that already run under it (testing subpath helpers).
export default packageBuild({ index: "src/index.ts", testing: "src/testing/index.ts" }, { external: ["vitest"] });
