var hidden = 1
export default hidden
