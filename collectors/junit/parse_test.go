package junit

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseCaptured(t *testing.T) {
	tests := []struct {
		report                  string
		passed, failed, skipped int
		suites, suitesFailed    int
		titles                  []string // Title() + first line of Text, per failure
		refs                    [][]Ref
	}{
		{
			report: "gotestsum.xml", passed: 2, failed: 4, skipped: 1, suites: 2, suitesFailed: 2,
			titles: []string{
				"TestMain: FAIL\texample.com/calc/broken [build failed]",
				"example.com/calc/calc › TestDiv: calc_test.go:13: Div(6, 3) = 18, want 2",
				"example.com/calc/calc › TestDivTable/exact: calc_test.go:27: Div(8, 4) = 32, want 2",
				"example.com/calc/calc › TestDivTable: ",
			},
			refs: [][]Ref{nil, {{"calc_test.go", 13, 0}}, {{"calc_test.go", 27, 0}}, nil},
		},
		{
			report: "vitest.xml", passed: 1, failed: 3, suites: 2, suitesFailed: 2,
			titles: []string{
				"test/broken.test.js: Error: Cannot find module '../src/does-not-exist.js' imported from " + "/work/main/collectors/jstest/testdata/packages/vitest-fail/test/broken.test.js",
				"test/cart.test.js › cart > total > applies the discount: AssertionError: expected 10 to be 9 // Object.is equality",
				"test/cart.test.js › cart > rejects negative prices: AssertionError: expected [Function] to throw an error",
			},
			refs: [][]Ref{
				{{"test/broken.test.js", 2, 1}},
				{{"test/cart.test.js", 10, 43}},
				{{"test/cart.test.js", 14, 42}},
			},
		},
		{
			report: "jest-junit.xml", passed: 1, failed: 4, suites: 2, suitesFailed: 2,
			titles: []string{
				"cart total applies the discount: Error: expect(received).toBe(expected) // Object.is equality",
				"cart rejects negative prices: Error: expect(received).toThrow(expected)",
				"Test suite failed to run › __tests__/broken.test.js: Cannot find module '../src/does-not-exist' from '__tests__/broken.test.js'",
				`Test suite failed to run › __tests__/broken.test.js: {"code":"MODULE_NOT_FOUND","hint":"","requireStack":["/work/main/collectors/jstest/testdata/packages/jest-fail/__tests__/broken.test.js"],"siblingWithSimilarExtensionFound":false,"moduleName":"../src/does-not-exist","_originalMessage":"Cannot find module '../src/does-not-exist' from '__tests__/broken.test.js'"}`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.report, func(t *testing.T) {
			data := loadCaptured(t, tt.report)
			rep, err := Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			got := [5]int{rep.Passed, rep.Failed, rep.Skipped, rep.Suites, rep.SuitesFailed}
			want := [5]int{tt.passed, tt.failed, tt.skipped, tt.suites, tt.suitesFailed}
			if got != want {
				t.Errorf("passed/failed/skipped/suites/suitesFailed = %v, want %v", got, want)
			}
			var titles []string
			for _, f := range rep.Failures {
				first, _, _ := strings.Cut(f.Text, "\n")
				titles = append(titles, f.Title()+": "+first)
			}
			if !reflect.DeepEqual(titles, tt.titles) {
				t.Errorf("failures\n got %q\nwant %q", titles, tt.titles)
			}
			for i, f := range rep.Failures {
				if tt.refs != nil && !reflect.DeepEqual(f.Refs, tt.refs[i]) {
					t.Errorf("failure %d refs %+v, want %+v", i, f.Refs, tt.refs[i])
				}
			}
		})
	}
}

// jest-junit writes the test file and keeps the expected and received
// values in the text; stack frames, code frames and markers are dropped.
func TestFailureTextIsCleaned(t *testing.T) {
	data := loadCaptured(t, "jest-junit.xml")
	rep, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	f := rep.Failures[0]
	if f.File != "__tests__/cart.test.js" || f.Text != "Error: expect(received).toBe(expected) // Object.is equality\n\nExpected: 9\nReceived: 10" {
		t.Errorf("file %q text %q", f.File, f.Text)
	}
	if broken := rep.Failures[2]; !broken.Errored || strings.Contains(broken.Text, "require(") || strings.Contains(broken.Text, "Test suite failed to run\n") {
		t.Errorf("suite error %+v", broken)
	}
}

func TestParseVariants(t *testing.T) {
	tests := []struct {
		name, xml               string
		passed, failed, skipped int
		suitesFailed            int
		title                   string
	}{
		{"single suite root with attributes", `<testsuite name="s"><testcase name="a" classname="pkg.A" file="src/a.py" line="12"><failure message="boom">x</failure></testcase><testcase name="b"><skipped/></testcase></testsuite>`,
			0, 1, 1, 1, "pkg.A › a"},
		{"nested suites", `<testsuites><testsuite name="outer"><testsuite name="inner"><testcase name="a"/></testsuite></testsuite></testsuites>`, 1, 0, 0, 0, ""},
		{"suite error without cases", `<testsuites><testsuite name="load" tests="0" errors="1"></testsuite></testsuites>`, 0, 0, 0, 1, "load"},
		{"suite-level error element", `<testsuite name="s"><error message="setup">boom</error></testsuite>`, 0, 0, 0, 1, "s"},
		{"latin-1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><testsuite name=\"caf\xe9\"><testcase name=\"t\"><error>\xe9</error></testcase></testsuite>", 0, 1, 0, 1, "t"},
		{"no cases at all", `<testsuites/>`, 0, 0, 0, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Parse([]byte(tt.xml))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Passed != tt.passed || rep.Failed != tt.failed || rep.Skipped != tt.skipped || rep.SuitesFailed != tt.suitesFailed {
				t.Errorf("%+v", rep)
			}
			if tt.title != "" && (len(rep.Failures) == 0 || rep.Failures[0].Title() != tt.title) {
				t.Errorf("failures %+v, want title %q", rep.Failures, tt.title)
			}
		})
	}
	rep, _ := Parse([]byte(tests[0].xml))
	if f := rep.Failures[0]; f.File != "src/a.py" || f.Line != 12 || f.Text != "x" {
		t.Errorf("attributes: %+v", f)
	}
}

func TestParseRejectsWhatIsNotJUnit(t *testing.T) {
	for _, in := range []string{``, `<coverage line-rate="0.5"/>`, `<testsuite><testcase>`, `not xml`, `<?xml version="1.0" encoding="EBCDIC"?><testsuite/>`} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func TestReportNames(t *testing.T) {
	for p, want := range map[string][2]bool{
		"junit.xml":                     {true, false},
		"web/junit-e2e.xml":             {true, false},
		"target/TEST-com.x.FooTest.xml": {true, false},
		"test-results/e2e/results.xml":  {false, true},
		"reports/cobertura.xml":         {false, true},
		"web/report.xml":                {false, false},
		"junit.json":                    {false, false},
		"reports/junit.XML":             {true, true},
	} {
		named, inDir := IsReportName(p)
		if [2]bool{named, inDir} != want {
			t.Errorf("%s: named %v inDir %v, want %v", p, named, inDir, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"gotestsum.xml", "vitest.xml", "jest-junit.xml"} {
		data := loadCaptured(f, name)
		f.Add(data)
	}
	f.Add([]byte(`<testsuite errors="-3" failures="x"><testcase line="-1"><error/></testcase></testsuite>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := Parse(data)
		if err != nil {
			return
		}
		if rep.Passed < 0 || rep.Failed < 0 || rep.Skipped < 0 || rep.SuitesFailed > rep.Suites {
			t.Fatalf("impossible counts %+v", rep)
		}
		if len(rep.Failures) < rep.Failed {
			t.Fatalf("%d failed but %d failures", rep.Failed, len(rep.Failures))
		}
		for _, fl := range rep.Failures {
			if fl.Line < 0 || fl.Title() == "" {
				t.Fatalf("bad failure %+v", fl)
			}
			for _, r := range fl.Refs {
				if r.Line <= 0 || r.Path == "" {
					t.Fatalf("bad ref %+v", r)
				}
			}
		}
	})
}
