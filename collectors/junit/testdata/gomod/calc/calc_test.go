package calc

import "testing"

func TestAdd(t *testing.T) {
	if got := Add(2, 3); got != 5 {
		t.Fatalf("Add(2, 3) = %d, want 5", got)
	}
}

func TestDiv(t *testing.T) {
	if got := Div(6, 3); got != 2 {
		t.Errorf("Div(6, 3) = %d, want 2", got)
	}
}

func TestDivTable(t *testing.T) {
	for _, tc := range []struct {
		name       string
		a, b, want int
	}{
		{"exact", 8, 4, 2},
		{"by zero", 1, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Div(tc.a, tc.b); got != tc.want {
				t.Errorf("Div(%d, %d) = %d, want %d", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

func TestLater(t *testing.T) {
	t.Skip("not written yet")
}
