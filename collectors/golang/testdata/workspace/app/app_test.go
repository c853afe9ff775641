package app

import "testing"

func TestThree(t *testing.T) {
	if Three() != 3 {
		t.Fatal("1 + 2 != 3")
	}
}
