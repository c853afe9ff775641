package secrets

import (
	"fmt"
	"strings"
	"testing"
)

// hitText renders a hit as "rule line:col key len" for comparisons.
func hitText(h Hit) string {
	return fmt.Sprintf("%s %d:%d %s %d", h.Rule, h.Line, h.Column, h.Key, h.Length)
}

func TestScanFile(t *testing.T) {
	r := NewRedactor(testKey)
	cases := []struct {
		name, rel, content string
		want               []string // hitText of each hit, in order
		placeholders       int
	}{
		// Authelia's users and OAuth clients: passwords stored hashed, as
		// they should be; a value that only looks like one still counts.
		{"password hashes are not passwords", "test/oidc/authelia/config/users_database.yml",
			"users:\n  admin:\n    password: \"$2a$10$JoPsdyz7c9Q1bqhw1.bHrefdNlOWY0/22VQZh33X9vDEl3Du1utqe\"\n" +
				"clients:\n  - client_secret: '$pbkdf2-sha512$310000$PeubGcDkDhxS.WUNH6h04g$SQKuwJmUkPtQVWMz9nJoEUdvkYjRdkWEQO73zLiK4JRLapTWD9DYAHIt25h/FT1Nv059YSiMUpRUBbheSVJBAQ'\n" +
				"  - client_secret: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$Kq8xS3m1hQ8a6cL0nQ2pYw'\n" +
				"root_password: '$6$rounds=5000$saltsalt$Qp8S3h1hLm0n2cR8vX9tY4kZ6wB7aD5eF1gH3jK2lM4nP6qR8sT0uV2wX4yZ6aB8cD0eF2gH4jK6lM8nP0qR2s'\n" +
				"api_token: '$2a$10$tooShort'\n",
			[]string{"secrets/hardcoded-secret 8:13 api_token 15"}, 0},
		{"env weak, quoted and commented", ".env",
			"A=1\nDB_PASSWORD=changeme\nexport ADMIN_PASSWORD=\"Admin123\" # default\nSMTP_PASS='postgres'\nAPI_TOKEN=${API_TOKEN}\nEMPTY_SECRET=\n",
			[]string{"secrets/default-credential 2:13 DB_PASSWORD 8", "secrets/default-credential 3:24 ADMIN_PASSWORD 8", "secrets/default-credential 4:12 SMTP_PASS 8"}, 2},
		{"key formats in source, names and expressions not", "src/config/github.ts",
			"export const githubToken = \"ghp_qBi5LkVs8eI9jPMsuDXTR3UuWb32k3DyhZxr\";\nconst aws = 'AKIAIOSFODNN7EXAMPLE';\nconst password = input.password;\n",
			[]string{"secrets/github-token 1:29  40"}, 1},
		{"a token as an env default is reported once", "app/settings.py",
			"TOKEN = os.getenv(\"GITHUB_TOKEN\", \"ghp_qBi5LkVs8eI9jPMsuDXTR3UuWb32k3DyhZxr\")\n",
			[]string{"secrets/github-token 1:36  40"}, 0},
		{"direnv exports", "services/api/.envrc",
			"export STRIPE_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc\nexport DB_PASSWORD=$(pass show db)\nuse node\n",
			[]string{"secrets/stripe-live-key 1:19 STRIPE_KEY 32"}, 1},
		// TypeScript-Node-Starter's .env.example: a value that spells its
		// key is what to fill in; in a real env file, the first guess.
		{"a value that spells its key", ".env.example",
			"SESSION_SECRET=sessionsecret\nFACEBOOK_SECRET=facebook-secret\nSENDGRID_PASSWORD=mysecurepassword\n",
			[]string{"secrets/hardcoded-secret 3:19 SENDGRID_PASSWORD 16"}, 2},
		{"a value that spells its key, deployed", "deploy/prod.env",
			"SESSION_SECRET=Session_Secret\n",
			[]string{"secrets/default-credential 1:16 SESSION_SECRET 14"}, 0},
		{"env value with inline comment is cut at the comment", "prod.env",
			"SECRET=secret # the default\n",
			[]string{"secrets/default-credential 1:8 SECRET 6"}, 0},
		{"terraform: a quoted value is one, an expression is not", "terraform/main.tf",
			"resource \"google_sql_user\" \"users\" {\n  name     = \"app\"\n  password = \"Wm4rkT9vQz\"\n}\nvariable \"db\" {\n  password = var.db_password\n  # token = \"x\"\n  // secret = \"changeme\"\n  api_key = \"${var.key}\"\n}\n",
			[]string{"secrets/hardcoded-secret 3:15 password 10"}, 1},
		{"compose map and list forms", "docker-compose.yml",
			"services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: postgres\n      - \"REDIS_PASSWORD=redis\"\n      - ADMIN_PASSWORD_FILE=/run/secrets/x\n      POSTGRES_USER: postgres\n",
			[]string{"secrets/default-credential 4:26 POSTGRES_PASSWORD 8", "secrets/default-credential 5:25 REDIS_PASSWORD 5"}, 0},
		{"kubernetes name/value pairs", "k8s/deploy.yaml",
			"env:\n  - name: DB_PASSWORD\n    value: \"root\"\n  - name: TOKEN_TTL\n    value: \"3600\"\n  - name: API_KEY\n    valueFrom:\n      secretKeyRef:\n        name: api\n        key: api-key\n",
			[]string{"secrets/default-credential 3:13 DB_PASSWORD 4"}, 0},
		// A name: pairs only with the value: of its own mapping: not a
		// feature flag's after it, nor a helm-unittest assertion's.
		{"a name and a value of different mappings", "deploy/values.yaml",
			"imagePullSecrets:\n  - name: registry-secret\nfeatureFlags:\n  - key: ui-theme\n    value: admin\n" +
				"env:\n  - name: ADMIN_PASSWORD\n  - key: mode\n    value: admin\n",
			nil, 0},
		{"dockerfile ENV and ARG", "Dockerfile",
			"FROM alpine\nARG NPM_TOKEN=\nARG GH_TOKEN\nENV APP_SECRET secret\nENV A=1 DB_PASSWORD=\"toor\"\nENV PASSWORD_MIN_LENGTH=12\n",
			[]string{"secrets/default-credential 4:16 APP_SECRET 6", "secrets/default-credential 5:22 DB_PASSWORD 4"}, 1},
		{"json, nested and minified", "config/app.json",
			"{\"db\": {\"password\": \"admin123\"}, \"apiKey\": \"<key>\", \"passwordReset\": true, \"token\": null}\n",
			[]string{"secrets/default-credential 1:22 password 8"}, 1},
		{"toml, ini and properties", "settings.toml",
			"[db]\npassword = \"123456\"\nport = 5432\nsecret_key = \"\"\n",
			[]string{"secrets/default-credential 2:13 password 6"}, 1},
		{"properties with colon and an interpolation", "app.properties",
			"db.password: ${DB_PASSWORD}\nmail.password=Tr0ub4dor&3\n",
			[]string{"secrets/hardcoded-secret 2:15 mail.password 11"}, 1},
		{"nginx directives are not key: value", "proxy/nginx.conf",
			"location / {\n  proxy_pass http://backend:8000;\n  proxy_pass          https://api:8443/v1;\n}\nauth.password: Tr0ub4dor&3\n",
			[]string{"secrets/hardcoded-secret 5:16 auth.password 11"}, 0},
		{"npmrc auth token", ".npmrc",
			"//registry.npmjs.org/:_authToken=npm_Zq3XbV9wL2kR7tY5uP8sD1fG4hJ6kL0mN2bV\n",
			[]string{"secrets/high-entropy 1:34 //registry.npmjs.org/:_authToken 40"}, 0},
		{"url credentials, weak and placeholder", "config.yaml",
			"a: postgres://app:S3cr3tPassw0rd@db:5432/app\nb: amqp://guest:guest@mq/\nc: redis://:${REDIS_PASSWORD}@cache:6379\nd: https://user:@host/\n",
			[]string{"secrets/url-credentials 1:19 a 14", "secrets/url-credentials 2:17 b 5"}, 1},
		{"a password with an @ runs to the last one, as net/url reads it", "config.yaml",
			"db: postgres://user:myAwEsOm3pa55@w0rd@db:5432/db\n",
			[]string{"secrets/url-credentials 1:21 db 18"}, 0},
		{"key formats anywhere, placeholders skipped", "notes.yaml",
			"aws: AKIAITJVVSYDMM63WJFA\ndoc: AKIAIOSFODNN7EXAMPLE\nstripe: sk_live_xxxxxxxxxxxxxxxxxxxxxxxx\nnot_jwt: eyJhbGciOi.eyJzdWIiOi.abc\n",
			[]string{"secrets/aws-access-key 1:6 aws 20"}, 2},
		{"a format claims its span before the key's value check", "a.yaml",
			"GITHUB_TOKEN: ghp_qBi5LkVs8eI9jPMsuDXTR3UuWb32k3DyhZxr\n",
			[]string{"secrets/github-token 1:15 GITHUB_TOKEN 40"}, 0},
		{"high entropy and literal secrets", "config/prod.yaml",
			"secret_key: '/tuOZ2chP1lUTDvJRJnVg53gOMOLnEGCvU241w+m'\nsmtp_password: hunter22\nlabel_password: Enter your password\nport_token: 8080\n",
			[]string{"secrets/high-entropy 1:14 secret_key 40", "secrets/hardcoded-secret 2:16 smtp_password 8"}, 0},
		{"private key block in a yaml block scalar", "k8s/tls.yaml",
			"data:\n  tls.key: |\n    -----BEGIN EC PRIVATE KEY-----\n    MHcCAQEEIAbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefoAoGCCqGSM49\n    -----END EC PRIVATE KEY-----\n",
			[]string{"secrets/private-key 3:5  123"}, 0},
		{"private key placeholder in docs", "docs.yaml",
			"key: \"-----BEGIN RSA PRIVATE KEY-----\\n...\\n-----END RSA PRIVATE KEY-----\"\n",
			nil, 0},
		{"translations are labels", "web/locales/en.json",
			"{\"password\": \"Password\", \"token\": \"Token\"}\n",
			nil, 0},
		{"umami's intl messages are labels", "public/intl/messages/it-IT.json",
			"{\"password\": \"Password\", \"token\": \"Gettone\"}\n",
			nil, 0},
		{"a locale-named file of a messages directory is labels", "src/messages/pt_BR.json",
			"{\"password\": \"Senha\"}\n",
			nil, 0},
		{"a messages directory's other files are not", "config/messages/queue.json",
			"{\"password\": \"Senha123\"}\n",
			[]string{"secrets/hardcoded-secret 1:15 password 8"}, 0},
		// simplebank's Makefile: a variable's URL, a recipe's docker run
		// -e and its flags; make's own references are no value.
		{"makefile variables and recipes", "Makefile",
			"DB_URL=postgresql://root:secret@localhost:5432/simple_bank?sslmode=disable\n" +
				"export API_TOKEN := Wm4rkT9vQz # deploy token\n" +
				"DB_PASSWORD ?= $(shell pass show db)\nNOW != date\nSECRET_KEY = ${SECRET_KEY}\n\n" +
				"postgres:\n\tdocker run --name postgres -e POSTGRES_USER=root -e POSTGRES_PASSWORD=secret -d postgres:14-alpine\n" +
				"\tPGPASSWORD=hunter22 psql -h db\n\tredis-cli --pass=Wm4rkT9vQz2 ping\n\t@echo password=$(DB_PASSWORD)\n",
			[]string{"secrets/url-credentials 1:26 DB_URL 6", "secrets/hardcoded-secret 2:21 API_TOKEN 10",
				"secrets/default-credential 8:72 POSTGRES_PASSWORD 6", "secrets/hardcoded-secret 9:13 PGPASSWORD 8",
				"secrets/hardcoded-secret 10:19 pass 11"}, 3},
		{"included makefiles are makefiles", "build/deploy.mk",
			"REGISTRY_PASSWORD := admin\n",
			[]string{"secrets/default-credential 1:22 REGISTRY_PASSWORD 5"}, 0},
		{"binary content is skipped", "blob.json", "password: admin\x00\n", nil, 0},
		{"files of other kinds are not read", "main.go", "password := \"admin\"\n", nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ScanFile(tc.rel, []byte(tc.content), r)
			var texts []string
			for _, h := range got.Hits {
				texts = append(texts, hitText(h))
				if h.Digest == "" || len(h.Digest) != digestLen {
					t.Errorf("hit %s has digest %q", hitText(h), h.Digest)
				}
			}
			if strings.Join(texts, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("hits:\n%s\nwant:\n%s", strings.Join(texts, "\n"), strings.Join(tc.want, "\n"))
			}
			if got.Placeholders != tc.placeholders {
				t.Errorf("placeholders = %d, want %d", got.Placeholders, tc.placeholders)
			}
		})
	}
}

func TestHitDigestIsOfTheValue(t *testing.T) {
	r := NewRedactor(testKey)
	got := ScanFile(".env", []byte("DB_PASSWORD=\"changeme\"\n"), r)
	if len(got.Hits) != 1 {
		t.Fatalf("hits %+v", got.Hits)
	}
	h := got.Hits[0]
	if h.Digest != r.Digest("changeme") || h.Length != len("changeme") {
		t.Errorf("digest/length %s/%d are not those of the unquoted value", h.Digest, h.Length)
	}
	if other := NewRedactor([]byte("another key")); other.Digest("changeme") == h.Digest {
		t.Error("the digest does not depend on the key")
	}
	if strings.Contains(h.Label(), "changeme") || !strings.Contains(h.Label(), "8 chars, hmac "+h.Digest) {
		t.Errorf("label %q", h.Label())
	}
}

func TestSuppressionsAreParsed(t *testing.T) {
	got := ScanFile(".env", []byte("# preflight:ignore secrets/default-credential local only\nDB_PASSWORD=postgres\n"), NewRedactor(testKey))
	if len(got.Suppressions) != 1 || got.Suppressions[0].Rule != RuleDefaultCredential.ID || got.Suppressions[0].Line != 1 {
		t.Fatalf("suppressions %+v", got.Suppressions)
	}
}

func FuzzScanFile(f *testing.F) {
	f.Add(".env", "DB_PASSWORD=changeme\nURL=postgres://a:b@c/d\n")
	f.Add("k8s/a.yaml", "- name: X_TOKEN\n  value: \"ghp_qBi5LkVs8eI9jPMsuDXTR3UuWb32k3DyhZxr\"\n")
	f.Add("a.json", `{"password": "\u0061dmin", "k": "-----BEGIN PRIVATE KEY-----\nabc"}`)
	f.Add("Dockerfile", "ENV A=\"unterminated\nARG\nENV\n")
	f.Add("x.key", "-----BEGIN OPENSSH PRIVATE KEY-----\n")
	f.Add("src/a.ts", "const t = 'rk_live_0123456789abcdefXY'; // ghs_ xoxp-")
	r := NewRedactor(testKey)
	f.Fuzz(func(t *testing.T, rel, content string) {
		got := ScanFile(rel, []byte(content), r)
		lines := strings.Count(content, "\n") + 1
		for _, h := range got.Hits {
			if h.Line < 1 || h.Line > lines || h.Column < 1 {
				t.Fatalf("hit outside the file: %+v (%d lines)", h, lines)
			}
			if h.Length <= 0 || len(h.Digest) != digestLen {
				t.Fatalf("hit without a measured value: %+v", h)
			}
			if h.Rule == "" || h.What == "" {
				t.Fatalf("hit without a rule: %+v", h)
			}
		}
		if got.Placeholders < 0 {
			t.Fatal("negative placeholder count")
		}
		for _, kf := range keyFormats {
			if kf.re.MatchString(content) && !kf.in(content) {
				t.Fatalf("%s matches %q but none of its needles %q is in it", kf.what, content, kf.needles)
			}
		}
		masked := MaskLines(rel, splitLines(content))
		if len(masked) != lines {
			t.Fatalf("MaskLines returned %d lines for %d", len(masked), lines)
		}
	})
}
