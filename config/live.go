package config

import (
	"bytes"
	"errors"
	"io/fs"
	"path/filepath"
	"sync"

	"github.com/preflight-dev/preflight/internal/repofs"
)

// Live is the config of a running session. Reload reads the file again
// after it changed; an invalid edit keeps the last good config in force
// and is reported until the file is fixed.
type Live struct {
	root string

	mu   sync.Mutex
	cur  *Config
	raw  []byte // contents cur was read from; nil when there is no file
	err  error  // the latest edit's problem, nil when cur is the file's
	have bool   // the file exists
}

// NewLive reads the config of root. The first read must succeed: there
// is no earlier config to fall back to.
func NewLive(root string) (*Live, error) {
	l := &Live{root: root}
	raw, have, err := l.read()
	if err != nil {
		return nil, err
	}
	cfg, err := l.parse(raw, have)
	if err != nil {
		return nil, err
	}
	l.cur, l.raw, l.have = cfg, raw, have
	return l, nil
}

// Current is the config in force.
func (l *Live) Current() *Config {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cur
}

// Err is the problem with the file on disk, or nil when the config in
// force is what the file says.
func (l *Live) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Reload reads the file again. changed is true when a valid config that
// differs from the one in force was read (it is now in force); err is the
// file's problem when it is invalid (the old config stays).
func (l *Live) Reload() (changed bool, err error) {
	raw, have, err := l.read()
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		l.err = err
		return false, err
	}
	if have == l.have && bytes.Equal(raw, l.raw) {
		l.err = nil
		return false, nil
	}
	cfg, err := l.parse(raw, have)
	if err != nil {
		l.err = err
		return false, err
	}
	l.cur, l.raw, l.have, l.err = cfg, raw, have, nil
	return true, nil
}

func (l *Live) read() (raw []byte, have bool, err error) {
	raw, err = repofs.ReadFile(l.root, FileName)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	return raw, err == nil, err
}

func (l *Live) parse(raw []byte, have bool) (*Config, error) {
	if !have {
		return &Config{}, nil
	}
	return Parse(filepath.Join(l.root, FileName), raw)
}
