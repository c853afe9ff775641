import { it, expect } from 'vitest'

it('would pass', () => {
  expect(1).toBe(1)
})
