export interface Customer {
  id: string;
  name: string;
  email: string;
}

export interface Order {
  id: number;
  customer: Customer;
  lines: { sku: string; quantity: number; unitCents: number }[];
}

export function orderTotal(order: Order): number {
  return order.lines.reduce((sum, l) => sum + l.quantity * l.unitCents, 0);
}

// The id comes from the URL and is still a string here.
export function parseOrderId(raw: string): number {
  const id: number = raw;
  return id;
}

export function guestOrder(): Order {
  return {
    id: 1,
    customer: { id: "guest", email: "guest@example.com" },
    lines: [],
  };
}
