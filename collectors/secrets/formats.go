package secrets

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
	"time"
)

// keyFormat is a credential recognisable by its shape alone, wherever it
// appears in a scanned file and whatever key it is assigned to.
type keyFormat struct {
	rule   string
	what   string // shown in the message: "AWS access key id"
	re     *regexp.Regexp
	prefix string // literal prefix, for placeholder detection
	valid  func(string) bool
	// needles: a match contains one of them, so a line without any is
	// passed over without running re (most lines of source code).
	needles []string
}

// keyFormats are matched in this order; an earlier match claims its span.
// The shapes follow each vendor's published token formats.
var keyFormats = []keyFormat{
	{rule: RuleAWSAccessKey.ID, what: "AWS access key id",
		re: regexp.MustCompile(`\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b`), prefix: "AKIA", needles: []string{"AKIA", "ASIA", "ABIA", "ACCA"}},
	{rule: RuleStripeLiveKey.ID, what: "Stripe live secret key",
		re: regexp.MustCompile(`\b[sr]k_live_[0-9A-Za-z]{16,247}\b`), prefix: "sk_live_", needles: []string{"k_live_"}},
	{rule: RuleGitHubToken.ID, what: "GitHub token",
		re: regexp.MustCompile(`\bgh[pousr]_[A-Za-z0-9]{36,255}\b|\bgithub_pat_[A-Za-z0-9_]{22,255}\b`), prefix: "ghp_", needles: []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"}},
	{rule: RuleSlackToken.ID, what: "Slack token",
		re: regexp.MustCompile(`\bxox[abposr]-[0-9A-Za-z-]{10,250}\b`), prefix: "xoxb-", needles: []string{"xox"}},
	{rule: RuleSlackWebhook.ID, what: "Slack webhook URL",
		re: regexp.MustCompile(`\bhttps://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/+-]{16,250}`), prefix: "https://hooks.slack.com/services/", needles: []string{"hooks.slack.com/"}},
	{rule: RuleGoogleAPIKey.ID, what: "Google API key",
		re: regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`), prefix: "AIza", needles: []string{"AIza"}},
	{rule: RuleJWT.ID, what: "JSON Web Token",
		re:    regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*`),
		valid: validJWT, needles: []string{"eyJ"}},
}

// in reports whether line may hold a token of this format.
func (f keyFormat) in(line string) bool {
	for _, n := range f.needles {
		if strings.Contains(line, n) {
			return true
		}
	}
	return len(f.needles) == 0
}

// validJWT checks that the first segment decodes to a JSON header with an
// "alg", so base64 that merely starts with eyJ is not reported.
func validJWT(tok string) bool {
	head, _, ok := strings.Cut(tok, ".")
	if !ok {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return false
	}
	var h map[string]any
	if json.Unmarshal(b, &h) != nil {
		return false
	}
	_, ok = h["alg"]
	return ok
}

// jwtExpiry is when a JWT stops being accepted: its payload's "exp"
// (seconds since 1970); ok is false for a token that does not say.
func jwtExpiry(tok string) (exp time.Time, ok bool) {
	parts := strings.Split(tok, ".")
	if len(parts) < 2 {
		return time.Time{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return time.Time{}, false
	}
	var claims struct {
		Exp *float64 `json:"exp"`
	}
	if json.Unmarshal(b, &claims) != nil || claims.Exp == nil || *claims.Exp <= 0 || *claims.Exp > 1e11 {
		return time.Time{}, false
	}
	return time.Unix(int64(*claims.Exp), 0).UTC(), true
}

// Private key blocks span lines; the BEGIN line is where they are reported.
var (
	pemBegin = regexp.MustCompile(`-----BEGIN ((?:RSA|DSA|EC|OPENSSH|ENCRYPTED|PGP|SSH2) )?PRIVATE KEY( BLOCK)?-----`)
	pemEnd   = regexp.MustCompile(`-----END ((?:RSA|DSA|EC|OPENSSH|ENCRYPTED|PGP|SSH2) )?PRIVATE KEY( BLOCK)?-----`)
)

// urlCredentials matches scheme://user:password@host. The password may be
// empty or a placeholder; the scanner decides. It runs to the last @ of
// the authority, as Go's net/url and libpq read postgres://u:p@ss@db.
var urlCredentials = regexp.MustCompile(`\b([A-Za-z][A-Za-z0-9+.-]{1,30})://([^\s:/?#@"'<>]*):([^\s/?#"'<>]*)@([^\s/?#"'<>:@]+)`)
