import { add, label } from "../../core/src/index.js";

export const sum: string = add(1, 2);
export const shout = label.toUpperCase();
