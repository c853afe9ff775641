export const x: number = "one";
