// Package sarifdoc is the part of SARIF 2.1.0 (the OASIS static analysis
// results format) that preflight writes and reads: one set of types for
// the reports it writes and the logs of other tools it imports. Fields
// only one side uses are omitempty, so that a log written has only what
// the writer set.
package sarifdoc

// Version is the only SARIF version preflight writes and reads.
const Version = "2.1.0"

// Log is a SARIF file.
type Log struct {
	Schema  string `json:"$schema,omitempty"`
	Version string `json:"version"`
	Runs    []Run  `json:"runs"`
}

// Run is one tool's run.
type Run struct {
	Tool               Tool                        `json:"tool"`
	AutomationDetails  *AutomationDetails          `json:"automationDetails,omitempty"`
	OriginalURIBaseIDs map[string]ArtifactLocation `json:"originalUriBaseIds,omitempty"`
	Invocations        []Invocation                `json:"invocations"`
	Results            []Result                    `json:"results"`
	Artifacts          []Artifact                  `json:"artifacts,omitempty"`
	Properties         map[string]any              `json:"properties,omitempty"`
}

// AutomationDetails identifies a run among runs of the same tool.
type AutomationDetails struct {
	ID string `json:"id"`
}

// Tool holds the driver, the tool's main component.
type Tool struct {
	Driver Driver `json:"driver"`
}

// Driver names the tool and describes its rules.
type Driver struct {
	Name           string `json:"name"`
	Version        string `json:"version,omitempty"`
	InformationURI string `json:"informationUri,omitempty"`
	Rules          []Rule `json:"rules"`
}

// Rule is a reportingDescriptor.
type Rule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name,omitempty"`
	ShortDescription     Message            `json:"shortDescription"`
	FullDescription      *Message           `json:"fullDescription,omitempty"`
	Help                 *Message           `json:"help,omitempty"`
	MessageStrings       map[string]Message `json:"messageStrings,omitempty"`
	DefaultConfiguration Configuration      `json:"defaultConfiguration"`
	Properties           map[string]any     `json:"properties,omitempty"`
}

// Configuration is a rule's default configuration.
type Configuration struct {
	Level string `json:"level"`
}

// Message is a message or a multiformat message string: text, markdown,
// or the id of one of the rule's message strings with its arguments.
type Message struct {
	Text      string   `json:"text"`
	Markdown  string   `json:"markdown,omitempty"`
	ID        string   `json:"id,omitempty"`
	Arguments []string `json:"arguments,omitempty"`
}

// ArtifactLocation is a URI, possibly relative to a named base.
type ArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

// Artifact is a file the run looked at.
type Artifact struct {
	Location ArtifactLocation `json:"location"`
}

// Invocation is one run of the tool.
type Invocation struct {
	ExecutionSuccessful bool              `json:"executionSuccessful"`
	CommandLine         string            `json:"commandLine,omitempty"`
	ExitCode            *int              `json:"exitCode,omitempty"`
	StartTimeUTC        string            `json:"startTimeUtc,omitempty"`
	EndTimeUTC          string            `json:"endTimeUtc,omitempty"`
	Notifications       []Notification    `json:"toolExecutionNotifications,omitempty"`
	WorkingDirectory    *ArtifactLocation `json:"workingDirectory,omitempty"`
	Properties          map[string]any    `json:"properties"`
}

// Notification is something the tool says about its run, not the code.
type Notification struct {
	Level   string  `json:"level"`
	Message Message `json:"message"`
}

// Result is one finding of a run.
type Result struct {
	RuleID    string         `json:"ruleId"`
	RuleIndex *int           `json:"ruleIndex,omitempty"`
	Rule      *RuleReference `json:"rule,omitempty"`
	// Kind is fail (the default), or pass, notApplicable … for results
	// that are not problems.
	Kind                string            `json:"kind,omitempty"`
	Level               string            `json:"level"`
	Message             Message           `json:"message"`
	Locations           []Location        `json:"locations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Suppressions        []Suppression     `json:"suppressions,omitempty"`
	// BaselineState is new, unchanged, updated or absent (fixed).
	BaselineState string         `json:"baselineState,omitempty"`
	Properties    map[string]any `json:"properties"`
}

// RuleReference names a result's rule by id or by index in the driver's
// rules, where the result has no ruleId or ruleIndex of its own.
type RuleReference struct {
	ID    string `json:"id,omitempty"`
	Index *int   `json:"index,omitempty"`
}

// Location is where a result is.
type Location struct {
	PhysicalLocation *PhysicalLocation `json:"physicalLocation,omitempty"`
}

// PhysicalLocation is a file and, optionally, a region of it.
type PhysicalLocation struct {
	ArtifactLocation ArtifactLocation `json:"artifactLocation"`
	Region           *Region          `json:"region,omitempty"`
}

// Region is a start line and column, 1-based.
type Region struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// Suppression says a result was accepted (or is under review) rather
// than fixed.
type Suppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status,omitempty"`
	Justification string `json:"justification,omitempty"`
}
