package billing

import "testing"

func TestTotalWithoutVAT(t *testing.T) {
	got := TotalCents([]Line{{SKU: "a", Quantity: 2, UnitCents: 150}}, 0)
	if got != 300 {
		t.Fatalf("total = %d, want 300", got)
	}
}

func TestTotalWithVAT(t *testing.T) {
	got := TotalCents([]Line{{SKU: "a", Quantity: 1, UnitCents: 1000}}, 2000)
	if got != 1200 {
		t.Errorf("total with 20%% VAT = %d, want 1200", got)
	}
}
