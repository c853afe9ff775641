package npmaudit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Report is npm audit's JSON report as npm 7 and later write it
// (auditReportVersion 2): one entry per vulnerable package.
type Report struct {
	AuditReportVersion int                      `json:"auditReportVersion"`
	Vulnerabilities    map[string]Vulnerability `json:"vulnerabilities"`
	Metadata           struct {
		Vulnerabilities map[string]int `json:"vulnerabilities"`
		Dependencies    struct {
			Total int `json:"total"`
		} `json:"dependencies"`
	} `json:"metadata"`
}

// Vulnerability is one vulnerable package.
type Vulnerability struct {
	Name         string       `json:"name"`
	Severity     string       `json:"severity"`
	IsDirect     bool         `json:"isDirect"`
	Via          []Via        `json:"via"`
	Effects      []string     `json:"effects"`
	Range        string       `json:"range"`
	Nodes        []string     `json:"nodes"`
	FixAvailable FixAvailable `json:"fixAvailable"`
}

// Via is either an advisory that affects the package itself or the name of
// a dependency through which it is vulnerable.
type Via struct {
	Dependency string // set when the package is vulnerable through another
	Advisory   *Advisory
}

// Advisory is one security advisory.
type Advisory struct {
	Source   int    `json:"source"`
	Name     string `json:"name"`
	Title    string `json:"title"`
	URL      string `json:"url"`
	Severity string `json:"severity"`
	Range    string `json:"range"`
}

func (v *Via) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &v.Dependency)
	}
	v.Advisory = &Advisory{}
	return json.Unmarshal(b, v.Advisory)
}

// FixAvailable is npm's fixAvailable: false, true (npm audit fix will fix
// it), or the package npm audit fix would update and whether that update
// is semver-major.
type FixAvailable struct {
	Available     bool
	Name, Version string
	SemVerMajor   bool
}

func (f *FixAvailable) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("true")):
		f.Available = true
	case bytes.Equal(b, []byte("false")), bytes.Equal(b, []byte("null")):
	default:
		var o struct {
			Name          string `json:"name"`
			Version       string `json:"version"`
			IsSemVerMajor bool   `json:"isSemVerMajor"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		*f = FixAvailable{Available: true, Name: o.Name, Version: o.Version, SemVerMajor: o.IsSemVerMajor}
	}
	return nil
}

// RegistryError is what npm audit prints instead of a report when the
// advisory endpoint fails: a network error, or a 4xx/5xx answer.
type RegistryError struct {
	Message    string `json:"message"`
	StatusCode int    `json:"statusCode"`
	URI        string `json:"uri"`
	Code       string // npm's error code (ENOLOCK …), when it gives one
	Summary    string
	Detail     string
}

func (e *RegistryError) Error() string {
	var parts []string
	for _, s := range []string{e.Message, e.Summary, e.Detail} {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(parts, s) {
			parts = append(parts, s)
		}
	}
	msg := strings.Join(parts, ": ")
	if e.Code != "" {
		msg = e.Code + " " + msg
	}
	if msg == "" {
		msg = "npm audit failed without a message"
	}
	return msg
}

// ErrUnsupportedVersion is returned for reports other than version 2,
// such as npm 6's advisories/actions layout.
var ErrUnsupportedVersion = errors.New("unsupported npm audit report")

// Parse reads npm audit --json output. It returns the report, or a
// *RegistryError when npm printed its error object, or another error when
// the output is not something npm audit writes.
func Parse(out []byte) (*Report, error) {
	var probe struct {
		AuditReportVersion *int             `json:"auditReportVersion"`
		Vulnerabilities    json.RawMessage  `json:"vulnerabilities"`
		Advisories         json.RawMessage  `json:"advisories"`
		Message            *string          `json:"message"`
		StatusCode         int              `json:"statusCode"`
		URI                string           `json:"uri"`
		Error              *json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(out, &probe); err != nil {
		return nil, fmt.Errorf("npm audit did not print JSON: %v", err)
	}
	if probe.AuditReportVersion == nil {
		if probe.Advisories != nil {
			return nil, fmt.Errorf("%w: npm 6 layout (advisories/actions); preflight reads npm 7+ reports (auditReportVersion 2)", ErrUnsupportedVersion)
		}
		if probe.Message != nil || probe.Error != nil {
			e := &RegistryError{StatusCode: probe.StatusCode, URI: probe.URI}
			if probe.Message != nil {
				e.Message = *probe.Message
			}
			if probe.Error != nil {
				var inner struct {
					Code    string `json:"code"`
					Summary string `json:"summary"`
					Detail  string `json:"detail"`
				}
				if json.Unmarshal(*probe.Error, &inner) == nil {
					e.Code, e.Summary, e.Detail = inner.Code, inner.Summary, inner.Detail
				}
			}
			return nil, e
		}
		return nil, errors.New("npm audit printed JSON without auditReportVersion")
	}
	if *probe.AuditReportVersion != 2 {
		return nil, fmt.Errorf("%w: auditReportVersion %d; preflight reads version 2 (npm 7 and later)", ErrUnsupportedVersion, *probe.AuditReportVersion)
	}
	var r Report
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, fmt.Errorf("npm audit report is malformed: %v", err)
	}
	for name, v := range r.Vulnerabilities {
		if v.Name == "" {
			v.Name = name
			r.Vulnerabilities[name] = v
		}
		if _, ok := severityOf[v.Severity]; !ok {
			return nil, fmt.Errorf("npm audit report: %s has unknown severity %q", name, v.Severity)
		}
	}
	return &r, nil
}

// Sorted lists the vulnerabilities most severe first, then by name.
func (r *Report) Sorted() []Vulnerability {
	out := make([]Vulnerability, 0, len(r.Vulnerabilities))
	for _, v := range r.Vulnerabilities {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool {
		if severityOf[out[i].Severity] != severityOf[out[j].Severity] {
			return severityOf[out[i].Severity] > severityOf[out[j].Severity]
		}
		return out[i].Name < out[j].Name
	})
	return out
}
