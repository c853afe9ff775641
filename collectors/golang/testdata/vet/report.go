// Package report compiles but has mistakes go vet reports.
package report

import "fmt"

func Summary(name string, count int) string {
	return fmt.Sprintf("%s has %d items", count, name)
}

func Print(total int) {
	fmt.Printf("total: %s\n", total)
}
