const sum = require('./sum')

describe('sum', () => {
  test('adds small numbers', () => {
    expect(sum(1, 2)).toBe(3)
  })
  test('adds negatives', () => {
    expect(sum(-1, -2)).toBe(-3)
  })
  test.skip('adds strings', () => {})
  test.todo('adds big numbers')
})

test('zero is neutral', () => {
  expect(sum(5, 0)).toBe(5)
})
