// The build's own config: checked by tsconfig.node.json.
export const outDir: string = 42;
