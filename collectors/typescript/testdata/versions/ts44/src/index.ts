import { greet } from "./greet";

const count: number = "three";
export const message: string = greet(42);
export const total = count + missing;

// @ts-expect-error
export const fine: number = 1;
