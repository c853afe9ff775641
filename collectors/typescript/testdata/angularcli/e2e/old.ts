// A leftover no build compiles: only tsc on the base config would read it.
export const broken: number = "e2e";
