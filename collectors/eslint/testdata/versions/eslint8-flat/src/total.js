var count = 1;
const unused = 2;

export function total(x) {
  if (x == null) return count;
  return x + count;
}
