import { orderTotal, parseOrderId } from "./orders";

export function describe(rawId: string): string {
  const id = parseOrderId(rawId);
  return `order ${id}: ${orderTotal.toFixed(2)}`;
}
