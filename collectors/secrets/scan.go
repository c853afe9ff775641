package secrets

import (
	"bytes"
	"encoding/json"
	"path"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/preflight-dev/preflight/collectors/rules"
)

// Hit is one secret found in a file. It never holds the value, only what
// can be shown of it: its length and keyed digest.
type Hit struct {
	Rule string
	// Like is the built-in rule whose severity the hit takes, when it is
	// not Rule's own: a gitleaks "jwt" is as severe as preflight's JWT.
	Like   string
	Line   int // 1-based; 0 for a finding about the whole file
	Column int // 1-based, in characters
	Key    string
	What   string // what was found, for the message
	Length int
	Digest string
	// Weak is a well-known default or weak value (postgres, changeme): in
	// a CI file it guards only what the job starts (see CI).
	Weak bool
	// Browser is a Google API key a web app ships to every browser by
	// design: in a Firebase web config, or a variable the bundler inlines
	// into the client (VITE_, NEXT_PUBLIC_, REACT_APP_ …). What guards it
	// is its restrictions (HTTP referrers, APIs), not secrecy.
	Browser bool
	// Local is a URL's credentials for a server on the same machine
	// (localhost, 127.0.0.1): with a weak password, a test or build
	// database, not one a deployment exposes (see LocalOnly).
	Local bool
}

// localHost reports a URL host that is the machine itself.
func localHost(host string) bool {
	switch strings.ToLower(host) {
	case "localhost", "127.0.0.1", "0.0.0.0", "[::1]":
		return true
	}
	return false
}

// Message renders the hit without its digest, and Label with it. Findings
// are fingerprinted on the former, so that the per-installation key behind
// the digest does not change a finding's identity between machines.
func (h Hit) Message() string {
	if h.Key == "" {
		return h.What
	}
	return h.Key + ": " + h.What
}

// Label is the full message shown to people: key, what, length and digest.
func (h Hit) Label() string {
	if h.Length == 0 {
		return h.Message()
	}
	return h.Message() + " (" + label(h.Length, h.Digest) + ")"
}

// FileScan is what scanning one file found.
type FileScan struct {
	Hits []Hit
	// Placeholders counts secret-named keys whose value is a placeholder
	// (${DB_PASSWORD}, <token>, REPLACE_ME): evidence that the scanner saw
	// them and let them be.
	Placeholders int
	// Expired are the lines of tokens that no longer grant anything (a
	// JWT past its "exp": an API doc's example, a test fixture): not
	// reported, and gitleaks's match on the line is dropped too.
	Expired      []Expired
	Suppressions []rules.Suppression
	// SecretSettings counts the keys that name a secret, whatever their
	// value: a .env without one holds public settings only (a Vite
	// app's URLs and version).
	SecretSettings int
}

// Expired is a token found on a line that expired at Exp.
type Expired struct {
	Line int
	Exp  time.Time
}

// kind is how a file's key/value pairs are written.
type kind int

const (
	kindNone kind = iota
	kindEnv
	kindDockerfile
	kindYAML
	kindJSON
	kindINI
	kindHCL     // Terraform: key = "value"; an unquoted value is an expression
	kindKeyFile // only key formats: *.pem, *.key, id_rsa
	kindSource  // JavaScript, TypeScript (and components), Python and Go: only defaults of env reads and flags
	kindMake    // Makefiles: variable assignments, and KEY=value words of recipes
)

// MaxFileSize bounds what is scanned; larger files are generated data.
const MaxFileSize = 1 << 20

// fileKind says whether a repo-relative path is scanned, and how.
func fileKind(rel string) kind {
	base := path.Base(rel)
	lower := strings.ToLower(base)
	ext := path.Ext(lower)
	switch {
	case base == ".env" || strings.HasPrefix(base, ".env.") || ext == ".env" || base == ".envrc":
		// .envrc: direnv's exports, committed to share a setup and often
		// with a real key in it.
		return kindEnv
	case lower == ".npmrc" || lower == ".pypirc":
		return kindINI
	case base == "Dockerfile" || strings.HasPrefix(base, "Dockerfile.") || strings.HasSuffix(lower, ".dockerfile"):
		return kindDockerfile
	case IsMakefile(rel):
		return kindMake
	case lower == "pnpm-lock.yaml" || lower == "package-lock.json" || lower == "npm-shrinkwrap.json" ||
		strings.HasSuffix(lower, ".sarif.json"):
		// Lockfiles are integrity hashes; SARIF has its own collector.
		return kindNone
	case ext == ".yaml" || ext == ".yml":
		return kindYAML
	case ext == ".json":
		return kindJSON
	case ext == ".toml" || ext == ".ini" || ext == ".properties" || ext == ".cfg" || ext == ".conf" || ext == ".tfvars":
		return kindINI
	case ext == ".tf":
		return kindHCL
	case ext == ".pem" || ext == ".key" || lower == "id_rsa" || lower == "id_dsa" || lower == "id_ecdsa" || lower == "id_ed25519":
		return kindKeyFile
	case sourceExts[ext] && !strings.HasSuffix(lower, ".d.ts") && !strings.HasSuffix(lower, ".min.js"):
		return kindSource
	case envLike(base, ext):
		return kindEnv
	}
	return kindNone
}

// envExamples are the endings of an env file meant to be copied to .env.
var envExamples = map[string]bool{".example": true, ".sample": true, ".template": true, ".dist": true, ".defaults": true}

// envLike reports the env files that are not named .env*: env-example,
// .env-sample, ENV_example_relational, env.example — a project's docs
// often say to copy one of them to .env.
func envLike(base, ext string) bool {
	for _, p := range []string{"env-", "env_", ".env-", ".env_", "ENV-", "ENV_"} {
		if strings.HasPrefix(base, p) {
			return ext == "" || envExamples[ext] || !strings.Contains(base[len(p):], ".")
		}
	}
	// env.example, and container.env.example beside container.env.
	return (strings.HasPrefix(base, "env.") || strings.HasPrefix(base, "ENV.") || strings.Contains(base, ".env.")) && envExamples[ext]
}

// sourceExts are the languages whose env reads with a fallback
// (process.env.X || 'x', os.getenv("X", "x")), schema defaults
// (z.string().default('x')) and flag defaults are scanned for default
// credentials.
var sourceExts = map[string]bool{
	".js": true, ".jsx": true, ".mjs": true, ".cjs": true, ".ts": true, ".tsx": true, ".mts": true, ".cts": true, ".py": true,
	".go": true, ".svelte": true, ".vue": true, ".astro": true,
}

// IsMakefile reports a file make reads: Makefile, makefile, GNUmakefile
// and the *.mk files they include.
func IsMakefile(rel string) bool {
	base := path.Base(rel)
	return base == "Makefile" || base == "makefile" || base == "GNUmakefile" || path.Ext(base) == ".mk"
}

// Scanned reports whether the built-in scanner reads a repo-relative path.
func Scanned(rel string) bool { return fileKind(rel) != kindNone }

// IsDotenv reports a file that holds one machine's real environment: .env,
// .env.local, .env.production.local — not .env.example and the like, which
// are meant to be committed.
func IsDotenv(rel string) bool {
	base := path.Base(rel)
	if base == ".env" {
		return true
	}
	return strings.HasPrefix(base, ".env.") && strings.HasSuffix(base, ".local")
}

// translationDirs hold UI strings, where "password": "Password" is a label.
var translationDirs = map[string]bool{
	"locales": true, "locale": true, "i18n": true, "l10n": true, "lang": true,
	"langs": true, "translations": true, "intl": true,
}

// localeName matches a file named by its locale: en.json, en-US.json,
// pt_BR.yml, zh-Hant-TW.json.
var localeName = regexp.MustCompile(`^[a-z]{2,3}(?:[-_][A-Za-z]{4})?(?:[-_](?:[A-Z]{2}|[0-9]{3}))?\.(?:json|ya?ml)$`)

// inTranslationDir reports UI strings: a file in a translations directory,
// or a JSON or YAML file named by its locale in a messages directory
// (public/intl/messages/en-US.json, src/messages/de.json).
func inTranslationDir(rel string) bool {
	segs := strings.Split(path.Dir(rel), "/")
	for _, seg := range segs {
		if translationDirs[strings.ToLower(seg)] {
			return true
		}
	}
	return strings.EqualFold(segs[len(segs)-1], "messages") && localeName.MatchString(path.Base(rel))
}

// pair is one key/value assignment on a line.
type pair struct {
	key      string
	value    string
	start    int // byte offset of the value in the line
	end      int
	explicit bool // the file says the value is empty (KEY=), not a nested block
}

// span is a byte range of a line already reported.
type span struct{ start, end int }

func overlaps(spans []span, s, e int) bool {
	for _, x := range spans {
		if s < x.end && x.start < e {
			return true
		}
	}
	return false
}

// ScanFile finds the secrets in one file. rel is its repo-relative path
// (which decides how it is parsed); values never leave this function except
// as lengths and digests from r.
func ScanFile(rel string, content []byte, r *Redactor) FileScan {
	k := fileKind(rel)
	if k == kindNone || bytes.IndexByte(content, 0) >= 0 {
		return FileScan{}
	}
	text := string(content)
	out, _ := scanLines(rel, k, splitLines(text), r)
	out.Suppressions = rules.ParseSuppressions(text)
	return out
}

func splitLines(text string) []string {
	lines := strings.Split(text, "\n")
	for i := range lines {
		lines[i] = strings.TrimSuffix(lines[i], "\r")
	}
	return lines
}

// scanLines scans a file's lines and also returns, by 0-based line, the
// byte spans of every value it reported (for MaskLines).
func scanLines(rel string, k kind, lines []string, r *Redactor) (FileScan, map[int][]span) {
	var out FileScan
	spans := map[int][]span{}
	skipPairs := inTranslationDir(rel)
	inPEM := scanPEM(lines, r, &out)
	for i := range inPEM {
		spans[i] = []span{{0, len(lines[i])}}
	}
	tmpl := isTemplate(rel)
	// Every line's pairs are read first: a password may come before the
	// user name it repeats.
	var kv, args [][]pair
	if k != kindSource && k != kindKeyFile && k != kindNone && !skipPairs {
		var ext extractor
		kv, args = make([][]pair, len(lines)), make([][]pair, len(lines))
		for i, line := range lines {
			if !inPEM[i] {
				kv[i], args[i] = ext.pairs(k, line), ext.argPairs(k, line)
			}
		}
	}
	users := userNames(kv)
	for _, pairs := range kv {
		for _, p := range pairs {
			if IsSecretKey(p.key) {
				out.SecretSettings++
			}
		}
	}
	for i, line := range lines {
		if inPEM[i] {
			continue
		}
		if k == kindSource {
			// In code, only what cannot be a name or an expression: a token
			// of a known format, or the literal default of an env read.
			_, s := scanKeyFormats(i+1, line, func(int, int) string { return "" }, r, &out)
			if len(s) == 0 {
				s = scanSourceLine(i+1, line, r, &out)
			}
			if len(s) > 0 {
				spans[i] = s
			}
			continue
		}
		var pairs []pair
		if kv != nil {
			pairs = append(kv[i], args[i]...)
		}
		if s := scanLine(i+1, line, pairs, tmpl, users, r, &out); len(s) > 0 {
			spans[i] = s
		}
	}
	return out, spans
}

// userNames are the values the file gives keys that name a user
// (POSTGRES_USER: shiori, DB_USERNAME=app): a password equal to one is as
// weak as a well-known default.
func userNames(kv [][]pair) map[string]bool {
	users := map[string]bool{}
	for _, pairs := range kv {
		for _, p := range pairs {
			words := keyWords(p.key)
			if len(words) == 0 || p.value == "" || placeholderIn(false, p.value) {
				continue
			}
			switch words[len(words)-1] {
			case "user", "username", "usr", "login":
				users[p.value] = true
			}
		}
	}
	return users
}

// isTemplate reports a file meant to be copied and filled in:
// .env.example, config.sample.yaml, settings.template.json, app.conf.dist.
func isTemplate(rel string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(path.Base(rel)), func(r rune) bool { return r == '.' || r == '-' || r == '_' }) {
		switch w {
		case "example", "examples", "sample", "samples", "template", "templates", "tmpl", "dist", "tpl":
			return true
		}
	}
	return false
}

// capsWord matches an ALL-CAPS word (PASSWORD, DB_USER): in a template,
// the name of what to fill in, not a value.
var capsWord = regexp.MustCompile(`^[A-Z][A-Z0-9_]*[A-Z][A-Z0-9_]*$`)

// placeholderIn is IsPlaceholder, plus ALL-CAPS words in templates.
func placeholderIn(tmpl bool, v string) bool {
	return IsPlaceholder(v) || tmpl && capsWord.MatchString(strings.TrimSpace(v))
}

// scanPEM reports private key blocks and marks the lines they cover, so
// their base64 bodies are not looked at again.
func scanPEM(lines []string, r *Redactor, out *FileScan) map[int]bool {
	covered := map[int]bool{}
	for i := 0; i < len(lines); i++ {
		loc := pemBegin.FindStringIndex(lines[i])
		if loc == nil {
			continue
		}
		// Lines are trimmed so that one key has one digest whether it sits
		// in a .pem file or indented in a YAML block.
		var block strings.Builder
		rest := lines[i][loc[0]:]
		last := i
		if e := pemEnd.FindStringIndex(rest); e != nil {
			block.WriteString(rest[:e[1]])
		} else {
			block.WriteString(strings.TrimSpace(rest))
			for j := i + 1; j < len(lines) && j < i+400; j++ {
				block.WriteString("\n")
				if e := pemEnd.FindStringIndex(lines[j]); e != nil {
					block.WriteString(strings.TrimSpace(lines[j][:e[1]]))
					last = j
					break
				}
				block.WriteString(strings.TrimSpace(lines[j]))
				last = j
			}
		}
		value := block.String()
		if pemBodyEmpty(value) {
			continue
		}
		out.Hits = append(out.Hits, Hit{
			Rule: RulePrivateKey.ID, Line: i + 1, Column: runeCol(lines[i], loc[0]),
			What: "private key block", Length: len(value), Digest: r.Digest(value),
		})
		for j := i; j <= last; j++ {
			covered[j] = true
		}
		i = last
	}
	return covered
}

// pemBodyEmpty is true for documentation that shows the markers around
// nothing, "…" or a placeholder.
func pemBodyEmpty(block string) bool {
	body := pemBegin.ReplaceAllString(block, "")
	body = pemEnd.ReplaceAllString(body, "")
	body = strings.NewReplacer(`\n`, "", `\r`, "", "\n", "", "\r", "", " ", "", "\t", "", `"`, "", "|", "").Replace(body)
	return len(body) < 16 || IsPlaceholder(body)
}

// scanLine looks at one line: key formats anywhere in it, then URL
// credentials, then the values of secret-named keys. A span reported by an
// earlier, more specific check is not reported again.
func scanLine(n int, line string, pairs []pair, tmpl bool, users map[string]bool, r *Redactor, out *FileScan) []span {
	keyAt := func(s, e int) string {
		for _, p := range pairs {
			if s >= p.start && e <= p.end {
				return p.key
			}
		}
		return ""
	}
	claimed, reported := scanKeyFormats(n, line, keyAt, r, out)
	for _, m := range urlCredentials.FindAllStringSubmatchIndex(line, -1) {
		ps, pe := m[6], m[7]
		if overlaps(claimed, m[0], m[1]) {
			continue
		}
		pw := line[ps:pe]
		if placeholderIn(tmpl, pw) {
			if pe > ps {
				out.Placeholders++
			}
			continue
		}
		claimed = append(claimed, span{m[0], m[1]})
		reported = append(reported, span{ps, pe})
		scheme := strings.ToLower(line[m[2]:m[3]])
		article := "a "
		if strings.ContainsRune("aeiou", rune(scheme[0])) {
			article = "an " // an amqp:// URL
		}
		what := "password in " + article + scheme + ":// URL"
		weak := IsWeak(pw)
		switch {
		case weak:
			what = "well-known default password in " + article + scheme + ":// URL"
		case pw != "" && (pw == line[m[4]:m[5]] || users[pw]):
			weak, what = true, "password the same as the user name in "+article+scheme+":// URL"
		}
		out.Hits = append(out.Hits, Hit{
			Rule: RuleURLCredentials.ID, Line: n, Column: runeCol(line, ps), Key: keyAt(m[0], m[1]),
			What: what, Length: len(pw), Digest: r.Digest(pw), Weak: weak, Local: localHost(line[m[8]:m[9]]),
		})
	}
	for _, p := range pairs {
		if !IsSecretKey(p.key) || overlaps(claimed, p.start, max(p.end, p.start+1)) {
			continue
		}
		v := p.value
		if notAValue(v) {
			continue
		}
		if placeholderIn(tmpl, v) || tmpl && namesItsKey(p.key, v) {
			if v != "" || p.explicit {
				out.Placeholders++
			}
			continue
		}
		h := Hit{Line: n, Column: runeCol(line, p.start), Key: p.key, Length: len(v), Digest: r.Digest(v)}
		switch {
		case IsWeak(v):
			h.Rule, h.What, h.Weak = RuleDefaultCredential.ID, "well-known default or weak value", true
		case namesItsKey(p.key, v):
			h.Rule, h.What, h.Weak = RuleDefaultCredential.ID, "the same as its key's name", true
		case users[v]:
			h.Rule, h.What, h.Weak = RuleDefaultCredential.ID, "the same as a user name the file sets", true
		case isNumber(v), IsPasswordHash(v), versionRange.MatchString(v):
			continue
		case IsHighEntropy(v):
			h.Rule, h.What = RuleHighEntropy.ID, "random-looking secret value"
		case randomWord(v):
			// "is 9f8e7d6c…": dotenv reads the whole line, and one
			// word of it is the key.
			h.Rule, h.What = RuleHighEntropy.ID, "random-looking secret value"
		case strings.ContainsAny(v, " \t"):
			// A sentence ("Enter your password") is a label, not a secret.
			continue
		default:
			h.Rule, h.What = RuleHardcodedSecret.ID, "literal secret value"
		}
		out.Hits = append(out.Hits, h)
		reported = append(reported, span{p.start, p.end})
	}
	return reported
}

// namesItsKey reports a value that only spells its key's name
// (SESSION_SECRET=sessionsecret): in a template, what to fill in; anywhere
// else, the first guess.
func namesItsKey(key, v string) bool {
	squash := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return unicode.ToLower(r)
			}
			return -1
		}, s)
	}
	k := squash(key)
	return k != "" && k == squash(v)
}

// versionRange is a package's version or range (^1.1.6, ~2.0, >=3,
// 1.x, workspace:*): a dependency named like a secret
// ("@zapier/secret-scrubber": "^1.1.6") holds no value.
var versionRange = regexp.MustCompile(`^(?:[\^~]v?\d+(?:\.(?:\d+|x|\*)){0,2}|(?:[<>]=?|=)?v?\d+(?:\.(?:\d+|x|\*)){1,2})(?:-[0-9A-Za-z.-]+)?$|^workspace:[\^~*]?$|^(?:latest|next|\*)$`)

// randomWord reports a value of several words one of which is a
// random-looking secret of 16 characters or more.
func randomWord(v string) bool {
	for _, w := range strings.Fields(v) {
		if len(w) >= 16 && IsHighEntropy(w) {
			return true
		}
	}
	return false
}

// runeCol turns a byte offset into a 1-based character column.
func runeCol(line string, off int) int {
	return utf8.RuneCountInString(line[:off]) + 1
}

// extractor finds key/value pairs line by line. It carries the little
// state YAML needs: Kubernetes env entries give the key on the line before
// the value (- name: DB_PASSWORD / value: postgres).
type extractor struct {
	yamlName    string
	yamlNameCol int
	// permIndent is the column of a GitHub Actions `permissions:` key
	// whose block is being read (id-token: write is a scope, not a
	// token), -1 outside one; inPerm says whether it is set.
	permIndent  int
	inPerm      bool
	pendingFlag string // a YAML list item `- --token` whose value is the next item
}

var (
	envLine    = regexp.MustCompile(`^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$`)
	dockerLine = regexp.MustCompile(`(?i)^\s*(ENV|ARG)\s+(.*)$`)
	yamlList   = regexp.MustCompile(`^(\s*-\s+)(["']?)([A-Za-z_][A-Za-z0-9_.-]*)=(.*)$`)
	yamlMap    = regexp.MustCompile(`^(\s*(?:-\s+)?)("[^"]*"|'[^']*'|[^\s#'"{}\[\],:&*!|>%@` + "`" + `][^#:]*?)\s*:(?:\s+(.*))?$`)
	jsonPair   = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"\s*:\s*("(?:[^"\\]|\\.)*"|true|false|null|-?\d[\d.eE+-]*)`)
	iniEquals  = regexp.MustCompile(`^\s*([^=#;\[\s][^=]*?)\s*=\s*(.*)$`)
	// key: value (Java properties): the key is one word, so a directive
	// with a URL (nginx's proxy_pass http://…) is not a pair.
	iniColon = regexp.MustCompile(`^\s*([^=:#;\[\s][^=:\s]*)\s*:\s*(.*)$`)
	dockerKV = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_.-]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)`)
)

func (x *extractor) pairs(k kind, line string) []pair {
	trimmed := strings.TrimSpace(line)
	if trimmed == "" || (k != kindJSON && strings.HasPrefix(trimmed, "#")) || (k == kindJSON && strings.HasPrefix(trimmed, "//")) {
		return nil
	}
	switch k {
	case kindEnv:
		if m := envLine.FindStringSubmatchIndex(line); m != nil {
			return []pair{valuePair(line, line[m[2]:m[3]], m[4], m[5], true)}
		}
	case kindDockerfile:
		return dockerPairs(line)
	case kindMake:
		return makePairs(line)
	case kindYAML:
		return x.yamlPairs(line)
	case kindJSON:
		var out []pair
		for _, m := range jsonPair.FindAllStringSubmatchIndex(line, -1) {
			key := jsonString(line[m[2]-1 : m[3]+1])
			raw := line[m[4]:m[5]]
			if raw[0] != '"' {
				out = append(out, pair{key: key, value: raw, start: m[4], end: m[5]})
				continue
			}
			out = append(out, pair{key: key, value: jsonString(raw), start: m[4] + 1, end: m[5] - 1, explicit: true})
		}
		return out
	case kindHCL:
		if strings.HasPrefix(trimmed, "//") {
			return nil
		}
		if m := iniEquals.FindStringSubmatchIndex(line); m != nil && strings.HasPrefix(strings.TrimSpace(line[m[4]:m[5]]), `"`) {
			return []pair{valuePair(line, strings.TrimSpace(line[m[2]:m[3]]), m[4], m[5], true)}
		}
	case kindINI:
		if strings.HasPrefix(trimmed, ";") || strings.HasPrefix(trimmed, "[") {
			return nil
		}
		// key = value (TOML, INI, .npmrc's //host/:_authToken=…), or
		// key: value (Java properties) when no bare key precedes an "=".
		re := iniColon
		if eq := strings.IndexByte(line, '='); eq >= 0 && !strings.ContainsAny(strings.TrimSpace(line[:eq]), " \t") {
			re = iniEquals
		} else if eq >= 0 && !strings.Contains(line[:eq], ":") {
			re = iniEquals
		}
		if m := re.FindStringSubmatchIndex(line); m != nil {
			key := strings.Trim(line[m[2]:m[3]], `"'`)
			return []pair{valuePair(line, key, m[4], m[5], true)}
		}
	}
	return nil
}

func (x *extractor) yamlPairs(line string) []pair {
	if m := yamlList.FindStringSubmatchIndex(line); m != nil {
		// Compose's list form: - KEY=value, possibly quoted as a whole.
		start, end := m[8], m[9]
		if q := line[m[4]:m[5]]; q != "" && end > start && strings.HasSuffix(strings.TrimRight(line[start:end], " "), q) {
			end = start + strings.LastIndex(line[start:end], q)
		}
		return []pair{valuePair(line, line[m[6]:m[7]], start, end, true)}
	}
	m := yamlMap.FindStringSubmatchIndex(line)
	if m == nil {
		return nil
	}
	key := strings.Trim(line[m[4]:m[5]], `"'`)
	keyCol := m[4]
	if x.yamlName != "" && (keyCol < x.yamlNameCol || keyCol == x.yamlNameCol && strings.Contains(line[m[2]:m[3]], "-")) {
		// The mapping that held name: ended, or a new list item began:
		// a value: from here on is not its value.
		x.yamlName = ""
	}
	if x.inPerm && keyCol > x.permIndent {
		return nil
	}
	x.inPerm = false
	if key == "permissions" && m[6] < 0 {
		x.inPerm, x.permIndent = true, keyCol
	}
	if m[6] < 0 {
		return []pair{{key: key, start: len(line), end: len(line)}}
	}
	p := valuePair(line, key, m[6], m[7], true)
	switch {
	case key == "name":
		x.yamlName, x.yamlNameCol = p.value, keyCol
	case key == "value" && x.yamlName != "" && keyCol == x.yamlNameCol:
		p.key = x.yamlName
		x.yamlName = ""
	}
	return []pair{p}
}

// dockerPairs reads ENV and ARG instructions: ENV K=V K2="V 2", the legacy
// ENV K V, and ARG K=default.
func dockerPairs(line string) []pair {
	m := dockerLine.FindStringSubmatchIndex(line)
	if m == nil {
		return nil
	}
	rest, off := line[m[4]:m[5]], m[4]
	first := strings.Fields(rest)
	if len(first) == 0 {
		return nil
	}
	if !strings.Contains(first[0], "=") {
		if strings.EqualFold(line[m[2]:m[3]], "ARG") || len(first) < 2 {
			return nil // ARG without a default
		}
		ks := strings.Index(rest, first[0])
		vs := ks + len(first[0])
		for vs < len(rest) && (rest[vs] == ' ' || rest[vs] == '\t') {
			vs++
		}
		return []pair{valuePair(line, first[0], off+vs, len(line), true)}
	}
	var out []pair
	for _, kv := range dockerKV.FindAllStringSubmatchIndex(rest, -1) {
		out = append(out, valuePair(line, rest[kv[2]:kv[3]], off+kv[4], off+kv[5], true))
	}
	return out
}

var (
	// makeAssign is a variable assignment of any flavour but the shell's
	// (!=, whose value is a command), with export and override.
	makeAssign = regexp.MustCompile(`^\s*(?:(?:export|override|private)\s+)*([A-Za-z_][A-Za-z0-9_.-]*)\s*(?:::?=|:::=|\?=|\+=|=)(.*)$`)
	// shellAssign is a word KEY=value of a recipe's command: an
	// environment variable set for it (PGPASSWORD=… psql, docker run -e
	// POSTGRES_PASSWORD=…). A flag's --key=value is argPairs'.
	shellAssign = regexp.MustCompile(`(?:^|[\s;(])([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|[^\s;)'"]*)`)
)

// makePairs reads a Makefile line: a recipe (a tab first) is a shell
// command, anything else may assign a variable, whose value runs to the
// end of the line or a comment.
func makePairs(line string) []pair {
	if strings.HasPrefix(line, "\t") {
		var out []pair
		for _, m := range shellAssign.FindAllStringSubmatchIndex(line, -1) {
			out = append(out, valuePair(line, line[m[2]:m[3]], m[4], m[5], true))
		}
		return out
	}
	if m := makeAssign.FindStringSubmatchIndex(line); m != nil {
		return []pair{valuePair(line, line[m[2]:m[3]], m[4], m[5], true)}
	}
	return nil
}

// clientPrefixes are the variable prefixes bundlers inline into the
// JavaScript they ship to browsers.
var clientPrefixes = []string{"VITE_", "NEXT_PUBLIC_", "REACT_APP_", "EXPO_PUBLIC_", "NUXT_PUBLIC_", "GATSBY_", "PUBLIC_", "VUE_APP_"}

// browserKey reports a Google API key that is sent to browsers: assigned
// to a client variable, or written in a Firebase web config (its
// authDomain is firebaseapp.com, and its apiKey identifies the project).
func browserKey(key, line string) bool {
	for _, p := range clientPrefixes {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return strings.Contains(line, ".firebaseapp.com") || strings.Contains(strings.ToLower(key), "firebase")
}

// valuePair cuts the value at line[s:e] down to what the file means: quotes
// removed, a trailing comment dropped.
func valuePair(line, key string, s, e int, explicit bool) pair {
	v := line[s:e]
	// Leading space.
	for len(v) > 0 && (v[0] == ' ' || v[0] == '\t') {
		v, s = v[1:], s+1
	}
	if len(v) > 0 && (v[0] == '"' || v[0] == '\'') {
		q := v[0]
		if j := strings.IndexByte(v[1:], q); j >= 0 {
			inner := v[1 : 1+j]
			if q == '"' {
				inner = strings.ReplaceAll(inner, `\"`, `"`)
			}
			return pair{key: key, value: inner, start: s + 1, end: s + 1 + j, explicit: explicit}
		}
	}
	// An unquoted value ends at " #" (env, YAML, TOML) or " ;" (INI).
	for _, c := range []string{" #", "\t#", " ;"} {
		if j := strings.Index(v, c); j >= 0 {
			v = v[:j]
		}
	}
	v = strings.TrimRight(v, " \t,")
	return pair{key: key, value: v, start: s, end: s + len(v), explicit: explicit}
}

// jsonString decodes a quoted JSON string; malformed escapes keep the raw
// text between the quotes.
func jsonString(q string) string {
	var s string
	if json.Unmarshal([]byte(q), &s) == nil {
		return s
	}
	return strings.Trim(q, `"`)
}

// scanKeyFormats reports the tokens of a known format on a line (AKIA…,
// ghp_…, sk_live_…), wherever they stand and whatever names them; keyAt
// gives the key a token is the value of, if any. It returns the spans the
// formats claimed (placeholders too) and those it reported.
func scanKeyFormats(n int, line string, keyAt func(s, e int) string, r *Redactor, out *FileScan) (claimed, reported []span) {
	for _, f := range keyFormats {
		if !f.in(line) {
			continue
		}
		for _, m := range f.re.FindAllStringIndex(line, -1) {
			tok := line[m[0]:m[1]]
			if overlaps(claimed, m[0], m[1]) || (f.valid != nil && !f.valid(tok)) {
				continue
			}
			if exp, ok := jwtExpiry(tok); ok && f.rule == RuleJWT.ID && exp.Before(time.Now()) {
				claimed = append(claimed, span{m[0], m[1]})
				out.Expired = append(out.Expired, Expired{n, exp})
				continue
			}
			if isPlaceholderToken(tok, f.prefix) {
				// sk_live_xxxx in an example file: claimed, so the key it
				// is assigned to is not reported as a literal secret.
				claimed = append(claimed, span{m[0], m[1]})
				out.Placeholders++
				continue
			}
			claimed = append(claimed, span{m[0], m[1]})
			reported = append(reported, span{m[0], m[1]})
			key := keyAt(m[0], m[1])
			out.Hits = append(out.Hits, Hit{
				Rule: f.rule, Line: n, Column: runeCol(line, m[0]), Key: key,
				What: f.what, Length: len(tok), Digest: r.Digest(tok),
				Browser: f.rule == RuleGoogleAPIKey.ID && browserKey(key, line),
			})
		}
	}
	return claimed, reported
}
