package secrets

import (
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"
)

// Digits counted up, down or repeated are weak however long: simplebank's
// sample signing key is "1234567890" over and over.
func TestCountedDigitsAreWeak(t *testing.T) {
	for v, want := range map[string]bool{
		"12345678901234567890123456789012": true, "9876543210": true, "00000000": true, "567890123": true,
		"1234567890": true, // on the list too
		"12345":      true, // on the list
		"12346":      false, "8675309": false, "31415926535": false, "11112": false, "123a456": false, "": false,
	} {
		if got := IsWeak(v); got != want {
			t.Errorf("IsWeak(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestIsSecretKey(t *testing.T) {
	cases := map[string]bool{
		"DB_PASSWORD": true, "password": true, "POSTGRES_PASSWORD": true, "db_pass": true,
		"SECRET_KEY": true, "secret_key": true, "apiKey": true, "API_KEY": true, "apikey": true,
		"serviceToken": true, "GITHUB_TOKEN": true, "AWS_SECRET_ACCESS_KEY": true,
		"spring.datasource.password": true, "//registry.npmjs.org/:_authToken": true,
		"PRIVATE_KEY": true, "client_secret": true, "Passphrase": true, "credentials": true,
		"ENCRYPTION_KEY": true, "bind_password": true, "MYSQL_ROOT_PASSWORD": true,
		"PGPASSWORD": true, "dbpasswd": true,
		// about a secret, not one
		"POSTGRES_PASSWORD_FILE": false, "PASSWORD_MIN_LENGTH": false, "TOKEN_TTL": false,
		"AWS_ACCESS_KEY_ID": false, "passwordReset": false, "tokenLength": false,
		"token_url": false, "SECRET_NAME": false, "password_policy": false,
		"AUTH_JWT_TOKEN_EXPIRES_IN": false, "SESSION_SECRET_TTL_SECONDS": false, "AUTH_REFRESH_SECRET": true, "SECRET_IN": true,
		"ACCESS_TOKEN_DURATION": false, "TOKEN_REFRESH_INTERVAL": false, "TOKEN_SYMMETRIC_KEY": true,
		// not about secrets at all
		"key": false, "name": false, "DB_USER": false, "passwordless": false, "tokenizer": false,
		"keyboard": false, "monkey": false, "": false, "LOG_LEVEL": false, "ADMIN_USER": false,
	}
	for key, want := range cases {
		if got := IsSecretKey(key); got != want {
			t.Errorf("IsSecretKey(%q) = %v, want %v (words %v)", key, got, want, keyWords(key))
		}
	}
}

func TestKeyWords(t *testing.T) {
	cases := map[string]string{
		"AWS_SECRET_ACCESS_KEY":      "aws secret access key",
		"serviceToken":               "service token",
		"spring.datasource.password": "spring datasource password",
		"HTTPServerPassword":         "http server password",
		"apiKey2":                    "api key2",
		"x-api-key":                  "x api key",
	}
	for in, want := range cases {
		if got := strings.Join(keyWords(in), " "); got != want {
			t.Errorf("keyWords(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsPlaceholder(t *testing.T) {
	placeholders := []string{
		"", "  ", "${DB_PASSWORD}", "${REDIS_PASSWORD:?set REDIS_PASSWORD}", "$DB_PASSWORD",
		"{{ .Values.db.password }}", "${{ secrets.TOKEN }}", "<your-api-key>", "<generate-a-long-random-string>",
		"REPLACE_ME", "replace-me", "CHANGE_ME", "change-this", "TODO", "tbd", "xxxxxxxx", "********",
		"your-api-token-here", "YOUR_SECRET", "put-key-here", "%(CACHE_PASSWORD)s", "%DB_PASS%",
		"@db.password@", "__SECRET__", "replaceme", "not-set", "placeholder", "...", "$(cat /run/secrets/pw)",
		"#{password}", "prefix-${VAR}-suffix", "GOOGLE_API_KEY_VAL", "DB_PASSWORD_VALUE", "foo", "BAZ", "foobar", "foo_bar", "sk_test_***", "whsec_***", "tok_xxxxxxxx", "pk-live-XXXX", "ghp_...",
		strings.Repeat("A", 40), strings.Repeat("0", 16),
	}
	for _, v := range placeholders {
		if !IsPlaceholder(v) {
			t.Errorf("IsPlaceholder(%q) = false, want true", v)
		}
	}
	real := []string{"changeme", "postgres", "admin123", "hunter2", "Tr0ub4dor&3", "sk_live_abc123", "example", "test", "xy1",
		"VAL", "HUNTER2_VALx", "Tr0ub_VAL", "111111", "foo1", "bart", "football", "sk_test_x1xx", "xxx_secret", "tok_x", "aaaaaaaa", strings.Repeat("A", 39) + "B"}
	for _, v := range real {
		if IsPlaceholder(v) {
			t.Errorf("IsPlaceholder(%q) = true, want false", v)
		}
	}
}

func TestWeakValuesAreNotPlaceholders(t *testing.T) {
	// Every listed weak value must be reportable: none may be swallowed by
	// the placeholder rules or skipped as "not a value".
	for _, v := range WeakValues {
		if IsPlaceholder(v) || notAValue(v) {
			t.Errorf("weak value %q is treated as a placeholder", v)
		}
		if !IsWeak(strings.ToUpper(v)) {
			t.Errorf("IsWeak(%q) is not case-insensitive", strings.ToUpper(v))
		}
	}
	if IsWeak("Tr0ub4dor&3") || IsWeak("admin1234567") {
		t.Error("a value off the list is weak")
	}
}

func TestIsHighEntropy(t *testing.T) {
	cases := map[string]bool{
		"/tuOZ2chP1lUTDvJRJnVg53gOMOLnEGCvU241w+m":           true,
		"oaeLmJ-*79RiJQ-(yRm+Nlt!jXoeAgbJuj09tz)_!U5epySz8S": true,
		"9f86d081884c7d659a2feaa0c55ad015":                   true,  // hex
		"correcthorsebatterystaple":                          false, // one class
		"mysecretpassword1":                                  false, // words
		"Tr0ub4dor&3":                                        false, // short
		"aaaaaaaaaaaaaaaaaaaaaaaa1":                          false,
		"deadbeefdeadbeefdeadbeef":                           false, // hex, but repetitive
		"this is a long sentence 123":                        false,
	}
	for v, want := range cases {
		if got := IsHighEntropy(v); got != want {
			t.Errorf("IsHighEntropy(%q) = %v (entropy %.2f), want %v", v, got, Entropy(v), want)
		}
	}
}

func TestClassify(t *testing.T) {
	cases := map[string]Context{
		".env": Production, "docker-compose.yml": Production, "k8s/secret.yaml": Production,
		"config/production.json": Production, "Dockerfile": Production, "deploy/certs/server.key": Production,
		"docker-compose.dev.yml": DevTest, "test/config.yaml": DevTest, ".env.example": DevTest,
		".env.local": DevTest, "src/__tests__/x.json": DevTest, "config/application-test.properties": DevTest,
		"examples/basic/.env": DevTest, "docker-compose.override.yml": DevTest, "testdata/x.env": DevTest,
		"contest/config.yaml": Production, "latest.json": Production,
		"internal/utils/testutils/helpers.go": DevTest, "pkg/testing/fake.go": DevTest, "internal/testinghub/x.go": Production,
		"cypress/docker-compose.yml": DevTest, "e2e/playwright/.env": DevTest,
		// Words of a directory's name: mkcert's dev certificates (elk).
		"https-dev-config/localhost.key": DevTest, "test-fixtures/x.env": DevTest, "devops/deploy.env": Production,
		"local-config/app.env": Production, "api.v2/keys.json": Production,
		// A pipeline's name says what it runs (umami's ci.yml): its weak
		// values weigh as a CI file's, its other secrets as committed.
		".github/workflows/ci.yml": Production, ".github/workflows/test.yml": Production, ".gitlab-ci.yml": Production,
		"ci/docker-compose.test.yml": DevTest,
	}
	for p, want := range cases {
		if got := Classify(p); got != want {
			t.Errorf("Classify(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestIsDotenv(t *testing.T) {
	cases := map[string]bool{
		".env": true, "web/.env": true, ".env.local": true, ".env.production.local": true,
		".env.example": false, ".env.sample": false, ".env.template": false, ".env.production": false,
		"prod.env": false, ".envrc": false,
	}
	for p, want := range cases {
		if got := IsDotenv(p); got != want {
			t.Errorf("IsDotenv(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestScanned(t *testing.T) {
	cases := map[string]bool{
		".env": true, ".env.example": true, "prod.env": true, "Dockerfile": true, "api.Dockerfile": true,
		"Dockerfile.prod": true, "k8s/a.yaml": true, "c.yml": true, "a.json": true, "a.toml": true,
		"a.ini": true, "a.properties": true, ".npmrc": true, "certs/x.pem": true, "id_rsa": true,
		"package-lock.json": false, "pnpm-lock.yaml": false, "scan.sarif.json": false,
		"main.go": true, "main.rs": false, "README.md": false, "src/notify.js": true, "src/types.d.ts": false, "dist/app.min.js": false,
		".envrc": true, "tools/.envrc": true, ".envrc.bak": false,
		"env-example-relational": true, ".env-sample": true, "deploy/env_production": true, "env.example": true,
		"env.template": true, "env.js": true, "env.md": false, "env-config.json": true, "env-setup.sh": false, "environment.ts": true,
		"ENV_EXAMPLE": true, "Env_notes": false, "infra/main.tf": true, "prod.tfvars": true, "container.env.example": true, "app.env.sample": true, "a.env.bak": false,
	}
	for p, want := range cases {
		if got := Scanned(p); got != want {
			t.Errorf("Scanned(%q) = %v, want %v", p, got, want)
		}
		// A scanned file the collector does not watch would be rescanned
		// only by chance.
		watched := false
		for _, g := range inputGlobs {
			if ok, _ := doublestar.Match(g, p); ok {
				watched = true
			}
		}
		if want && !watched {
			t.Errorf("%s is scanned but no input glob matches it", p)
		}
	}
}

// Pins where keyWords splits: at every rune that is not a letter or digit,
// at a lower-to-upper step and before the last letter of an acronym
// (HTTPServer), in lower case.
func TestKeyWordsBoundaries(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"__", ""},
		{"A", "a"},
		{"ABC", "abc"},
		{"aB", "a|b"},
		{"dbPassword", "db|password"},
		{"ABCdef", "ab|cdef"},
		{"aBCd", "a|b|cd"},
		{"_ABc", "a|bc"},
		{"v2Build", "v2build"},
		{"Test2Go", "test2go"},
		{"x-api_key.y", "x|api|key|y"},
		{"a b/c:d", "a|b|c|d"},
		{"lint--fix", "lint|fix"},
		{"//registry.npmjs.org/:_authToken", "registry|npmjs|org|auth|token"},
		{"ÉtéParisÅngström", "été|paris|ångström"},
		{"ωΣigma", "ω|σigma"},
	}
	for _, c := range cases {
		if got := strings.Join(keyWords(c.in), "|"); got != c.want {
			t.Errorf("keyWords(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// dotenv reads a value to the end of its line: "is <hex>" is no sentence
// but a key with a word in front (hackathon-starter's LASTFM_SECRET). A
// real sentence under a secret's key stays a label.
func TestValueOfSeveralWordsWithARandomOne(t *testing.T) {
	hits, _ := scanLines(".env.example", kindEnv, []string{
		"LASTFM_SECRET=is 9f8e7d6c5b4a39281706f5e4d3c2b1a0",
		"PASSWORD_HINT_SECRET=Enter your password here",
	}, NewRedactor(testKey))
	if len(hits.Hits) != 1 || hits.Hits[0].Line != 1 || hits.Hits[0].Rule != RuleHighEntropy.ID {
		t.Errorf("hits %+v", hits.Hits)
	}
}

// A dependency named like a secret holds a version, not a value
// (hackathon-starter's "@zapier/secret-scrubber": "^1.1.6").
func TestDependencyVersionIsNoSecret(t *testing.T) {
	for v, want := range map[string]bool{"^1.1.6": true, "~2.0": true, ">=3.1": true, "1.x": true, "1.2.3-rc.1": true, "workspace:*": true,
		"latest": true, "1234-abcd-secret": false, "2024": false, "hunter2": false, "^": false} {
		if got := versionRange.MatchString(v); got != want {
			t.Errorf("versionRange(%q) = %v, want %v", v, got, want)
		}
	}
	hits, _ := scanLines("package.json", kindJSON, []string{
		`{`,
		`  "dependencies": {`,
		`    "@zapier/secret-scrubber": "^1.1.6",`,
		`    "secret-handshake": "1.x",`,
		`    "token-types": "workspace:*",`,
		`    "jwt-secret": "latest"`,
		`  },`,
		`  "apiSecret": "Xk9qmQ2vL8pR4tW7bN3c"`,
		`}`,
	}, NewRedactor(testKey))
	if len(hits.Hits) != 1 || hits.Hits[0].Line != 8 {
		t.Errorf("hits %+v", hits.Hits)
	}
}
