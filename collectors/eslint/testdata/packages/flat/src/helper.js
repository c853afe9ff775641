export function helper(x) {
  // eslint-disable-next-line no-console
  return x + 1
}

export function noisy() {
  console.warn('noisy') // eslint-disable-line no-console
}
