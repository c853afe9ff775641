export function add(a: number, b: number): number {
  return a + b;
}

export const label: string = 42;
