export function f(a: number {
  return a * 2;
}

const wrong: string = 1;
