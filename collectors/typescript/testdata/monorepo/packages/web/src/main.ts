export function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

export const label = `total: ${sum([1, 2, 3])}`;
