const total = require('../src/cart')

describe('cart', () => {
  describe('total', () => {
    test('sums prices', () => {
      expect(total([{ price: 2 }, { price: 3 }])).toBe(5)
    })
    test('applies the discount', () => {
      expect(total([{ price: 10 }], 0.1)).toBe(9)
    })
  })
  test('rejects negative prices', () => {
    expect(() => total([{ price: -1 }])).toThrow('negative')
  })
})
