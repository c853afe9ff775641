package secrets

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Redactor turns secret values into something that can be shown: their
// length and a short keyed hash. The hash lets a person tell two values
// apart, or see that a rotated value changed, without revealing either.
// It is keyed (HMAC-SHA256) so that a published report cannot be checked
// against a list of likely passwords by anyone who lacks the key.
type Redactor struct {
	key []byte
}

// NewRedactor uses key for the hashes; tests pass a fixed one.
func NewRedactor(key []byte) *Redactor {
	return &Redactor{key: append([]byte(nil), key...)}
}

// digestLen is how many hex characters of the HMAC are shown.
const digestLen = 8

// Digest is the first 8 hex characters of HMAC-SHA256(key, value).
func (r *Redactor) Digest(value string) string {
	m := hmac.New(sha256.New, r.key)
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))[:digestLen]
}

// Label is what is shown in place of a value: its length and digest.
func (r *Redactor) Label(value string) string {
	return label(len(value), r.Digest(value))
}

func label(n int, digest string) string {
	return fmt.Sprintf("%d chars, hmac %s", n, digest)
}

// Redact replaces every credential it recognises in free text (tool
// messages, error output) with its label: known key formats, private key
// blocks and the passwords of URLs. Collectors that show text written by
// other tools pass it through here first.
func (r *Redactor) Redact(text string) string {
	for _, f := range keyFormats {
		text = f.re.ReplaceAllStringFunc(text, func(tok string) string {
			return "[redacted " + r.Label(tok) + "]"
		})
	}
	text = urlCredentials.ReplaceAllStringFunc(text, func(u string) string {
		m := urlCredentials.FindStringSubmatchIndex(u)
		if m == nil || m[7]-m[6] == 0 || IsPlaceholder(u[m[6]:m[7]]) {
			return u
		}
		return u[:m[6]] + "[redacted " + r.Label(u[m[6]:m[7]]) + "]" + u[m[7]:]
	})
	return redactPEM(text, r)
}

// redactPEM replaces private key blocks, whole or cut off, with a label.
func redactPEM(text string, r *Redactor) string {
	for {
		loc := pemBegin.FindStringIndex(text)
		if loc == nil {
			return text
		}
		end := len(text)
		if e := pemEnd.FindStringIndex(text[loc[1]:]); e != nil {
			end = loc[1] + e[1]
		}
		block := text[loc[0]:end]
		text = text[:loc[0]] + "[redacted private key " + r.Label(block) + "]" + text[end:]
	}
}

// keyFileName is the per-installation HMAC key, in preflight's config dir.
const keyFileName = "redaction.key"

// InstallationRedactor returns a Redactor keyed with this installation's
// key, creating it (32 random bytes, mode 0600) on first use in
// $XDG_CONFIG_HOME/preflight. When the config directory cannot be used the
// key is random for this process: hashes then differ between runs, which
// is safe, only less convenient.
func InstallationRedactor() (*Redactor, error) {
	dir, err := os.UserConfigDir()
	if err == nil {
		var key []byte
		key, err = loadOrCreateKey(filepath.Join(dir, "preflight", keyFileName))
		if err == nil {
			return NewRedactor(key), nil
		}
	}
	key := make([]byte, 32)
	if _, rerr := rand.Read(key); rerr != nil {
		return nil, rerr
	}
	return NewRedactor(key), err
}

func loadOrCreateKey(file string) ([]byte, error) {
	b, err := os.ReadFile(file)
	if err == nil {
		key, derr := hex.DecodeString(strings.TrimSpace(string(b)))
		if derr == nil && len(key) >= 16 {
			return key, nil
		}
		return nil, fmt.Errorf("%s is not a hex key of at least 16 bytes", file)
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return nil, err
	}
	// Written aside and linked into place: when two preflight processes
	// race, the loser reads the winner's complete key instead of a torn or
	// overwritten one.
	tmp, err := os.CreateTemp(filepath.Dir(file), ".redaction-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	if err := os.Link(tmp.Name(), file); errors.Is(err, os.ErrExist) {
		return loadOrCreateKey(file)
	} else if err != nil {
		return nil, err
	}
	return key, nil
}
