package secrets

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/preflight-dev/preflight/collectors"
	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/ignore"
	"github.com/preflight-dev/preflight/internal/findingtest"
	"github.com/preflight-dev/preflight/internal/fixturetest"
	"github.com/preflight-dev/preflight/model"
)

func newTestCollector(root string) *Collector {
	return &Collector{id: "secrets:.", redactor: NewRedactor(testKey)}
}

func findingLines(fs []model.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%-7s %-27s %s  %s\n", f.Severity, f.Rule, f.Location(), f.Message)
	}
	return b.String()
}

func runFull(t *testing.T, c *Collector, root string) model.Result {
	t.Helper()
	res := c.Run(context.Background(), collectors.Request{Root: root})
	if res.Status != model.StatusOK {
		t.Fatalf("status %s: %s\n%s", res.Status, res.Error, res.Output)
	}
	return res
}

// TestFixtureFindings runs the built-in scanner over the fixture project
// and compares every finding with testdata/findings.golden.
func TestFixtureFindings(t *testing.T) {
	withoutGitleaks(t)
	root := fixtureCopy(t)
	res := runFull(t, newTestCollector(root), root)
	got := findingLines(res.Findings)
	golden := filepath.Join("testdata", "findings.golden")
	if *updateFlag {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("findings differ from %s (go test -update rewrites it):\n%s", golden, got)
	}

	// The counts a reader of the golden can check by hand.
	wantFacts := map[string]float64{"files": 15, "files.rescanned": 15, "files.skipped": 0, "secrets": 22, "placeholders": 16}
	for k, v := range wantFacts {
		if res.Facts[k] != v {
			t.Errorf("fact %s = %v, want %v (facts %v)", k, res.Facts[k], v, res.Facts)
		}
	}
	if _, ok := res.Facts["gitleaks.findings"]; ok {
		t.Error("gitleaks did not run, yet there is a gitleaks fact")
	}
	if res.ExitCode != -1 || res.Command != "scanned 15 files (preflight built-in rules)" {
		t.Errorf("evidence: exit %d, command %q", res.ExitCode, res.Command)
	}
	findingtest.CheckStamped(t, res.Findings, "secrets:.", "security")
	for _, f := range res.Findings {
		switch f.File {
		case "services/worker/.env", ".env.example", "services/worker/config.yaml", "docs/setup.md", "src/notify.js":
			t.Errorf("%s must not be reported: %s", f.File, f.Message)
		}
	}
	if !strings.Contains(res.Output, "gitleaks not on PATH") {
		t.Errorf("output does not say gitleaks was not used:\n%s", res.Output)
	}
	// Every report shows the hint: a scan without gitleaks is no full pass.
	if res.Hint != GitleaksHint {
		t.Errorf("hint %q, want %q", res.Hint, GitleaksHint)
	}
}

func TestRulesAreComplete(t *testing.T) {
	for _, r := range Rules {
		got, ok := rules.NewCatalogue(AllRules()).Lookup(r.ID)
		if !ok || got != r {
			t.Errorf("%s is not in the catalogue", r.ID)
		}
		if r.Title == "" || r.Rationale == "" || r.Fix == "" || r.Reference == "" || !strings.HasPrefix(r.ID, "secrets/") {
			t.Errorf("%s is incomplete: %+v", r.ID, r)
		}
		if _, ok := devSeverity[r.ID]; !ok || DevSeverity(r.ID) > r.Severity {
			t.Errorf("%s: dev/test severity %v must exist and not exceed %v", r.ID, DevSeverity(r.ID), r.Severity)
		}
	}
	for _, f := range keyFormats {
		if _, ok := rules.NewCatalogue(AllRules()).Lookup(f.rule); !ok {
			t.Errorf("key format %s has no rule in the catalogue", f.what)
		}
	}
}

func TestDetect(t *testing.T) {
	withoutGitleaks(t)
	if got := Detect("/r/shop", []string{"main.rs", "README.md"}); got != nil {
		t.Fatalf("nothing to scan, yet %d collectors", len(got))
	}
	got := Detect("/r/shop", []string{"main.go", "k8s/deploy.yaml"})
	if len(got) != 1 || got[0].ID() != "secrets:." || got[0].Kind() != "secrets" || got[0].Domain() != "security" {
		t.Fatalf("detect = %+v", got)
	}
	inputs := strings.Join(got[0].Inputs(), " ")
	for _, g := range []string{"**/.env", "**/.gitignore", "**/Dockerfile"} {
		if !strings.Contains(inputs, g) {
			t.Errorf("inputs %q lack %s", inputs, g)
		}
	}

	lookGitleaks = func() (string, error) { return "/usr/bin/gitleaks", nil }
	got = Detect("/r/shop", []string{"main.go"})
	if len(got) != 1 || got[0].Inputs()[0] != "**/*" {
		t.Fatalf("with gitleaks every file is an input: %+v", got)
	}
}

// TestDetectedFilesAreUsed checks the first run scans what detection
// listed, which excludes ignored files, like the engine's caller does.
func TestDetectedFilesAreUsed(t *testing.T) {
	withoutGitleaks(t)
	root := fixtureCopy(t)
	m, err := ignore.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	files, err := ignore.ListFiles(root, m)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f == "services/worker/.env" {
			t.Fatal("the ignore rules do not hide the ignored .env; the fixture is wrong")
		}
	}
	cs := Detect(root, files)
	if len(cs) != 1 {
		t.Fatalf("detect = %v", cs)
	}
	c := cs[0].(*Collector)
	c.redactor = NewRedactor(testKey)
	res := runFull(t, c, root)
	if res.Facts["files"] != 15 || res.Facts["secrets"] != 22 {
		t.Fatalf("facts %v", res.Facts)
	}
}

func TestIncrementalRescan(t *testing.T) {
	withoutGitleaks(t)
	root := fixtureCopy(t)
	c := newTestCollector(root)
	first := runFull(t, c, root)
	run := func(changed ...string) model.Result {
		t.Helper()
		res := c.Run(context.Background(), collectors.Request{Root: root, Mode: collectors.Watch, Changed: changed})
		if res.Status != model.StatusOK {
			t.Fatalf("status %s: %s", res.Status, res.Error)
		}
		return res
	}
	count := func(res model.Result, file, rule string) int {
		n := 0
		for _, f := range res.Findings {
			if f.File == file && (rule == "" || f.Rule == rule) {
				n++
			}
		}
		return n
	}

	// An edit: only that file is read again.
	writeFile(t, root, "docker-compose.dev.yml", "services:\n  mysql:\n    environment:\n      MYSQL_ROOT_PASSWORD: ${MYSQL_ROOT_PASSWORD}\n")
	res := run("docker-compose.dev.yml")
	if res.Facts["files.rescanned"] != 1 || res.Facts["files"] != 15 {
		t.Errorf("facts after one edit: %v", res.Facts)
	}
	if count(res, "docker-compose.dev.yml", "") != 0 || len(res.Findings) != len(first.Findings)-1 {
		t.Errorf("the fixed file still has findings:\n%s", findingLines(res.Findings))
	}

	// A new file and a new directory.
	writeFile(t, root, "deploy/helm/values.yaml", "postgresql:\n  auth:\n    password: postgres\n")
	res = run("deploy/helm")
	if count(res, "deploy/helm/values.yaml", RuleDefaultCredential.ID) != 1 || res.Facts["files.rescanned"] != 1 {
		t.Errorf("new directory: rescanned %v\n%s", res.Facts["files.rescanned"], findingLines(res.Findings))
	}

	// A deletion.
	if err := os.Remove(filepath.Join(root, "k8s", "secret.yaml")); err != nil {
		t.Fatal(err)
	}
	res = run("k8s/secret.yaml")
	if count(res, "k8s/secret.yaml", "") != 0 || res.Facts["files"] != 15 || res.Facts["files.rescanned"] != 0 {
		t.Errorf("after deletion: facts %v\n%s", res.Facts, findingLines(res.Findings))
	}

	// An ignored file that changes is not read.
	writeFile(t, root, "services/worker/.env", "WORKER_PASSWORD=postgres\n")
	res = run("services/worker/.env")
	if count(res, "services/worker/.env", "") != 0 || res.Facts["files.rescanned"] != 0 {
		t.Errorf("ignored .env reported:\n%s", findingLines(res.Findings))
	}

	// Unignoring it changes a .gitignore: a full rescan, and the .env
	// becomes a finding of its own.
	writeFile(t, root, "services/worker/.gitignore", "# nothing ignored\n")
	res = run("services/worker/.gitignore")
	if count(res, "services/worker/.env", RuleDotenvNotIgnored.ID) != 1 || count(res, "services/worker/.env", RuleDefaultCredential.ID) != 1 {
		t.Errorf("unignored .env not reported:\n%s", findingLines(res.Findings))
	}
	// Unchanged files came from the cache: only the newly visible file was read.
	if res.Facts["files.rescanned"] != 1 {
		t.Errorf("full rescan read %v files; only the new one changed", res.Facts["files.rescanned"])
	}

	// Fingerprints of untouched findings are stable across runs.
	ids := map[string]bool{}
	for _, f := range first.Findings {
		ids[f.ID] = true
	}
	for _, f := range res.Findings {
		if f.File == ".env" && f.Rule == RuleStripeLiveKey.ID && !ids[f.ID] {
			t.Errorf("fingerprint of an untouched finding changed: %s", f.ID)
		}
	}
}

func TestSuppressionWithAndWithoutReason(t *testing.T) {
	withoutGitleaks(t)
	root := t.TempDir()
	writeFile(t, root, "docker-compose.yml", "services:\n  db:\n    environment:\n"+
		"      # preflight:ignore secrets/default-credential throwaway CI database\n"+
		"      POSTGRES_PASSWORD: postgres\n"+
		"      # preflight:ignore secrets/default-credential\n"+
		"      MYSQL_PASSWORD: mysql\n")
	res := runFull(t, newTestCollector(root), root)
	if res.Facts["suppressed"] != 2 {
		t.Errorf("suppressed = %v", res.Facts["suppressed"])
	}
	if len(res.Findings) != 1 || res.Findings[0].Rule != "preflight/suppression-without-reason" || res.Findings[0].Line != 6 {
		t.Fatalf("findings:\n%s", findingLines(res.Findings))
	}
}

func TestIDsDoNotDependOnTheKey(t *testing.T) {
	withoutGitleaks(t)
	root := fixtureCopy(t)
	a := newTestCollector(root)
	b := newTestCollector(root)
	b.redactor = NewRedactor([]byte("another installation"))
	ra, rb := runFull(t, a, root), runFull(t, b, root)
	if len(ra.Findings) != len(rb.Findings) {
		t.Fatal("different findings")
	}
	for i := range ra.Findings {
		if ra.Findings[i].ID != rb.Findings[i].ID {
			t.Errorf("%s: id depends on the installation key", ra.Findings[i].Location())
		}
		if ra.Findings[i].Message == rb.Findings[i].Message && strings.Contains(ra.Findings[i].Message, "hmac") {
			t.Errorf("%s: digest does not depend on the key", ra.Findings[i].Location())
		}
	}
}

func TestCancelled(t *testing.T) {
	withoutGitleaks(t)
	root := fixtureCopy(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := newTestCollector(root).Run(ctx, collectors.Request{Root: root})
	if res.Status != model.StatusUnknown || len(res.Findings) != 0 {
		t.Fatalf("cancelled run: %s %q", res.Status, res.Error)
	}
}

// A well-known default in a CI pipeline's file guards only what the job
// starts for itself (a service container, its localhost URL): it weighs
// as in a dev/test file, whatever the workflow is called, and so does a
// default password in a URL of a server on the same machine. A real
// secret committed there keeps its weight, and the same default in a
// deployed file for another host is still a blocker.
func TestWeakDefaultsInCIFiles(t *testing.T) {
	withoutGitleaks(t)
	root := t.TempDir()
	workflow := "jobs:\n  test:\n    services:\n      postgres:\n        image: postgres\n        env:\n" +
		"          POSTGRES_PASSWORD: postgres\n" +
		"    steps:\n      - run: go test ./...\n        env:\n" +
		"          DB_URL: postgres://postgres:postgres@localhost/postgres?sslmode=disable\n" +
		"          DEPLOY_PASSWORD: Wm4rkT9vQz\n"
	writeFile(t, root, ".github/workflows/build.yml", workflow)
	writeFile(t, root, ".gitlab-ci.yml", "variables:\n  POSTGRES_PASSWORD: postgres\n")
	writeFile(t, root, "deploy/build.yml", workflow)
	writeFile(t, root, "config/app.yaml", "DATABASE_URL: postgres://postgres:postgres@db:5432/app\n"+
		"LOCAL_URL: postgres://postgres:postgres@127.0.0.1/app\nSTRONG_URL: postgres://app:Wm4rkT9vQz@localhost/app\n")
	expectWeights(t, root,
		".github/workflows/build.yml:7:30 medium secrets/default-credential  [CI file]",
		".github/workflows/build.yml:11:39 medium secrets/url-credentials  [CI file]",
		".github/workflows/build.yml:12:28 high secrets/hardcoded-secret ",
		".gitlab-ci.yml:2:22 medium secrets/default-credential  [CI file]", // a pipeline, whatever its name says
		"deploy/build.yml:7:30 blocker secrets/default-credential ",
		"deploy/build.yml:11:39 medium secrets/url-credentials  [localhost]", // a database on the same machine
		"deploy/build.yml:12:28 high secrets/hardcoded-secret ",
		"config/app.yaml:1:35 blocker secrets/url-credentials ",
		"config/app.yaml:2:32 medium secrets/url-credentials  [localhost]",
		"config/app.yaml:3:28 blocker secrets/url-credentials ",
	)
}

// A weak value in a Makefile starts a developer's local container; a
// real-looking one is committed for real.
func TestWeakDefaultsInMakefiles(t *testing.T) {
	withoutGitleaks(t)
	root := t.TempDir()
	writeFile(t, root, "Makefile", "postgres:\n\tdocker run -e POSTGRES_PASSWORD=secret postgres\n"+
		"deploy:\n\tflyctl secrets set API_TOKEN=Wm4rkT9vQz\n")
	expectWeights(t, root,
		"Makefile:2:34 medium secrets/default-credential  [Makefile]",
		"Makefile:4:31 high secrets/hardcoded-secret ",
	)
}

// A committed .env of public settings (pocketbase's Vite ui/.env: URLs
// and a version) is worth a look; one that names a secret, even empty
// (the slot someone fills in and commits), or holds a finding, is a high.
func TestPublicDotenvIsInfo(t *testing.T) {
	withoutGitleaks(t)
	root := t.TempDir()
	writeFile(t, root, "ui/.env", "# all environments should start with PB_ prefix\nPB_BACKEND_URL = \"../\"\nPB_VERSION = \"v0.39.11\"\n")
	writeFile(t, root, "api/.env", "PORT=8080\nAPI_KEY=\n")
	writeFile(t, root, "web/.env", "PUBLIC_URL=https://user:Wm4rkT9vQz@example.com\n")
	expectWeights(t, root,
		"api/.env high secrets/dotenv-not-ignored .env file that git does not ignore",
		"ui/.env info secrets/dotenv-not-ignored .env file that git does not ignore [no secret-named setting in it]",
		"web/.env high secrets/dotenv-not-ignored .env file that git does not ignore",
		"web/.env:1:25 blocker secrets/url-credentials ",
	)
}

// A Google API key that a web app ships to browsers (excalidraw's Firebase
// web config in a VITE_ variable) is guarded by its restrictions, not by
// secrecy: low, marked. The same key under a server's name stays a
// blocker, and another format in a client variable is no browser key.
func TestBrowserGoogleKeysAreLow(t *testing.T) {
	withoutGitleaks(t)
	root := t.TempDir()
	const key = "AIzaSyB3xq7Lm2Pn9Rt4Vw8Yz1Ac5Df6Gh7Jk8L"
	writeFile(t, root, ".gitignore", ".env\n")
	writeFile(t, root, ".env.production", "VITE_APP_FIREBASE_CONFIG='{\"apiKey\":\""+key+"\",\"authDomain\":\"demo-app.firebaseapp.com\"}'\n"+
		"NEXT_PUBLIC_MAPS_KEY="+key+"\nGEOCODER_KEY="+key+"\nVITE_STRIPE_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc\n")
	const note = " [a browser key: restrict it to your sites' referrers and its APIs]"
	expectWeights(t, root,
		".env.production:1:38 low secrets/google-api-key "+note,
		".env.production:2:22 low secrets/google-api-key "+note,
		".env.production:3:14 blocker secrets/google-api-key ",
		".env.production:4:17 blocker secrets/stripe-live-key ",
	)
}

// A CI file that sets the value the repository's .env.example gives (a
// test job's JWT_SECRET) weighs as a dev/test file, naming where the
// sample is; another value there, or the sample in a deployed file, keeps
// its weight.
func TestSampleValuesInCIFiles(t *testing.T) {
	withoutGitleaks(t)
	root := t.TempDir()
	writeFile(t, root, ".env.example", "PORT=3000\nJWT_SECRET=thisisasamplesecret\n")
	writeFile(t, root, ".travis.yml", "language: node_js\nenv:\n  global:\n    - PORT=3000\n    - JWT_SECRET=thisisasamplesecret\n    - API_SECRET=Wm4rkT9vQzq8Lp\n")
	writeFile(t, root, "docker-compose.yml", "services:\n  app:\n    environment:\n      - JWT_SECRET=thisisasamplesecret\n")
	expectWeights(t, root,
		".env.example:2:12 low secrets/hardcoded-secret  [dev/test file]",
		".travis.yml:5:18 low secrets/hardcoded-secret  [CI file, the value of .env.example:2]",
		".travis.yml:6:18 high secrets/hardcoded-secret ",
		"docker-compose.yml:4:20 high secrets/hardcoded-secret ",
	)
}

// A password that is the user name (shiori's test job: POSTGRES_USER and
// POSTGRES_PASSWORD both shiori, and its localhost URL) is as weak as a
// well-known default: in a CI file it guards only what the job starts; in
// a deployed file it is a default credential.
func TestPasswordThatIsTheUserName(t *testing.T) {
	withoutGitleaks(t)
	root := t.TempDir()
	writeFile(t, root, ".github/workflows/_test.yml", "jobs:\n  test:\n    services:\n      postgres:\n        image: postgres\n        env:\n"+
		"          POSTGRES_USER: shiori\n          POSTGRES_PASSWORD: shiori\n    steps:\n      - run: go test ./...\n        env:\n"+
		"          SHIORI_TEST_PG_URL: postgres://shiori:shiori@localhost:5432/shiori?sslmode=disable\n")
	writeFile(t, root, "docker-compose.yml", "services:\n  db:\n    environment:\n      MYSQL_USER: app\n      MYSQL_PASSWORD: app\n      API_TOKEN: Wm4rkT9vQzq8\n")
	expectWeights(t, root,
		".github/workflows/_test.yml:8:30 medium secrets/default-credential  [CI file]",
		".github/workflows/_test.yml:12:49 medium secrets/url-credentials  [CI file]",
		"docker-compose.yml:5:23 blocker secrets/default-credential ",
		"docker-compose.yml:6:18 high secrets/hardcoded-secret ",
	)
}

// expectWeights scans root and compares each finding's place, severity,
// rule and context note (what follows the value's label) with want, in
// any order.
func expectWeights(t *testing.T, root string, want ...string) {
	t.Helper()
	var got []string
	for _, f := range runFull(t, newTestCollector(root), root).Findings {
		got = append(got, fmt.Sprintf("%s %s %s %s", f.Location(), f.Severity, f.Rule, f.Message[strings.LastIndex(f.Message, ")")+1:]))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestIsCIConfig(t *testing.T) {
	for rel, want := range map[string]bool{
		".github/workflows/ci.yml": true, ".github/workflows/release.yaml": true, ".gitlab-ci.yml": true,
		".circleci/config.yml": true, "azure-pipelines.yml": true, ".woodpecker/test.yml": true,
		".github/workflows/README.md": false, "ci/.gitlab-ci.yml": false, "deploy/build.yml": false,
		".github/dependabot.yml": false, "docker-compose.yml": false,
	} {
		if got := IsCIConfig(rel); got != want {
			t.Errorf("IsCIConfig(%q) = %v, want %v", rel, got, want)
		}
	}
}

// The evidence counts findings by rule in words the excerpt redactor
// leaves alone: "secrets/default-credential: 2" read as a credential's
// assignment, and the count was masked (soft-serve).
func TestEvidenceCountsSurviveTheRedactor(t *testing.T) {
	withoutGitleaks(t)
	root := fixturetest.WriteRepo(t, map[string]string{
		".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    services:\n      db:\n        image: postgres:16\n        env:\n          POSTGRES_PASSWORD: postgres\n    steps:\n      - run: go test ./...\n",
	})
	c := newTestCollector(root)
	res := runFull(t, c, root)
	out := c.redactor.RedactExcerpt(res.Output)
	if !strings.Contains(out, "secrets/default-credential × 1\n") || strings.Contains(out, "redacted") {
		t.Errorf("evidence after the redactor:\n%s", out)
	}
}
