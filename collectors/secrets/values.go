package secrets

import (
	"math"
	"regexp"
	"strings"
	"unicode"

	"github.com/preflight-dev/preflight/internal/wordsplit"
)

// WeakValues are well-known default and weak credentials: what images,
// tutorials and installers ship with, and what people type when they mean
// to change it later. A value assigned to a secret-named key that equals one
// of them (ignoring case) is a default credential. General secret scanners
// miss these because they look for entropy and known token shapes; this
// list is why preflight has its own scanner.
//
// Sources: the defaults of the official postgres, mysql, mariadb, mongo,
// rabbitmq, redis, elasticsearch, Oracle and SQL Server images and of Java
// keystores ("changeit"), and the top of public most-used-password lists.
var WeakValues = []string{
	// service and image defaults
	"postgres", "postgresql", "mysql", "mariadb", "mongo", "mongodb", "redis",
	"rabbitmq", "guest", "elastic", "changeme", "changeit", "oracle", "sa",
	"root", "toor", "admin", "administrator", "superuser", "master", "default",
	// words that stand for a password
	"password", "passwd", "pass", "secret", "example", "test", "testing", "demo",
	"dev", "development", "user", "letmein", "welcome", "qwerty",
	// the same with the digits and symbols people add
	"password1", "password123", "passw0rd", "p@ssw0rd", "p@ssword", "pass123",
	"secret123", "admin1", "admin123", "admin1234", "root123", "test123",
	"changeme123", "welcome1", "qwerty123", "abc123",
	// numbers
	"1234", "12345", "123456", "1234567", "12345678", "123456789", "1234567890",
	"111111", "000000", "654321",
}

var weakSet = func() map[string]bool {
	m := make(map[string]bool, len(WeakValues))
	for _, v := range WeakValues {
		m[v] = true
	}
	return m
}()

// IsWeak reports whether v is on the WeakValues list, ignoring case, or
// is digits counted up, down or repeated, however long
// (12345678901234567890123456789012, a sample signing key, or 00000000).
func IsWeak(v string) bool { return weakSet[strings.ToLower(v)] || countedDigits(v) }

// countedDigits reports six or more digits, each one more than the one
// before (9 then 0), each one less, or all the same.
func countedDigits(v string) bool {
	if len(v) < 6 {
		return false
	}
	up, down, same := true, true, true
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
		if i == 0 {
			continue
		}
		d := (int(v[i]) - int(v[i-1]) + 10) % 10
		up, down, same = up && d == 1, down && d == 9, same && d == 0
	}
	return up || down || same
}

// secretWords name what a key holds when it holds a credential; they are
// matched against whole words of the key (DB_PASSWORD, apiKey, secret_key).
var secretWords = map[string]bool{
	"password": true, "passwd": true, "pwd": true, "pass": true, "passphrase": true,
	"secret": true, "token": true, "apikey": true, "credential": true, "credentials": true,
	"authtoken": true, "privatekey": true,
}

// keyQualifiers make "key" a secret word when they come right before it:
// API_KEY, PRIVATE_KEY, accessKey — but not a bare "key", which in most
// configs names something (a Kubernetes secretKeyRef key, a map key).
var keyQualifiers = map[string]bool{
	"api": true, "secret": true, "private": true, "access": true, "signing": true,
	"encryption": true, "master": true, "auth": true, "client": true, "app": true,
	"license": true, "service": true, "account": true,
}

// notSecretSuffixes end keys that are about a secret without holding one:
// PASSWORD_FILE is a path, TOKEN_TTL a duration, PASSWORD_MIN_LENGTH a
// number, AWS_ACCESS_KEY_ID an identifier.
var notSecretSuffixes = map[string]bool{
	"file": true, "path": true, "dir": true, "name": true, "id": true, "ids": true,
	"stdin":  true, // docker login --password-stdin reads it: the next word is no value
	"length": true, "len": true, "min": true, "max": true, "ttl": true, "expiry": true,
	"expires": true, "expiration": true, "timeout": true, "lifetime": true, "age": true,
	"duration": true, "interval": true, // ACCESS_TOKEN_DURATION=15m
	"header": true, "field": true, "param": true, "policy": true, "type": true,
	"enabled": true, "enable": true, "required": true, "reset": true, "rotation": true,
	"regex": true, "pattern": true, "prompt": true, "label": true, "count": true,
	"size": true, "mode": true, "prefix": true, "env": true, "var": true, "ref": true,
	"endpoint": true, "url": true, "uri": true, "host": true, "port": true,
	"user": true, "username": true, "hash": true, "hashed": true, "algorithm": true,
	"alg": true, "format": true, "location": true, "store": true, "provider": true,
	"secretref": true, "keyref": true, "method": true, "strategy": true,
}

// keyWords splits a key into lower-case words at separators and camelCase
// boundaries: "spring.datasource.password" → spring datasource password,
// "serviceToken" → service token, "AWS_SECRET_ACCESS_KEY" → aws secret
// access key.
func keyWords(key string) []string {
	return wordsplit.Split(key, wordsplit.Options{Acronyms: true, Case: strings.ToLower})
}

// unitWords end a key after the word that says what it holds: TOKEN_EXPIRES_IN,
// SESSION_TTL_SECONDS, JWT_MAX_AGE_MS.
var unitWords = map[string]bool{
	"in": true, "at": true, "after": true, "ms": true, "s": true, "sec": true, "secs": true, "seconds": true,
	"mins": true, "minutes": true, "hours": true, "days": true,
}

// IsSecretKey reports whether a key name says its value is a credential.
func IsSecretKey(key string) bool {
	words := keyWords(key)
	last := len(words) - 1
	for last > 0 && unitWords[words[last]] {
		last--
	}
	if len(words) == 0 || notSecretSuffixes[words[last]] {
		return false
	}
	for i, w := range words {
		if secretWords[w] {
			return true
		}
		if w == "key" && i > 0 && keyQualifiers[words[i-1]] {
			return true
		}
	}
	// apiKey and privateKey written as one lower-case word, and the
	// password variables of clients (libpq's PGPASSWORD).
	joined := strings.Join(words, "")
	return strings.HasSuffix(joined, "apikey") || strings.HasSuffix(joined, "secretkey") ||
		strings.HasSuffix(joined, "password") || strings.HasSuffix(joined, "passwd")
}

// placeholderPatterns match values that stand for a secret to be supplied
// elsewhere: interpolations (${VAR}, {{ .Values.x }}, %(x)s), angle-bracket
// templates, the REPLACE_ME / your-token-here family, and foo / bar / baz.
var placeholderPatterns = []*regexp.Regexp{
	regexp.MustCompile(`\$\{[^}]*\}?|\$\([^)]*\)?|\{\{.*\}\}|\{%.*%\}|%\([A-Za-z0-9_.-]+\)[sd]|#\{[^}]*\}`),
	regexp.MustCompile(`^\$[A-Za-z_][A-Za-z0-9_]*$|^%[A-Za-z_][A-Za-z0-9_]*%$|^@[A-Za-z_][A-Za-z0-9_.-]*@$|^__[A-Za-z0-9_]+__$`),
	regexp.MustCompile(`^<[^<>]*>$|^\[[^\[\]]*\]$`),
	regexp.MustCompile(`(?i)^(replace|change|fill|insert|enter|update|set|put)[-_ .]+(me|this|it|in|here|later)([-_ .].*)?$`),
	regexp.MustCompile(`(?i)^replaceme$|^(to[-_ ]?do|tbd|fixme|none|null|nil|undefined|redacted|placeholder|dummy|fake|notset|not[-_ ]set|unset|n/?a)$`),
	// The metasyntactic names: AUTH_SECRET: foo in a CI build step.
	regexp.MustCompile(`(?i)^(foo|bar|baz|qux|quux|foo[-_]?bar)$`),
	regexp.MustCompile(`(?i)^your[-_ .]?[a-z0-9_ .-]*$`),
	regexp.MustCompile(`(?i)[-_ .](here|goes[-_ .]here|placeholder)$`),
	regexp.MustCompile(`^(x+|X+|\*+|\.+|-+|_+|•+|#+)$`),
	// The same mask behind a vendor's prefix, as docs write keys:
	// sk_test_***, whsec_***, tok_xxxxxxxx.
	regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*(?:[_-][A-Za-z0-9]+)*[_-](?:x{3,}|X{3,}|\*{3,}|\.{3,}|•{3,}|#{3,})$`),
	// GOOGLE_API_KEY_VAL: a token a deploy script replaces (sed s/…_VAL/…/).
	regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*_(VAL|VALUE)$`),
}

// IsPlaceholder reports whether a value is not a secret but a stand-in for
// one. Empty values are placeholders, and so is a long run of one
// character (a mock's 40 × "A"); a short one (111111) is a weak value.
func IsPlaceholder(v string) bool {
	v = strings.TrimSpace(v)
	if v == "" {
		return true
	}
	if len(v) >= 16 && strings.Count(v, v[:1]) == len(v) {
		return true
	}
	for _, re := range placeholderPatterns {
		if re.MatchString(v) {
			return true
		}
	}
	return false
}

// isPlaceholderToken is IsPlaceholder for a value in a known key format
// (sk_live_…, AKIA…): documentation shows those with EXAMPLE in them or
// with a body of one repeated character.
func isPlaceholderToken(tok, prefix string) bool {
	if IsPlaceholder(tok) || strings.Contains(strings.ToUpper(tok), "EXAMPLE") {
		return true
	}
	body := strings.TrimPrefix(tok, prefix)
	return len(body) > 0 && strings.Count(body, body[:1]) == len(body)
}

// notAValue are literals that cannot be credentials: a boolean toggle such
// as "passwordless: true" or "token: null".
func notAValue(v string) bool {
	switch strings.ToLower(v) {
	case "true", "false", "yes", "no", "on", "off", "null", "~", "nil", "none":
		return true
	}
	return false
}

// isNumber reports a plain number; numbers are only findings when weak
// (123456), never as "hardcoded secrets" (a port, a length).
func isNumber(v string) bool {
	if v == "" {
		return false
	}
	for i, r := range v {
		if !(unicode.IsDigit(r) || (r == '.' || r == '-' || r == '+') && i < len(v)-1) {
			return false
		}
	}
	return true
}

// Entropy is the Shannon entropy of s in bits per character.
func Entropy(s string) float64 {
	if s == "" {
		return 0
	}
	counts := map[rune]int{}
	n := 0
	for _, r := range s {
		counts[r]++
		n++
	}
	var h float64
	for _, c := range counts {
		p := float64(c) / float64(n)
		h -= p * math.Log2(p)
	}
	return h
}

// High-entropy thresholds. A random key mixes upper case, lower case and
// digits (base64, alphanumeric tokens) or is long hex; a pass phrase with a
// digit stuck on ("mysecretpassword1") does neither.
const (
	minEntropyLength = 16
	minEntropy       = 3.5
	minHexLength     = 20
	minHexEntropy    = 3.0
)

// IsHighEntropy reports a value that looks machine-generated.
func IsHighEntropy(v string) bool {
	if len(v) < minEntropyLength || strings.ContainsAny(v, " \t") {
		return false
	}
	var lower, upper, digit, other, hex = false, false, false, false, true
	for _, r := range v {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			hex = false
		}
	}
	if hex {
		return len(v) >= minHexLength && digit && (lower || upper) && Entropy(v) >= minHexEntropy
	}
	classes := 0
	for _, b := range []bool{lower, upper, digit, other} {
		if b {
			classes++
		}
	}
	return classes >= 3 && Entropy(v) >= minEntropy
}

// passwordHash matches a password stored hashed, as crypt(3) and the PHC
// string format write it: bcrypt ($2b$10$…), sha512-crypt ($6$…),
// md5-crypt ($1$…), argon2, pbkdf2, scrypt, yescrypt. A configuration that
// holds users or OAuth clients (Authelia's users_database.yml) stores its
// passwords so, which is what it should do: the value is not the secret.
var passwordHash = regexp.MustCompile(`^\$(?:` +
	`2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}` +
	`|[156]\$(?:rounds=\d+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{22,86}` +
	`|(?:argon2(?:id|i|d)|pbkdf2(?:-sha(?:1|256|512))?|scrypt|yescrypt|y|7)(?:\$[A-Za-z0-9=,./+-]+){2,}` +
	`)$`)

// IsPasswordHash reports whether v is a hashed password, not a password.
func IsPasswordHash(v string) bool { return passwordHash.MatchString(strings.TrimSpace(v)) }
