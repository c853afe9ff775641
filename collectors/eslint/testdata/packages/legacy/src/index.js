var total = 0
module.exports = function add(n) {
  total += n
  return totl
}
