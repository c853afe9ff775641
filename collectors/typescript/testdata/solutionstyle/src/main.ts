// The app's code: checked by tsconfig.app.json, which the solution-style
// tsconfig.json references.
export const count: number = "three";
