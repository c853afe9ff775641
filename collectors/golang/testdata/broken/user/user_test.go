package user

import "testing"

func TestQuarter(t *testing.T) {
	if Quarter(8) != 2 {
		t.Fatal("Quarter(8) != 2")
	}
}
