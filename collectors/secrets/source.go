package secrets

import (
	"regexp"
	"strings"
)

// Defaults written in code: the credential a service falls back to when
// its environment does not set one. They ship with every build, so they
// are what an attacker tries first, and they sit in source files that the
// config scanner never reads.
var sourceDefaults = []*regexp.Regexp{
	// process.env.DB_PASSWORD || 'postgres', process.env["X"] ?? "x", and
	// the env objects of Vite (import.meta.env) and SvelteKit ($env's env)
	regexp.MustCompile(`(?:\bprocess\.env|\bimport\.meta\.env|\benv)(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*\])\s*(?:\|\||\?\?)\s*(?:'([^'\n]*)'|"([^"\n]*)"|` + "`([^`$\\n]*)`" + `)`),
	// ADMIN_PASSWORD: z.string().default('admin'), Joi.string().default("x"), yup …
	regexp.MustCompile(`\b([A-Za-z_][A-Za-z0-9_]*)['"]?\s*:\s*(?:z|Joi|joi|yup|t|Type|v)\.[^\n]*?\.default\(\s*(?:'([^'\n]*)'|"([^"\n]*)"|` + "`([^`$\\n]*)`" + `)\s*\)`),
	// os.getenv("DB_PASSWORD", "postgres"), os.environ.get('X', 'x'), and a
	// project's own env reader: getEnv("JWT_SECRET", "secret"),
	// config.GetEnvOrDefault("X", "x").
	regexp.MustCompile(`\b(?:[A-Za-z_][A-Za-z0-9_]*\.)*[A-Za-z0-9_]*(?i:env)[A-Za-z0-9_]*(?:\.get)?\(\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*,\s*(?:'([^'\n]*)'|"([^"\n]*)")\s*\)`),
	// Go: cmp.Or(os.Getenv("DB_PASSWORD"), "postgres")
	regexp.MustCompile(`\bcmp\.Or\(\s*os\.Getenv\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)\s*,\s*"([^"\n]*)"`),
	// Go: a setting's or a flag's default, viper.SetDefault("jwt-secret", "x"),
	// flag.String("db-password", "x", …) and pflag's StringP, StringVar and
	// StringVarP, whose shorthand and target come before the default, on a
	// flag set (flag, fs, cmd.Flags(), a flagSet): zap.String("token", "x")
	// is a log field.
	regexp.MustCompile(`\.SetDefault\(\s*"([A-Za-z_][A-Za-z0-9_.-]*)"\s*,\s*"([^"\n]*)"\s*\)` +
		`|` + flagSet + `\.String\(\s*"([A-Za-z_][A-Za-z0-9_.-]*)"\s*,\s*"([^"\n]*)"` +
		`|` + flagSet + `\.StringP\(\s*"([A-Za-z_][A-Za-z0-9_.-]*)"\s*,\s*"[^"\n]*"\s*,\s*"([^"\n]*)"` +
		`|` + flagSet + `\.StringVar\(\s*[^,()"]+,\s*"([A-Za-z_][A-Za-z0-9_.-]*)"\s*,\s*"([^"\n]*)"` +
		`|` + flagSet + `\.StringVarP\(\s*[^,()"]+,\s*"([A-Za-z_][A-Za-z0-9_.-]*)"\s*,\s*"[^"\n]*"\s*,\s*"([^"\n]*)"`),
}

// flagSet is what a Go flag is defined on: the flag package, pflag, a
// FlagSet named fs or …flags/…flagSet, cobra's cmd.Flags() and
// PersistentFlags().
const flagSet = `(?:\b(?:flag|pflag|fs)|(?i:flags|flagset)|Flags\(\))`

// isUserKey reports a key that names an account: DB_USER, ADMIN_USERNAME.
func isUserKey(key string) bool {
	for _, w := range keyWords(key) {
		if w == "user" || w == "username" || w == "login" {
			return true
		}
	}
	return false
}

// scanSourceLine finds default credentials in one line of code: a literal
// fallback for an environment variable, or a schema default, whose name
// means a password, secret or token (any literal that is not a
// placeholder), or an account (a well-known default such as admin or
// postgres). Other values in code are left to gitleaks.
func scanSourceLine(n int, line string, r *Redactor, out *FileScan) []span {
	var reported []span
	for _, re := range sourceDefaults {
		for _, m := range re.FindAllStringSubmatchIndex(line, -1) {
			key, vs, ve := "", -1, -1
			for g := 1; g < len(m)/2; g++ {
				s, e := m[2*g], m[2*g+1]
				if s < 0 {
					continue
				}
				if key == "" {
					key = line[s:e]
					continue
				}
				vs, ve = s, e
				break
			}
			if vs < 0 {
				continue
			}
			v := line[vs:ve]
			secret, user := IsSecretKey(key), isUserKey(key)
			switch {
			case !secret && !user:
				continue
			case IsPlaceholder(v) || strings.TrimSpace(v) == "":
				out.Placeholders++
				continue
			case user && !secret && !IsWeak(v):
				continue // a real account name is not a credential
			}
			what := "default value in code"
			if IsWeak(v) {
				what = "well-known default or weak value as the default in code"
			}
			out.Hits = append(out.Hits, Hit{
				Rule: RuleDefaultCredential.ID, Line: n, Column: runeCol(line, vs), Key: key,
				What: what, Length: len(v), Digest: r.Digest(v),
			})
			reported = append(reported, span{vs, ve})
		}
	}
	return reported
}
