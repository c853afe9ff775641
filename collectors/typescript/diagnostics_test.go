package typescript

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/fixturetest"
)

const fixtureRoot = "/repo"

func readCaptured(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "captured", name))
	if err != nil {
		t.Fatalf("%v (rewrite with: go test -run TestCapture -capture)", err)
	}
	return data
}

// checkerDiagnostics reads a captured checker run: the ready line,
// then the reply to request 1.
func checkerDiagnostics(t testing.TB, data []byte) []Diagnostic {
	t.Helper()
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	if len(lines) != 2 {
		t.Fatalf("want ready line and one reply, got %d lines", len(lines))
	}
	ready, err := ParseCheckerReply(lines[0], fixtureRoot, fixtureRoot)
	if err != nil || !ready.Ready || ready.Version != "5.9.3" {
		t.Fatalf("ready line: %+v, %v", ready, err)
	}
	reply, err := ParseCheckerReply(lines[1], fixtureRoot, fixtureRoot)
	if err != nil {
		t.Fatal(err)
	}
	if reply.ID != 1 || reply.Error != "" {
		t.Fatalf("reply: %+v", reply)
	}
	return reply.Diagnostics
}

func TestParseCapturedOutput(t *testing.T) {
	typeMismatch := "Type 'string' is not assignable to type 'number'."
	tests := []struct {
		name string
		want []Diagnostic
	}{
		{"monorepo-api", []Diagnostic{
			{File: "packages/api/src/index.ts", Line: 6, Column: 33, Category: "error", Code: 2322, Message: typeMismatch},
			{File: "packages/api/src/index.ts", Line: 9, Column: 7, Category: "error", Code: 2322, Message: typeMismatch},
			{File: "packages/api/src/index.ts", Line: 13, Column: 16, Category: "error", Code: 2345,
				Message: "Argument of type '{ id: number; name: string; }' is not assignable to parameter of type 'User'.\n" +
					"  Property 'address' is missing in type '{ id: number; name: string; }' but required in type 'User'."},
			{File: "packages/api/src/index.ts", Line: 16, Column: 22, Category: "error", Code: 2304, Message: "Cannot find name 'count'."},
			{File: "packages/api/src/index.ts", Line: 19, Column: 14, Category: "error", Code: 2322,
				Message: "Type '{ id: number; name: string; address: { street: string; zip: string; }; }' is not assignable to type 'User'.\n" +
					"  The types of 'address.zip' are incompatible between these types.\n" +
					"    " + typeMismatch},
		}},
		{"monorepo-web", nil},
		{"projects-badconfig", []Diagnostic{
			{File: "badconfig/src/index.ts", Line: 1, Column: 14, Category: "error", Code: 2322, Message: typeMismatch},
			{File: "badconfig/tsconfig.json", Line: 6, Column: 5, Category: "error", Code: 5023, Message: "Unknown compiler option 'notAnOption'."},
			{File: "badconfig/tsconfig.json", Line: 7, Column: 15, Category: "error", Code: 6046,
				Message: "Argument for '--target' option must be: 'es5', 'es6', 'es2015', 'es2016', 'es2017', 'es2018', 'es2019', 'es2020', 'es2021', 'es2022', 'es2023', 'es2024', 'esnext'."},
		}},
	}
	tests = append(tests, []struct {
		name string
		want []Diagnostic
	}{
		{"projects-badjson", []Diagnostic{
			{File: "badjson/src/index.ts", Line: 1, Column: 14, Category: "error", Code: 2322, Message: typeMismatch},
			{File: "badjson/tsconfig.json", Line: 4, Column: 5, Category: "error", Code: 1005, Message: "',' expected."},
		}},
		{"projects-truncated", []Diagnostic{
			{File: "truncated/src/index.ts", Line: 1, Column: 14, Category: "error", Code: 2322, Message: typeMismatch},
			{File: "truncated/tsconfig.json", Line: 5, Column: 15, Category: "error", Code: 5024, Message: "Compiler option 'noEmit' requires a value of type boolean."},
			{File: "truncated/tsconfig.json", Line: 5, Column: 17, Category: "error", Code: 1005, Message: "'}' expected."},
		}},
		{"projects-badextends", []Diagnostic{
			{Category: "error", Code: 5083, Message: "Cannot read file '/repo/badextends/tsconfig.base.json'."},
			{File: "badextends/src/index.ts", Line: 1, Column: 14, Category: "error", Code: 2322, Message: typeMismatch},
		}},
		{"projects-noinputs", []Diagnostic{
			{Category: "error", Code: 18003, Message: `No inputs were found in config file '/repo/noinputs/tsconfig.json'. Specified 'include' paths were '["source"]' and 'exclude' paths were '[]'.`},
		}},
	}...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTscOutput(readCaptured(t, tt.name+".tsc.txt"), fixtureRoot, fixtureRoot)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("tsc output:\n got %#v\nwant %#v", got, tt.want)
			}
			fromChecker := checkerDiagnostics(t, readCaptured(t, tt.name+".checker.jsonl"))
			if len(fromChecker) == 0 {
				fromChecker = nil
			}
			if !reflect.DeepEqual(fromChecker, tt.want) {
				t.Errorf("checker output:\n got %#v\nwant %#v", fromChecker, tt.want)
			}
		})
	}
}

func TestParseCapturedGlobalAndSyntaxDiagnostics(t *testing.T) {
	nolib, err := ParseTscOutput(readCaptured(t, "projects-nolib.tsc.txt"), fixtureRoot, fixtureRoot)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, d := range nolib {
		if d.File != "" || d.Line != 0 || d.Column != 0 || d.Code != 2318 || d.Category != "error" {
			t.Errorf("want a global TS2318, got %+v", d)
		}
		types = append(types, strings.TrimSuffix(strings.TrimPrefix(d.Message, "Cannot find global type '"), "'."))
	}
	if want := "Array Boolean Function IArguments Number Object RegExp String"; strings.Join(types, " ") != want {
		t.Errorf("global types = %q, want %q", strings.Join(types, " "), want)
	}

	syntax, err := ParseTscOutput(readCaptured(t, "projects-syntax.tsc.txt"), fixtureRoot, fixtureRoot)
	if err != nil {
		t.Fatal(err)
	}
	var at []string
	for _, d := range syntax {
		at = append(at, d.File+":"+itoa(d.Line)+":"+itoa(d.Column)+":TS"+itoa(d.Code))
	}
	want := []string{
		"syntax/src/broken.ts:1:29:TS1005", "syntax/src/broken.ts:2:10:TS1005", "syntax/src/broken.ts:2:12:TS1005",
		"syntax/src/broken.ts:2:14:TS1003", "syntax/src/broken.ts:2:15:TS1138", "syntax/src/broken.ts:3:1:TS1138",
		"syntax/src/broken.ts:5:1:TS1359", "syntax/src/broken.ts:5:7:TS1005", "syntax/src/broken.ts:5:24:TS1005",
		"syntax/src/broken.ts:6:1:TS1005",
	}
	if !reflect.DeepEqual(at, want) {
		t.Errorf("syntax diagnostics:\n got %q\nwant %q", at, want)
	}

	for _, name := range []string{"projects-nolib", "projects-syntax"} {
		fromTsc, _ := ParseTscOutput(readCaptured(t, name+".tsc.txt"), fixtureRoot, fixtureRoot)
		if fromChecker := checkerDiagnostics(t, readCaptured(t, name+".checker.jsonl")); !reflect.DeepEqual(fromChecker, fromTsc) {
			t.Errorf("%s: checker and tsc disagree:\n%#v\n%#v", name, fromChecker, fromTsc)
		}
	}
}

func TestParseTscOutputPaths(t *testing.T) {
	tests := []struct {
		line, workDir, want string
	}{
		{"src/a.ts(1,2): error TS1: m", "/repo", "src/a.ts"},
		{"src/a.ts(1,2): error TS1: m", "/repo/packages/api", "packages/api/src/a.ts"},
		{"src/a.ts(1,2): error TS1: m", "packages/api", "packages/api/src/a.ts"},
		{"../../usr/lib/node_modules/typescript/lib/lib.dom.d.ts(1,2): error TS1: m", "/repo", "/usr/lib/node_modules/typescript/lib/lib.dom.d.ts"},
		{"/elsewhere/x.ts(1,2): error TS1: m", "/repo", "/elsewhere/x.ts"},
		{"/repo/in/x.ts(1,2): error TS1: m", "/repo", "in/x.ts"},
		{"weird (name)/a.ts(3,4): error TS1: m", "/repo", "weird (name)/a.ts"},
		{"a.ts(1,2): error TS1: see b.ts(3,4): error TS2: nested", "/repo", "a.ts"},
	}
	for _, tt := range tests {
		got, err := ParseTscOutput([]byte(tt.line+"\n"), "/repo", tt.workDir)
		if err != nil {
			t.Fatalf("%q: %v", tt.line, err)
		}
		if len(got) != 1 || got[0].File != tt.want {
			t.Errorf("%q in %s: got %+v, want file %q", tt.line, tt.workDir, got, tt.want)
		}
	}
}

func TestParseTscOutputRejectsWhatItDoesNotKnow(t *testing.T) {
	bad := []string{
		"  continuation first\n",
		"Version 5.9.3\n",
		"node:internal/modules/cjs/loader:1228\n  throw err;\n",
		"a.ts(0,1): error TS1: m\n",
		"a.ts(1,0): error TS1: m\n",
		"a.ts(1,1): error TS0: m\n",
		"a.ts(1,1): error TS99999999999999999999: m\n",
		"a.ts(1,1): fatal TS1: m\n",
		"Found 2 errors in the same file, starting at: a.ts:1\n",
	}
	for _, in := range bad {
		if got, err := ParseTscOutput([]byte(in), "/repo", "/repo"); err == nil {
			t.Errorf("%q: want an error, got %+v", in, got)
		}
	}
	crlf := "a.ts(1,2): error TS2322: first\r\n  second\r\n"
	got, err := ParseTscOutput([]byte(crlf), "/repo", "/repo")
	if err != nil || len(got) != 1 || got[0].Message != "first\n  second" {
		t.Errorf("CRLF output: %+v, %v", got, err)
	}
}

func TestParseCheckerReplyRejectsWhatItDoesNotKnow(t *testing.T) {
	bad := []string{
		``,
		`Version 5.9.3`,
		`[1,2]`,
		`{"id":1,`,
		`{}`,
		`{"id":1}`,
		`{"id":-1,"diagnostics":[]}`,
		`{"id":1,"diagnostics":[{"category":"error","code":2322}]}`,
		`{"id":1,"diagnostics":[{"category":"fatal","code":2322,"message":"m"}]}`,
		`{"id":1,"diagnostics":[{"category":"error","code":0,"message":"m"}]}`,
		`{"id":1,"diagnostics":[{"category":"error","code":1,"message":"m","file":"a.ts","line":0,"column":1}]}`,
		`{"id":1,"diagnostics":[{"category":"error","code":1,"message":"m","file":"","line":1,"column":1}]}`,
		`{"id":1,"diagnostics":{"category":"error"}}`,
	}
	for _, in := range bad {
		if got, err := ParseCheckerReply([]byte(in), "/repo", "/repo"); err == nil {
			t.Errorf("%q: want an error, got %+v", in, got)
		}
	}
	failed, err := ParseCheckerReply([]byte(`{"id":7,"error":"TypeError: x is undefined"}`), "/repo", "/repo")
	if err != nil || failed.ID != 7 || failed.Error != "TypeError: x is undefined" {
		t.Errorf("error reply: %+v, %v", failed, err)
	}
	fatal, err := ParseCheckerReply([]byte(`{"fatal":"cannot load TypeScript"}`), "/repo", "/repo")
	if err != nil || fatal.Fatal != "cannot load TypeScript" || fatal.Ready {
		t.Errorf("fatal line: %+v, %v", fatal, err)
	}
}

func TestFormatTscRoundTrips(t *testing.T) {
	for _, c := range capturedCases {
		captured := readCaptured(t, c.name+".tsc.txt")
		diags, err := ParseTscOutput(captured, fixtureRoot, fixtureRoot)
		if err != nil {
			t.Fatal(err)
		}
		if got := formatTsc(diags); got != string(captured) {
			t.Errorf("%s: formatted output differs from tsc's:\n%s\nwant\n%s", c.name, got, captured)
		}
	}
}

// fixtureChain is the configuration of a project of testdata/projects read
// as if the fixture were at /repo, where the captured output was taken.
func fixtureChain(config string, extends ...string) configChain {
	return configChain{root: fixtureRoot, config: config, extends: extends, read: func(rel string) string {
		data, _ := os.ReadFile(filepath.Join("testdata", "projects", filepath.FromSlash(rel)))
		return string(data)
	}}
}

// An error tsc reports in a tsconfig is typescript/invalid-config at its
// line; those it prints without a place (a base config it cannot read, a
// config that matches no file) are placed at the key to change. The code's
// own errors keep their TS rule. tsc and the checker give the same.
func TestConfigErrorsAreFindingsAtTheConfig(t *testing.T) {
	tests := []struct {
		name  string
		chain configChain
		want  []string
	}{
		{"projects-badjson", fixtureChain("badjson/tsconfig.json"), []string{
			"TS2322 badjson/src/index.ts:1:14 Type 'string' is not assignable to type 'number'.",
			"typescript/invalid-config badjson/tsconfig.json:4:5 TS1005: ',' expected.",
		}},
		{"projects-truncated", fixtureChain("truncated/tsconfig.json"), []string{
			"TS2322 truncated/src/index.ts:1:14 Type 'string' is not assignable to type 'number'.",
			"typescript/invalid-config truncated/tsconfig.json:5:15 TS5024: Compiler option 'noEmit' requires a value of type boolean.",
			"typescript/invalid-config truncated/tsconfig.json:5:17 TS1005: '}' expected.",
		}},
		{"projects-badextends", fixtureChain("badextends/tsconfig.json", "badextends/tsconfig.base.json"), []string{
			"typescript/invalid-config badextends/tsconfig.json:2:14 TS5083: Cannot read file 'badextends/tsconfig.base.json'.",
			"TS2322 badextends/src/index.ts:1:14 Type 'string' is not assignable to type 'number'.",
		}},
		{"projects-noinputs", fixtureChain("noinputs/tsconfig.json"), []string{
			`typescript/invalid-config noinputs/tsconfig.json:3:3 TS18003: No inputs were found in config file 'noinputs/tsconfig.json'. Specified 'include' paths were '["source"]' and 'exclude' paths were '[]'.`,
		}},
		{"projects-badconfig", fixtureChain("badconfig/tsconfig.json"), []string{
			"TS2322 badconfig/src/index.ts:1:14 Type 'string' is not assignable to type 'number'.",
			"typescript/invalid-config badconfig/tsconfig.json:6:5 TS5023: Unknown compiler option 'notAnOption'.",
			"typescript/invalid-config badconfig/tsconfig.json:7:15 TS6046: Argument for '--target' option must be: 'es5', 'es6', 'es2015', 'es2016', 'es2017', 'es2018', 'es2019', 'es2020', 'es2021', 'es2022', 'es2023', 'es2024', 'esnext'.",
		}},
	}
	for _, tt := range tests {
		diags, err := ParseTscOutput(readCaptured(t, tt.name+".tsc.txt"), fixtureRoot, fixtureRoot)
		if err != nil {
			t.Fatal(err)
		}
		fromChecker := checkerDiagnostics(t, readCaptured(t, tt.name+".checker.jsonl"))
		for source, ds := range map[string][]Diagnostic{"tsc": diags, "checker": fromChecker} {
			var got []string
			for _, f := range findings("typescript:x", tt.chain.place(ds), tt.chain) {
				got = append(got, f.Rule+" "+f.Location()+" "+f.Message)
				if f.Severity.String() != "blocker" {
					t.Errorf("%s: %s finding %+v is not a blocker", tt.name, source, f)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s from %s:\n got %q\nwant %q", tt.name, source, got, tt.want)
			}
		}
	}
}

// A base config is found however "extends" spells it, columns are counted
// in UTF-16 as tsc counts them, and a warning in a config is not a refusal.
func TestPlaceConfigDiagnostics(t *testing.T) {
	texts := map[string]string{
		"app/tsconfig.json":      "{\n  // ✓ 𝒳\n  \"extends\": [\"../base\", \"./strict.json\"], /* 𝒳 */ \"files\": []\n}",
		"base.json":              `{"extends": "/repo/missing/tsconfig.json"}`,
		"other/tsconfig.json":    `{}`,
		"nolocate/tsconfig.json": `{"compilerOptions": {}}`,
	}
	chain := configChain{root: "/repo", config: "app/tsconfig.json", extends: []string{"base.json", "app/strict.json"},
		read: func(rel string) string { return texts[rel] }}
	diags := []Diagnostic{
		{Category: "error", Code: 5083, Message: "Cannot read file '/repo/base.json'."},
		{Category: "error", Code: 5083, Message: "Cannot read file '/repo/app/strict.json'."},
		{Category: "error", Code: 5083, Message: "Cannot read file '/repo/missing/tsconfig.json'."},
		{Category: "error", Code: 5083, Message: "Cannot read file '/elsewhere/x.json'."},
		{Category: "error", Code: 18003, Message: "No inputs were found in config file '/repo/app/tsconfig.json'. Specified …"},
		{Category: "error", Code: 18003, Message: "No inputs were found in config file '/repo/src/data.json'. Specified …"},
		{Category: "error", Code: 2318, Message: "Cannot find global type 'Array'."},
		{File: "app/tsconfig.json", Line: 1, Column: 1, Category: "warning", Code: 5101, Message: "deprecated"},
	}
	var got []string
	for _, f := range findings("typescript:app", chain.place(diags), chain) {
		got = append(got, f.Rule+" "+f.Location()+" "+f.Message)
	}
	want := []string{
		"typescript/invalid-config app/tsconfig.json:3:15 TS5083: Cannot read file 'base.json'.",
		"typescript/invalid-config app/tsconfig.json:3:26 TS5083: Cannot read file 'app/strict.json'.",
		"typescript/invalid-config base.json:1:13 TS5083: Cannot read file 'missing/tsconfig.json'.",
		"typescript/invalid-config app/tsconfig.json TS5083: Cannot read file '/elsewhere/x.json'.",
		"typescript/invalid-config app/tsconfig.json:3:53 TS18003: No inputs were found in config file 'app/tsconfig.json'. Specified …",
		"TS18003  No inputs were found in config file '/repo/src/data.json'. Specified …",
		"TS2318  Cannot find global type 'Array'.",
		"TS5101 app/tsconfig.json:1:1 deprecated",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings\n got %q\nwant %q", got, want)
	}
	if diags[0].File != "" {
		t.Errorf("place changed its input: %+v", diags[0])
	}
}

func TestFindings(t *testing.T) {
	diags := []Diagnostic{
		{File: "a.ts", Line: 2, Column: 3, Category: "error", Code: 2322, Message: "x\n  y"},
		{Category: "error", Code: 2318, Message: "Cannot find global type 'Array'."},
		{File: "b.ts", Line: 1, Column: 1, Category: "warning", Code: 6385, Message: "deprecated"},
	}
	got := findings("typescript:api", diags, configChain{config: "tsconfig.json"})
	if len(got) != 3 || countErrors(diags) != 2 {
		t.Fatalf("got %d findings, %d errors", len(got), countErrors(diags))
	}
	first := got[0]
	if first.Collector != "typescript:api" || first.Domain != "build" || first.Severity.String() != "blocker" ||
		first.Rule != "TS2322" || first.Message != "x\n  y" || first.Location() != "a.ts:2:3" || first.ID == "" {
		t.Errorf("first finding: %+v", first)
	}
	if got[1].File != "" || got[1].Line != 0 || got[1].Severity.String() != "blocker" {
		t.Errorf("global finding: %+v", got[1])
	}
	if got[2].Severity.String() != "medium" {
		t.Errorf("a warning is not a blocker: %+v", got[2])
	}
}

func FuzzParseTscOutput(f *testing.F) {
	for _, c := range capturedCases {
		f.Add(readCaptured(f, c.name+".tsc.txt"))
	}
	f.Add([]byte("a.ts(1,2): error TS1: m\n  more\nerror TS2: global\n"))
	f.Fuzz(func(t *testing.T, out []byte) {
		diags, err := ParseTscOutput(out, "/repo", "/repo")
		if err != nil {
			return
		}
		headers := 0
		for _, line := range strings.Split(strings.ReplaceAll(string(out), "\r\n", "\n"), "\n") {
			if !strings.HasPrefix(line, " ") && (located.MatchString(line) || global.MatchString(line)) {
				headers++
			}
		}
		if len(diags) != headers {
			t.Fatalf("%d diagnostics from %d header lines", len(diags), headers)
		}
		for _, d := range diags {
			if !categories[d.Category] || d.Code <= 0 || (d.File == "") != (d.Line == 0) || (d.File != "") != (d.Column > 0) {
				t.Fatalf("inconsistent diagnostic %+v", d)
			}
		}
		// Printing them as tsc does and reading that back changes nothing,
		// unless a cleaned path now reads as something else.
		for _, d := range diags {
			if strings.HasPrefix(d.File, " ") || global.MatchString(d.File+"(") {
				return
			}
		}
		again, err := ParseTscOutput([]byte(formatTsc(diags)), "/repo", "/repo")
		if err != nil || !reflect.DeepEqual(again, diags) {
			t.Fatalf("round trip: %+v (%v), want %+v", again, err, diags)
		}
	})
}

func FuzzParseCheckerReply(f *testing.F) {
	for _, c := range capturedCases {
		for _, line := range bytes.Split(readCaptured(f, c.name+".checker.jsonl"), []byte("\n")) {
			f.Add(line)
		}
	}
	f.Add([]byte(`{"id":3,"error":"boom"}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		r, err := ParseCheckerReply(line, "/repo", "/repo")
		if err != nil {
			return
		}
		if r.ID < 0 || (r.ID == 0 && !r.Ready && r.Fatal == "" && r.Error == "" && r.Diagnostics == nil) {
			t.Fatalf("reply that says nothing: %+v", r)
		}
		for _, d := range r.Diagnostics {
			if !categories[d.Category] || d.Code <= 0 || (d.File == "") != (d.Line == 0) || (d.File != "") != (d.Column > 0) {
				t.Fatalf("inconsistent diagnostic %+v", d)
			}
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }

// FuzzPlaceConfigDiagnostics: whatever a tsconfig holds and whatever path
// tsc names, placing never panics and puts a diagnostic inside the file.
func FuzzPlaceConfigDiagnostics(f *testing.F) {
	f.Add("{\n  \"extends\": \"./base\"\n}", "/repo/app/base.json")
	f.Add("{\"include\": [\"𝒳\"], \"extends\": [\"../\\\"a\", \"/repo/x\"]}", "/repo/x")
	f.Add("\"./", "/repo/app/.json")
	f.Fuzz(func(t *testing.T, text, named string) {
		chain := configChain{root: "/repo", config: "app/tsconfig.json", extends: []string{"app/base.json"},
			read: func(string) string { return text }}
		diags := chain.place([]Diagnostic{
			{Category: "error", Code: 5083, Message: "Cannot read file '" + named + "'."},
			{Category: "error", Code: 18003, Message: "No inputs were found in config file '" + named + "'. Specified"},
		})
		lines := strings.Split(text, "\n")
		for _, d := range diags {
			if d.File == "" {
				continue
			}
			if d.Line < 0 || d.Line > len(lines) || (d.Line > 0 && (d.Column < 1 || d.Column > 2*len(lines[d.Line-1])+1)) {
				t.Fatalf("%+v placed outside %q", d, text)
			}
		}
	})
}

// A base config a framework generates (Nuxt's .nuxt/tsconfig.json) is named
// with the command that writes it, run where it belongs.
func TestMissingGeneratedConfigNamesItsGenerator(t *testing.T) {
	texts := map[string]string{"playground/tsconfig.json": `{"extends": "./.nuxt/tsconfig.json"}`}
	chain := configChain{root: "/repo", config: "playground/tsconfig.json", read: func(rel string) string { return texts[rel] }}
	var got []string
	for _, d := range chain.place([]Diagnostic{
		{Category: "error", Code: 5083, Message: "Cannot read file '/repo/playground/.nuxt/tsconfig.json'."},
		{Category: "error", Code: 5083, Message: "Cannot read file '/repo/.svelte-kit/tsconfig.json'."},
		{Category: "error", Code: 5083, Message: "Cannot read file '/repo/base/tsconfig.json'."},
	}) {
		got = append(got, fmt.Sprintf("%s:%d:%d %s", d.File, d.Line, d.Column, d.Message))
	}
	want := []string{
		"playground/tsconfig.json:1:13 Cannot read file 'playground/.nuxt/tsconfig.json'. Nuxt generates it: run `npx nuxi prepare` in playground, then check again.",
		"playground/tsconfig.json:0:0 Cannot read file '.svelte-kit/tsconfig.json'. SvelteKit generates it: run `npx svelte-kit sync` in ., then check again.",
		"playground/tsconfig.json:0:0 Cannot read file 'base/tsconfig.json'.",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// Imports of generated code that is not there (umami's Prisma client,
// which prisma generate writes and git ignores), or a base configuration a
// framework generates, are said to be a code generation step not run;
// other missing modules and configurations are not.
func TestGeneratedHint(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "api", "prisma"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "api", "prisma", "schema.prisma"), []byte("datasource db {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	generated := Diagnostic{File: "api/src/lib/db.ts", Line: 1, Column: 24, Category: "error", Code: 2307,
		Message: "Cannot find module '@/generated/prisma/client' or its corresponding type declarations."}
	other := Diagnostic{File: "api/src/a.ts", Line: 2, Column: 1, Category: "error", Code: 2307,
		Message: "Cannot find module 'left-pad' or its corresponding type declarations."}
	typeErr := Diagnostic{File: "api/src/a.ts", Line: 3, Column: 1, Category: "error", Code: 2322,
		Message: "Type 'string' is not assignable to type 'number'."}
	prismaModel := Diagnostic{File: "api/src/user.ts", Line: 1, Column: 15, Category: "error", Code: 2305,
		Message: `Module '"@prisma/client"' has no exported member 'User'.`}
	otherMember := Diagnostic{File: "api/src/a.ts", Line: 1, Column: 10, Category: "error", Code: 2305,
		Message: `Module '"./util"' has no exported member 'slugify'.`}
	// web's client was generated: web/node_modules/.prisma/client.
	if err := os.MkdirAll(filepath.Join(root, "web", "node_modules", ".prisma", "client"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "web", "node_modules", ".prisma", "client", "index.d.ts"), []byte("export type User = {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// stub's holds the placeholder @prisma/client's install writes (its
	// declarations as npm ci without install scripts leaves them).
	fixturetest.WriteFiles(t, root, map[string]string{
		"stub/prisma/schema.prisma":                   "datasource db {}\n",
		"stub/node_modules/.prisma/client/index.d.ts": "import * as runtime from '@prisma/client/runtime'\n\nexport declare const PrismaClient: any\n",
	})
	placeholder := "the Prisma client is not generated: node_modules/.prisma/client holds @prisma/client's placeholder, whose PrismaClient is any, " +
		"so tsc cannot check the code that uses it; run prisma generate (the project's build may run it), then check again"
	for _, tt := range []struct {
		dir   string
		diags []Diagnostic
		want  string
	}{
		// Before prisma generate, the placeholder's any checks nothing
		// (realworld's 0 errors), or exports no model.
		{"stub", nil, placeholder},
		{"stub", []Diagnostic{prismaModel},
			"1 of the errors import generated code that is not there (@prisma/client): run prisma generate (the project's build may run it), then check again"},
		{"web", nil, ""},
		{"api", []Diagnostic{generated, other, generated, typeErr},
			"2 of the errors import generated code that is not there (@/generated/prisma/client): run prisma generate (the project's build may run it), then check again"},
		{"web", []Diagnostic{generated},
			"1 of the errors import generated code that is not there (@/generated/prisma/client): run the project's code generation, then check again"},
		{"api", []Diagnostic{other, typeErr}, ""},
		// A SvelteKit app before svelte-kit sync: the missing base config
		// is the hint, whatever follows from it.
		{".", []Diagnostic{typeErr, {File: "tsconfig.json", Line: 2, Column: 13, Category: "error", Code: 5083,
			Message: "Cannot read file '.svelte-kit/tsconfig.json'. SvelteKit generates it: run `npx svelte-kit sync` in ., then check again."}, generated},
			"the configuration extends .svelte-kit/tsconfig.json, which SvelteKit generates and is not there: run `npx svelte-kit sync` in ., then check again (the other errors may follow from it)"},
		{".", []Diagnostic{{File: "tsconfig.json", Line: 2, Column: 13, Category: "error", Code: 5083,
			Message: "Cannot read file 'tsconfig.base.json'."}}, ""},
		// The default client (indie-stack): @prisma/client exports no
		// model before prisma generate writes node_modules/.prisma/client.
		{"api", []Diagnostic{prismaModel, prismaModel, typeErr},
			"2 of the errors import generated code that is not there (@prisma/client): run prisma generate (the project's build may run it), then check again"},
		{"api", []Diagnostic{otherMember}, ""},
		// Once generated, a missing model is the code's error (a renamed model).
		{"web", []Diagnostic{prismaModel}, ""},
	} {
		if got := generatedHint(root, tt.dir, tt.diags); got != tt.want {
			t.Errorf("%s: %q\nwant %q", tt.dir, got, tt.want)
		}
		// Generated code that is not there is no input of the result:
		// once it is generated, the next check runs tsc again.
		p := &Project{id: "typescript:" + tt.dir, dir: tt.dir}
		if res := p.checked(root, tt.diags, "tsc", 2, ""); res.MachineBound != (tt.want != "") {
			t.Errorf("%s: machine-bound %v with hint %q", tt.dir, res.MachineBound, res.Hint)
		}
	}
	// So for what a one-shot tsc printed (umami before prisma generate).
	p := &Project{id: "typescript:api", dir: "api"}
	out := "api/src/lib/db.ts(1,24): error TS2307: Cannot find module '@/generated/prisma/client' or its corresponding type declarations.\n"
	r, err := p.readOneShot(root, collectors.Input{Stdout: []byte(out), ExitCode: 2, Root: root, Dir: root})
	if err != nil || !r.MachineBound || r.Hint == "" {
		t.Errorf("one-shot reading %+v, %v", r, err)
	}
}
