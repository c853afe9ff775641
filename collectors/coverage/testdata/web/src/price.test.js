import { test, expect } from 'vitest'
import { net } from './price.js'

test('net removes the tax', () => {
  expect(net(120, 0.2)).toBe(100)
})
