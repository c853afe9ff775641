import { describe, it, expect } from 'vitest'
import { total } from '../src/cart.js'

describe('cart', () => {
  describe('total', () => {
    it('sums prices', () => {
      expect(total([{ price: 2 }, { price: 3 }])).toBe(5)
    })
    it('applies the discount', () => {
      expect(total([{ price: 10 }], 0.1)).toBe(9)
    })
  })
  it('rejects negative prices', () => {
    expect(() => total([{ price: -1 }])).toThrow('negative')
  })
})
