package svc

import "testing"

func TestTotal(t *testing.T) {
	if got := Total(100, 1000); got != 110 {
		t.Errorf("Total(100, 1000) = %d, want 110", got)
	}
}

func TestZero(t *testing.T) {
	if Total(0, 2000) != 0 {
		t.Fatal("zero net must stay zero")
	}
}
