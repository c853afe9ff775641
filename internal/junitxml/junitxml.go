// Package junitxml is the JUnit XML report format as preflight writes it
// (check --format junit) and reads it (the reports of test runners): one
// set of types for both. Suites nest at any depth, and the root is a
// <testsuites> or a single <testsuite>, so one Suite type is every level.
package junitxml

import (
	"encoding/xml"
	"strconv"
	"strings"
)

// Suite is a <testsuites> or <testsuite> element.
type Suite struct {
	XMLName    xml.Name
	Name       string      `xml:"name,attr"`
	Tests      Count       `xml:"tests,attr"`
	Failures   Count       `xml:"failures,attr"`
	Errors     Count       `xml:"errors,attr"`
	Skipped    Count       `xml:"skipped,attr"`
	Time       string      `xml:"time,attr"`
	Timestamp  string      `xml:"timestamp,attr,omitempty"`
	Properties *Properties `xml:"properties,omitempty"`
	Suites     []Suite     `xml:"testsuite"`
	Cases      []Case      `xml:"testcase"`
	// SuiteErrors are <error> elements of the suite itself, where some
	// tools report a file that could not load.
	SuiteErrors []Issue `xml:"error"`
}

// Properties are a suite's name=value pairs.
type Properties struct {
	Props []Property `xml:"property"`
}

// Property is one name=value pair.
type Property struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// Case is a <testcase>: passed, or failed, errored or skipped.
type Case struct {
	Name      string  `xml:"name,attr"`
	Classname string  `xml:"classname,attr"`
	Time      string  `xml:"time,attr"`
	File      string  `xml:"file,attr,omitempty"`
	Line      Count   `xml:"line,attr,omitempty"`
	Failures  []Issue `xml:"failure"`
	Errors    []Issue `xml:"error"`
	Skipped   *Skip   `xml:"skipped"`
	SystemOut *Text   `xml:"system-out,omitempty"`
}

// Issue is a <failure> (an assertion failed) or an <error> (the test
// crashed).
type Issue struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// Skip is a <skipped> element.
type Skip struct {
	Message string `xml:"message,attr,omitempty"`
}

// Text is an element of text only, such as <system-out>.
type Text struct {
	Text string `xml:",cdata"`
}

// Count is a number attribute. Writers disagree on them enough that one
// that is absent, malformed or negative reads as zero rather than make
// the whole report unreadable.
type Count int

// UnmarshalXMLAttr reads the attribute leniently.
func (c *Count) UnmarshalXMLAttr(attr xml.Attr) error {
	n, err := strconv.Atoi(strings.TrimSpace(attr.Value))
	if err != nil || n < 0 {
		n = 0
	}
	*c = Count(n)
	return nil
}
