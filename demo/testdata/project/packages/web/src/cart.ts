export interface CartLine {
  sku: string;
  quantity: number;
}

export function addLine(lines: CartLine[], sku: string): CartLine[] {
  const existing = lines.find((l) => l.sku === sku);
  if (existing) {
    return lines.map((l) => (l.sku === sku ? { ...l, quantity: l.quantity + 1 } : l));
  }
  return [...lines, { sku, quantity: 1 }];
}
