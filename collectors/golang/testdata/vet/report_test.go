package report

import "testing"

func TestPrint(t *testing.T) {
	Print(3)
}
