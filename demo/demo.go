// Package demo ships a small sample project inside the binary so a newcomer
// can see every part of preflight working at once: `preflight demo`.
package demo

import (
	"embed"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The project's go.mod is stored as go.mod.demo: a real go.mod would make
// the directory a separate module that cannot be embedded.
//
//go:embed all:testdata/project
var project embed.FS

const moduleSuffix = ".demo"

// Unpack writes the sample project into a new temporary directory and
// returns its path. The caller decides whether to remove it.
func Unpack() (string, error) {
	dir, err := os.MkdirTemp("", "preflight-demo-")
	if err != nil {
		return "", err
	}
	if err := UnpackInto(dir); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// UnpackInto writes the sample project into dir.
func UnpackInto(dir string) error {
	sub, err := fs.Sub(project, "testdata/project")
	if err != nil {
		return err
	}
	return fs.WalkDir(sub, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(strings.TrimSuffix(path, moduleSuffix)))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := fs.ReadFile(sub, path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}
