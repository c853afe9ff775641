package bundle

import (
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/preflight-dev/preflight/internal/repofs"
)

// The scripts a page loads at once: <script src>, and the chunks Vite
// preloads for it (<link rel="modulepreload" href>, attributes in either
// order).
var (
	scriptSrc   = regexp.MustCompile(`(?is)<script\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']`)
	preloadHref = regexp.MustCompile(`(?is)<link\b[^>]*?\brel\s*=\s*["']?modulepreload["']?[^>]*?\bhref\s*=\s*["']([^"']+)["']|<link\b[^>]*?\bhref\s*=\s*["']([^"']+)["'][^>]*?\brel\s*=\s*["']?modulepreload\b`)
)

// EntryLoad is the gzipped JavaScript an output's index.html loads when
// the page opens: its scripts and the chunks it preloads, found among the
// output's files. ok is false without an index.html or when none of its
// scripts is in the output (a server-rendered app, scripts from a CDN).
// What the app imports later (a route, an editor loaded on demand) is
// not in it.
func EntryLoad(output string, m Measurement) (bytes int64, files int, ok bool) {
	dir, err := filepath.Abs(output)
	if err != nil {
		return 0, 0, false
	}
	data, err := repofs.ReadFile(dir, filepath.Join(dir, "index.html"))
	if err != nil {
		return 0, 0, false
	}
	seen := map[string]bool{}
	add := func(ref string) {
		u, err := url.Parse(strings.TrimSpace(ref))
		if err != nil || u.Scheme != "" || u.Host != "" || u.Path == "" {
			return // another site's script is not this build's
		}
		p := strings.TrimPrefix(path.Clean("/"+u.Path), "/")
		// Served under a base path (Vite's base: /app/): the file is the
		// longest tail of the path that the output has.
		for ; p != ""; p = tail(p) {
			if gz, found := m.JSGzip[p]; found {
				if !seen[p] {
					seen[p] = true
					bytes += gz
					files++
				}
				return
			}
		}
	}
	for _, s := range scriptSrc.FindAllSubmatch(data, -1) {
		add(string(s[1]))
	}
	for _, s := range preloadHref.FindAllSubmatch(data, -1) {
		add(string(s[1]) + string(s[2]))
	}
	return bytes, files, files > 0
}

// tail drops a path's first element: app/assets/x.js → assets/x.js.
func tail(p string) string {
	_, rest, _ := strings.Cut(p, "/")
	return rest
}
