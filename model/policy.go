package model

// Policy is what a repository's configuration changes about scoring:
// domain names and weights, and which domains decide the verdict. A nil
// Policy is the built-in one.
type Policy struct {
	Domains map[string]DomainOverride
	// Gate lists the domains whose findings and missing evidence decide the
	// verdict; empty means every domain. Other domains are still scored and
	// shown.
	Gate []string
}

// DomainOverride renames or reweighs one domain; zero fields keep the
// built-in value.
type DomainOverride struct {
	Name   string
	Weight *float64 // 0 leaves the domain out of the overall score
}

// Domain returns the domain with id as the policy sees it.
func (p *Policy) Domain(id string) DomainInfo {
	d := LookupDomain(id)
	if p == nil {
		return d
	}
	if o, ok := p.Domains[id]; ok {
		if o.Name != "" {
			d.Name = o.Name
		}
		if o.Weight != nil {
			d.Weight = *o.Weight
		}
	}
	return d
}

// Gates reports whether findings and missing evidence in domain id decide
// the verdict.
func (p *Policy) Gates(id string) bool {
	if p == nil || len(p.Gate) == 0 {
		return true
	}
	for _, g := range p.Gate {
		if g == id {
			return true
		}
	}
	return false
}
