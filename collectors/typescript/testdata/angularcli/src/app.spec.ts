// Compiled by ng test through src/tsconfig.spec.json.
export const ok: number = 1;
