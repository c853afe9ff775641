// total ignores the discount and accepts negative prices: the tests catch both.
module.exports = function total(items, discount = 0) {
  return items.reduce((sum, item) => sum + item.price, 0)
}
