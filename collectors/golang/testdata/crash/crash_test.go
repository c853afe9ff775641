package crash

import "testing"

func TestFirst(t *testing.T) {
	if At([]int{7}, 0) != 7 {
		t.Error("At(0) is wrong")
	}
}

func TestOutOfRange(t *testing.T) {
	At([]int{7}, 3)
}

func TestNeverRuns(t *testing.T) {}
