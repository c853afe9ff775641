// Package calc has a deliberate bug in Div so that its tests fail.
package calc

func Add(a, b int) int { return a + b }

func Div(a, b int) int {
	if b == 0 {
		return 0
	}
	return a * b
}
