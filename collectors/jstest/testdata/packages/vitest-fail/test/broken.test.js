import { it, expect } from 'vitest'
import { missing } from '../src/does-not-exist.js'

it('never runs', () => {
  expect(missing).toBe(1)
})
