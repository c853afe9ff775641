export function total(prices: number[]): number {
  return prices.reduce((a, b) => a + b, 0);
}

const count: number = "three";
export const label: string = total([1, 2]);
