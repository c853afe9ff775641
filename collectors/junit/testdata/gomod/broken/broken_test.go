package broken

import "testing"

func TestValue(t *testing.T) {
	var s string = Value()
	_ = s
}
