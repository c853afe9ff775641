package npmaudit

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/preflight-dev/preflight/internal/capture"

	"github.com/preflight-dev/preflight/proc"
)

// The parser tests read real npm audit output captured from the fixture
// projects in testdata/projects (lockfiles made by npm with pinned old
// versions). To refresh it:
//
//	go test ./collectors/npmaudit -capture
//
// npm computes the reports itself from the lockfiles; the advisories come
// from a local advisory server that answers the bulk endpoint with
// testdata/advisories.json (real GitHub advisories for lodash, minimist,
// qs and express, with ids local to that file) and sends every other
// request (package metadata, for the fix calculation) to the public
// registry. That keeps the captures reproducible whatever the registry's
// advisory database says today. Two more runs capture npm's own error
// object: the public registry refusing the audit request where it does,
// and a registry that is not listening.
func TestMain(m *testing.M) { capture.Main(m, captureAll) }

type captureRun struct {
	Name     string   `json:"name"`
	Fixture  string   `json:"fixture"`
	Args     []string `json:"args"`
	ExitCode int      `json:"exit_code"`
	// WantError: the run must print npm's error object (checked on capture).
	WantError bool `json:"want_error,omitempty"`
}

func (r captureRun) Stem() string { return r.Name }

const publicRegistry = "https://registry.npmjs.org"

// advisoryServer serves the bulk advisory endpoint from advisories.json
// and redirects everything else to the public registry.
func advisoryServer() (url string, stop func(), err error) {
	data, err := os.ReadFile(filepath.Join("testdata", "advisories.json"))
	if err != nil {
		return "", nil, err
	}
	var adv map[string]json.RawMessage
	if err := json.Unmarshal(data, &adv); err != nil {
		return "", nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/-/npm/v1/security/advisories/bulk", func(w http.ResponseWriter, r *http.Request) {
		var body io.Reader = r.Body
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			body = zr
		}
		var req map[string][]string
		if err := json.NewDecoder(body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		out := map[string]json.RawMessage{}
		for name := range req {
			if a, ok := adv[name]; ok {
				out[name] = a
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, publicRegistry+r.URL.Path, http.StatusFound)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: mux}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String() + "/", func() { _ = srv.Close() }, nil
}

func captureAll() error {
	local, stop, err := advisoryServer()
	if err != nil {
		return err
	}
	defer stop()
	withRegistry := func(r string) []string { return append(Args(), "--registry", r) }
	runs := []captureRun{
		{Name: "clean", Fixture: "clean", Args: withRegistry(local)},
		{Name: "vulnerable", Fixture: "vulnerable", Args: withRegistry(local)},
		{Name: "workspaces", Fixture: "workspaces", Args: withRegistry(local)},
		{Name: "registry-rejects", Fixture: "vulnerable", Args: withRegistry(publicRegistry + "/"), WantError: true},
		{Name: "unreachable", Fixture: "workspaces", Args: withRegistry("http://127.0.0.1:9/"), WantError: true},
		// npm stops at a workspace member's package.json before it asks any registry.
		{Name: "malformed-member", Fixture: "malformed-member", Args: withRegistry(local), WantError: true},
	}
	for i, run := range runs {
		out, err := capture.Exec(run.Name, proc.Cmd{Dir: filepath.Join("testdata", "projects", run.Fixture), Name: "npm", Args: run.Args,
			Timeout: 3 * time.Minute, Env: []string{"NO_UPDATE_NOTIFIER=1", "npm_config_fund=false"}})
		if err != nil {
			return err
		}
		_, perr := Parse(out.Stdout)
		var re *RegistryError
		if isErr := perr != nil && asRegistryError(perr, &re); isErr != run.WantError {
			return fmt.Errorf("%s: want error object %v, got parse result %v", run.Name, run.WantError, perr)
		}
		runs[i].ExitCode = out.ExitCode
		// The local server's port changes every capture: keep it out of
		// the files so a recapture only shows real differences.
		stdout := strings.ReplaceAll(string(out.Stdout), local, "http://127.0.0.1:PORT/")
		if err := capture.WriteFiles(run.Name, map[string][]byte{"json": []byte(stdout), "stderr": []byte(quietStderr(out.Stderr))}); err != nil {
			return err
		}
		runs[i].Args = argsForManifest(run.Args, local)
	}
	return capture.WriteManifest(capture.Manifest[captureRun]{Runs: runs})
}

func argsForManifest(args []string, local string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = strings.ReplaceAll(a, local, "http://127.0.0.1:PORT/")
	}
	return out
}

func asRegistryError(err error, target **RegistryError) bool {
	re, ok := err.(*RegistryError)
	if ok {
		*target = re
	}
	return ok
}

type captured struct {
	run    captureRun
	stdout []byte
	stderr []byte
	lock   []byte
}

func loadCaptured(t testing.TB, name string) captured {
	t.Helper()
	run := capture.Load[captureRun](t, name)
	lock, err := os.ReadFile(filepath.Join("testdata", "projects", run.Fixture, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	return captured{run: run, stdout: capture.ReadFile(t, name+".json"), stderr: capture.ReadFile(t, name+".stderr"), lock: lock}
}
