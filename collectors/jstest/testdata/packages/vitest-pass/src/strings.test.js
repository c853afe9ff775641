import { test, expect } from 'vitest'

test('joins words', () => {
  expect(['a', 'b'].join('-')).toBe('a-b')
})
