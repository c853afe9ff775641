// Package bad does not compile, on purpose.
package bad

func Half(n int) int {
	return n / two
}

func Name() string {
	return 42
}
