// Package clean builds, vets and tests without a complaint.
package clean

func Max(a, b int) int {
	if a > b {
		return a
	}
	return b
}
