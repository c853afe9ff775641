package unchecked

import (
	"context"
	"slices"
	"testing"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/model"
)

// microservices-demo's shape: Go services are checked, the Java, C# and
// Python ones are said not to be; a Cargo workspace is one project; what
// lies in dependencies and fixtures is nobody's project.
func TestDetectNamesWhatIsNotChecked(t *testing.T) {
	files := []string{
		"go.mod", "src/adservice/build.gradle", "src/adservice/settings.gradle",
		"src/cartservice/src/cartservice.csproj", "src/cartservice/tests/cartservice.tests.csproj",
		"src/emailservice/requirements.txt", "src/emailservice/pyproject.toml",
		"tools/Cargo.toml", "tools/crates/a/Cargo.toml",
		"web/node_modules/x/setup.py", "internal/testdata/pom.xml", "README.md",
	}
	var got []string
	for _, c := range Detect("/repo", files) {
		res := c.Run(context.Background(), collectors.Request{Root: "/repo"})
		if res.Status != model.StatusSkipped || res.Domain != Domain || res.Hint == "" {
			t.Errorf("%s: %+v", c.ID(), res)
		}
		got = append(got, c.ID()+" "+c.(*Collector).Inputs()[0]+": "+res.Error)
	}
	want := []string{
		"unchecked:adservice src/adservice/build.gradle: not checked: a Gradle (Java/Kotlin) project (src/adservice/build.gradle), which preflight has no collector for",
		"unchecked:src src/cartservice/src/cartservice.csproj: not checked: a .NET project (src/cartservice/src/cartservice.csproj), which preflight has no collector for",
		"unchecked:tests src/cartservice/tests/cartservice.tests.csproj: not checked: a .NET project (src/cartservice/tests/cartservice.tests.csproj), which preflight has no collector for",
		"unchecked:emailservice src/emailservice/requirements.txt: not checked: a Python project (src/emailservice/requirements.txt), which preflight has no collector for",
		"unchecked:tools tools/Cargo.toml: not checked: a Rust (Cargo) project (tools/Cargo.toml), which preflight has no collector for",
	}
	if !slices.Equal(got, want) {
		t.Errorf("detected\n%q\nwant\n%q", got, want)
	}
	if !Marker("Cargo.toml") || !Marker("api.csproj") || Marker("go.mod") {
		t.Error("Marker disagrees with the ecosystems")
	}
}
