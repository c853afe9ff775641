package clean

import "testing"

func TestMax(t *testing.T) {
	if Max(2, 3) != 3 || Max(3, 2) != 3 {
		t.Error("Max picked the smaller number")
	}
}
