// Package report compiles but has mistakes go vet reports.
package report

import "fmt"

func Summary(name string, count int) string {
	return fmt.Sprintf("%s has %d items", count, name)
}

func Print(total int) {
	fmt.Printf("total: %s\n", total)
}

// Total has code after its return, which go vet reports and go test's
// vet subset does not.
func Total(xs []int) int {
	sum := 0
	for _, x := range xs {
		sum += x
	}
	return sum
	fmt.Println("done")
	return 0
}
