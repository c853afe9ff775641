import { total } from "./sum.js";

export const shown: string = total([1, 2, 3]);
