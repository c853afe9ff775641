package model

// DomainInfo describes one readiness domain. Ids are stable lower-case words
// used in reports; weights decide how much a domain moves the overall score.
type DomainInfo struct {
	ID     string
	Name   string
	Weight float64
}

// Domains is the built-in domain table in display order.
var Domains = []DomainInfo{
	{ID: "build", Name: "Build", Weight: 3},
	{ID: "tests", Name: "Tests", Weight: 3},
	{ID: "security", Name: "Security", Weight: 3},
	{ID: "deployment", Name: "Deployment", Weight: 2},
	{ID: "performance", Name: "Performance", Weight: 1},
	{ID: "ci", Name: "CI", Weight: 1},
}

// LookupDomain returns the domain with id, or a weight-1 domain named after
// the id for domains this version does not know yet.
func LookupDomain(id string) DomainInfo {
	for _, d := range Domains {
		if d.ID == id {
			return d
		}
	}
	return DomainInfo{ID: id, Name: id, Weight: 1}
}
