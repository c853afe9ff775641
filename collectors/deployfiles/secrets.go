package deployfiles

import (
	"regexp"
	"strings"

	"github.com/preflight-dev/preflight/internal/wordsplit"
)

// secretWords name a credential by themselves.
var secretWords = map[string]bool{
	"PASSWORD": true, "PASSWD": true, "PASS": true, "PWD": true, "SECRET": true, "TOKEN": true,
	"APIKEY": true, "CREDENTIAL": true, "CREDENTIALS": true, "PRIVATEKEY": true,
}

// notSecretLast are final words that make a name point to a secret rather
// than hold one (DB_PASSWORD_FILE, TOKEN_URL, SECRET_NAME, ACCESS_KEY_ID).
var notSecretLast = map[string]bool{
	"FILE": true, "PATH": true, "DIR": true, "URL": true, "URI": true, "NAME": true, "ID": true,
	"TYPE": true, "LENGTH": true, "ENDPOINT": true, "HEADER": true, "ENV": true, "VAR": true,
	"FIELD": true, "POLICY": true, "REF": true,
}

// notSecretWords make a KEY public by nature: GPG_KEY (a fingerprint the
// official images set), PUBLIC_KEY.
var notSecretWords = map[string]bool{"GPG": true, "PGP": true, "PUBLIC": true, "PUB": true}

// SecretName reports whether a variable name looks like it holds a
// credential: DB_PASSWORD, apiKey, STRIPE_SECRET_KEY, NPM_TOKEN. The shell's
// PWD (the working directory) is not one.
func SecretName(name string) bool {
	words := nameWords(name)
	if len(words) == 0 || name == "PWD" {
		return false
	}
	if notSecretLast[words[len(words)-1]] {
		return false
	}
	for _, w := range words {
		if notSecretWords[w] {
			return false
		}
	}
	for i, w := range words {
		if secretWords[w] {
			return true
		}
		// KEY names a secret at the end of a name (STRIPE_KEY,
		// API_KEY, SECRET_KEY_BASE is caught by SECRET above).
		if w == "KEY" && i == len(words)-1 && i > 0 {
			return true
		}
	}
	return false
}

// nameWords splits a variable name into upper-case words at underscores,
// dashes, dots and camelCase boundaries: "dbPassword" → DB PASSWORD.
func nameWords(name string) []string {
	return wordsplit.Split(name, wordsplit.Options{Sep: nameSep, Case: strings.ToUpper})
}

func nameSep(r rune) bool { return r == '_' || r == '-' || r == '.' }

var (
	yamlPairRE  = regexp.MustCompile(`^(\s*(?:-\s+)?["']?)([A-Za-z_][\w.-]*)(["']?\s*:[ \t]+)(\S.*)$`)
	assignRE    = regexp.MustCompile(`([A-Za-z_][\w.-]*)=("[^"]*"|'[^']*'|\S+)`)
	legacyEnvRE = regexp.MustCompile(`(?i)^(\s*(?:ENV|ARG)\s+)([A-Za-z_]\w*)(\s+)(\S.*)$`)
)

// RedactLine masks the values that secret-looking names are given on one
// line of source ("DB_PASSWORD=x", "password: x", "ENV TOKEN x"), so a line
// quoted as evidence never shows a credential.
func RedactLine(line string) string {
	if m := legacyEnvRE.FindStringSubmatch(line); m != nil && !strings.Contains(m[4], "=") && SecretName(m[2]) {
		return m[1] + m[2] + m[3] + "****"
	}
	if m := yamlPairRE.FindStringSubmatch(line); m != nil && SecretName(m[2]) {
		return m[1] + m[2] + m[3] + "****"
	}
	return assignRE.ReplaceAllStringFunc(line, func(s string) string {
		name, _, _ := strings.Cut(s, "=")
		if SecretName(name) {
			return name + "=****"
		}
		return s
	})
}
