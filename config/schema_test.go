package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/internal/yamlpos"
)

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(SchemaURL, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(SchemaURL)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// yamlAsJSON reads YAML the way an editor's schema check does.
func yamlAsJSON(t *testing.T, src []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(src, &v); err != nil {
		t.Fatal(err)
	}
	if v == nil {
		v = map[string]any{}
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// The published schema and the parser must agree: what one accepts the
// other accepts, and the mistakes a schema can express are rejected by
// both.
func TestSchemaAgreesWithTheParser(t *testing.T) {
	sch := compileSchema(t)
	full, err := os.ReadFile("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	valid := [][]byte{
		full,
		[]byte("version: 1\n"),
		[]byte("collectors:\n  go-test:\n    args: [-race, -count, 1]\n"),
		[]byte("budgets: {bundle_size: 1.5MiB, coverage: \"80%\"}\n"),
		[]byte("severity: {TS6133: Low}\ncollectors:\ncustom:\n"),
		starterExample(nil),
		starterExample([]collectors.Collector{stub{id: "typescript:web", kind: "typescript", inputs: []string{"web/**/*.ts"}}}),
	}
	for _, src := range valid {
		if _, err := Parse("p.yaml", src); err != nil {
			t.Errorf("parser rejects:\n%s\n%v", src, err)
		}
		if err := sch.Validate(yamlAsJSON(t, src)); err != nil {
			t.Errorf("schema rejects:\n%s\n%v", src, err)
		}
	}
	invalid := []string{
		"colectors: {}\n",
		"ignore: dist\n",
		"ignore: [/abs/**]\n",
		"version: 2\n",
		"collectors:\n  go:\n    enabled: \"no\"\n",
		"collectors:\n  go:\n    timeout: 5\n",
		"collectors:\n  go:\n    timout: 5m\n",
		"severity:\n  TS2322: urgent\n",
		"gate: [Build]\n",
		"domains:\n  ci:\n    weight: 101\n",
		"budgets:\n  bundle_size: big\n",
		"budgets:\n  coverage: 180\n",
		"custom:\n  smoke:\n    domain: tests\n",
		"custom:\n  smoke:\n    command: ./smoke.sh\n",
		"custom:\n  x:\n    command: make\n    domain: ci\n    output: xml\n",
		"custom:\n  x:\n    command: make\n    domain: ci\n    output: regex\n",
		"custom:\n  x:\n    command: make\n    domain: ci\n    pattern: x\n",
		"custom:\n  x:\n    command: []\n    domain: ci\n",
		"custom:\n  My Check:\n    command: make\n    domain: ci\n",
		"custom:\n  x:\n    command: make\n    domain: ci\n    dir: /abs\n",
	}
	for _, src := range invalid {
		if _, err := Parse("p.yaml", []byte(src)); err == nil {
			t.Errorf("parser accepts:\n%s", src)
		}
		if err := sch.Validate(yamlAsJSON(t, []byte(src))); err == nil {
			t.Errorf("schema accepts:\n%s", src)
		}
	}
}

// Every check the schema makes on a value is worded by the schema itself:
// x-expected says what the value should be, x-problem what is wrong with
// it. A oneOf speaks for its alternatives, and an if only chooses.
func TestSchemaWordsEveryCheck(t *testing.T) {
	_, root := schema()
	checks := []string{"const", "pattern", "minimum", "maximum", "exclusiveMinimum", "minLength", "oneOf", "anyOf", "not"}
	var walk func(n *yamlpos.Node, ptr string)
	walk = func(n *yamlpos.Node, ptr string) {
		for _, c := range checks {
			if n.Has(c) && !n.Has("x-expected") && !n.Has("x-problem") {
				t.Errorf("%s has %s but neither x-expected nor x-problem", ptr, c)
			}
		}
		for _, p := range n.Pairs {
			at := ptr + "/" + p.Key
			switch p.Key {
			case "properties", "definitions":
				for _, q := range p.Value.Pairs {
					walk(q.Value, at+"/"+q.Key)
				}
			case "allOf", "items":
				for i, it := range p.Value.List() {
					walk(it, fmt.Sprintf("%s/%d", at, i))
				}
			case "additionalProperties", "propertyNames", "additionalItems", "then", "else":
				walk(p.Value, at)
			}
		}
	}
	walk(root, "#")
}

// The schema's readers are the ones custom collectors know.
func TestSchemaListsEveryReader(t *testing.T) {
	_, root := schema()
	var got []string
	for _, it := range root.Path("properties", "custom", "additionalProperties", "properties", "output", "enum").Items {
		got = append(got, it.Value)
	}
	if !slices.Equal(got, collectors.Readers) {
		t.Errorf("schema readers %q, collectors.Readers %q", got, collectors.Readers)
	}
}
