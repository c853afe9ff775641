import { formatPrice } from "./money";

export interface Order {
  id: string;
  customer: string;
  total: number;
  lines: OrderLine[];
}

export interface OrderLine {
  sku: string;
  quantity: number;
  price: number;
}

export function draftOrder(id: string, customer: string): Order {
  const order = { id, customer, lines: [] };
  return order;
}

export function orderTotal(order: Order): number {
  return order.lines.reduce((sum, line) => sum + line.price * line.quantity, 0);
}

export function receipt(order: Order): string {
  const total: number = formatPrice(orderTotal(order));
  return `${order.id}: ${total}`;
}

export function restore(saved: Record<string, string>): Order {
  const restored = { id: saved.id, customer: saved.customer, total: saved.total, lines: [] };
  const order: Order = restored;
  return order;
}
