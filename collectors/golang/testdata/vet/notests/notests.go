// Package notests has no tests, so go test never vets it: its mistakes are
// the build collector's to report.
package notests

import "fmt"

func Label(n int) string {
	return fmt.Sprintf("%s items", n)
}
