import { defineConfig } from 'vitest/config'

// dir is resolved from the working directory: these tests are found
// when vitest runs in the package, not from the workspace file at the root.
export default defineConfig({
  test: { dir: './tests', watch: false },
})
