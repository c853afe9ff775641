var expected = 1
export { expected }
