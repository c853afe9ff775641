package broken

func Oops() int {
	return "not a number"
}
