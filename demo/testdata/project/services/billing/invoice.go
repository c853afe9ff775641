// Package billing turns orders into invoices.
package billing

// Line is one invoiced item.
type Line struct {
	SKU       string
	Quantity  int
	UnitCents int
}

// TotalCents is the invoice total including VAT in basis points.
func TotalCents(lines []Line, vatBasisPoints int) int {
	net := 0
	for _, l := range lines {
		net += l.Quantity * l.UnitCents
	}
	return net + net*vatBasisPoints/1000 // basis points are 1/10000
}
