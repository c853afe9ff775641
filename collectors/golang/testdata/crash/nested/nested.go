// Package nested has a subtest that panics.
package nested

func Lookup(m map[string]int, k string) int {
	v, ok := m[k]
	if !ok {
		panic("missing key " + k)
	}
	return v
}
