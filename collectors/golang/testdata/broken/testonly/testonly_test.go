package testonly

import "testing"

func TestTriple(t *testing.T) {
	var want string = Triple(2)
	if want != "6" {
		t.Fatal("Triple(2) != 6")
	}
}
