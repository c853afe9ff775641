package shapes

import "testing"

func TestArea(t *testing.T) {
	if Area(2, 3) != 6 {
		t.Fatal("area")
	}
}

func TestScaleRejectsZero(t *testing.T) {
	if _, _, err := Scale(1, 1, 0); err == nil {
		t.Fatal("no error")
	}
}
