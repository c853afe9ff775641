package bundle

import (
	"compress/gzip"
	"context"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// FileSize is one file of a build output.
type FileSize struct {
	Path  string // repo-relative, forward slashes
	Bytes int64
	Gzip  int64 // gzip size for JavaScript and CSS; 0 for other files
}

// Measurement is what one build output directory weighs.
type Measurement struct {
	Dir         string // repo-relative
	Files       int
	Bytes       int64 // every file, as on disk
	GzipBytes   int64 // JavaScript and CSS, each file gzipped at the default level
	JSBytes     int64
	JSGzipBytes int64
	MapBytes    int64 // source maps: in the directory, but not downloaded by users
	Largest     []FileSize
	Newest      time.Time // newest file's modification time
	NewestFile  string
	// JSGzip is each JavaScript file's gzip size, by its path below the
	// directory (forward slashes).
	JSGzip map[string]int64
}

// largestKept is how many of the largest files a measurement lists.
const largestKept = 5

// Kind of a file, by extension.
func isJS(name string) bool {
	switch path.Ext(name) {
	case ".js", ".mjs", ".cjs":
		return true
	}
	return false
}

func isCSS(name string) bool { return path.Ext(name) == ".css" }

// Measure walks an output directory: sizes of every file and gzip sizes of
// JavaScript and CSS, which is what a browser downloads. Symbolic links are
// not followed. rel is the directory's repo-relative path, used in the
// results.
func Measure(ctx context.Context, dir, rel string) (Measurement, error) {
	m := Measurement{Dir: rel, JSGzip: map[string]int64{}}
	var all []FileSize
	zw := gzip.NewWriter(io.Discard) // reused: a compressor's state is large
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".vite" && p != dir {
			// Vite's build manifest (.vite/manifest.json), which the
			// server reads and no browser downloads.
			return filepath.SkipDir
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		sub, _ := filepath.Rel(dir, p)
		f := FileSize{Path: path.Join(rel, filepath.ToSlash(sub)), Bytes: info.Size()}
		m.Files++
		m.Bytes += f.Bytes
		if info.ModTime().After(m.Newest) {
			m.Newest, m.NewestFile = info.ModTime(), f.Path
		}
		name := d.Name()
		switch {
		case strings.HasSuffix(name, ".map"):
			m.MapBytes += f.Bytes
		case isJS(name) || isCSS(name):
			gz, err := gzipSize(zw, p)
			if err != nil {
				return err
			}
			f.Gzip = gz
			m.GzipBytes += gz
			if isJS(name) {
				m.JSBytes += f.Bytes
				m.JSGzipBytes += gz
				m.JSGzip[filepath.ToSlash(sub)] = gz
			}
		}
		all = append(all, f)
		return nil
	})
	if err != nil {
		return Measurement{Dir: rel}, err
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].Bytes != all[j].Bytes {
			return all[i].Bytes > all[j].Bytes
		}
		return all[i].Path < all[j].Path
	})
	if len(all) > largestKept {
		all = all[:largestKept]
	}
	m.Largest = all
	return m, nil
}

// gzipSize is the size of a file compressed with gzip at the default
// level, roughly what a server sends with Content-Encoding: gzip.
func gzipSize(zw *gzip.Writer, file string) (int64, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var n countingWriter
	zw.Reset(&n)
	if _, err := io.Copy(zw, f); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	return int64(n), nil
}

type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

// Source is the newest input file of a package.
type Source struct {
	Path    string // repo-relative
	ModTime time.Time
}

// skippedSourceDirs are never inputs of a build: dependencies, outputs,
// caches.
var skippedSourceDirs = map[string]bool{
	"node_modules": true, "dist": true, "build": true, "out": true, "coverage": true,
}

// NewestSource finds the most recently modified source file of the package
// in dir: everything under it except dependencies, build outputs, hidden
// directories (.next, .turbo, .git …), nested packages, documentation and
// files the build itself writes.
func NewestSource(ctx context.Context, dir, rel string) (Source, error) {
	var newest Source
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil // an unreadable corner does not make the package unreadable
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p == dir {
				return nil
			}
			if skippedSourceDirs[name] || strings.HasPrefix(name, ".") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "package.json")); err == nil {
				return filepath.SkipDir // another package, with its own collector
			}
			return nil
		}
		if !d.Type().IsRegular() || notSource(name) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if info.ModTime().After(newest.ModTime) {
			sub, _ := filepath.Rel(dir, p)
			newest = Source{Path: path.Join(rel, filepath.ToSlash(sub)), ModTime: info.ModTime()}
		}
		return nil
	})
	return newest, err
}

// notSource: files next to the sources that do not go into a bundle, or
// that the build writes itself.
func notSource(name string) bool {
	switch {
	case strings.HasSuffix(name, ".md"), strings.HasSuffix(name, ".log"), strings.HasSuffix(name, ".tsbuildinfo"):
		return true
	case name == ".eslintcache", name == ".DS_Store", name == "LICENSE":
		return true
	case name == ".gitignore", name == ".gitattributes", name == ".dockerignore", name == ".editorconfig",
		name == ".prettierignore", name == ".eslintignore", name == "Dockerfile", name == "components.json",
		strings.HasSuffix(name, ".sql"):
		// The repository's and other tools' settings, and database
		// migrations (drizzle-kit generate): no bundler reads them.
		return true
	case name == "preflight.yaml", name == "preflight.yml":
		return true // preflight's own settings: writing them builds nothing
	}
	return false
}
