// Package model holds preflight's pure types and rules: findings, facts,
// collector results, snapshots, scoring and the verdict. It does no I/O.
package model

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Severity orders findings; the zero value is Info so an unset severity never
// escalates a verdict by accident.
type Severity int

const (
	Info Severity = iota
	Low
	Medium
	High
	Blocker
)

var severityNames = [...]string{"info", "low", "medium", "high", "blocker"}

// Severities lists every severity from most to least severe, the order
// people read them in.
var Severities = []Severity{Blocker, High, Medium, Low, Info}

func (s Severity) String() string {
	if s < Info || s > Blocker {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity accepts the lower-case names used in reports and config.
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(n, name) {
			return Severity(i), nil
		}
	}
	return Info, fmt.Errorf("unknown severity %q (want blocker, high, medium, low or info)", name)
}

func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

func (s *Severity) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return err
	}
	v, err := ParseSeverity(name)
	if err != nil {
		return err
	}
	*s = v
	return nil
}
