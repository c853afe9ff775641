// Compiled by ng build through src/tsconfig.app.json.
export const title: string = 1;
