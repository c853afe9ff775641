package nested

import "testing"

func TestLookup(t *testing.T) {
	m := map[string]int{"a": 1}
	t.Run("present", func(t *testing.T) {
		if Lookup(m, "a") != 1 {
			t.Error("Lookup(a) != 1")
		}
	})
	t.Run("absent", func(t *testing.T) {
		Lookup(m, "b")
	})
}
