package secrets

import (
	"strings"
	"testing"
)

func TestSecretsInArgumentPositionAndSlackWebhooks(t *testing.T) {
	r := NewRedactor(testKey)
	cases := []struct {
		rel, content string
		want         []string // "rule@line"
	}{
		{"docker-compose.yml", "services:\n  db:\n    command: mysqld --password=Sup3rS3cretPw --port 3306\n", []string{"secrets/hardcoded-secret@3"}},
		{"docker-compose.yml", "services:\n  app:\n    command: [\"server\", \"--api-token\", \"tok_9f8e7d6c5b4a\"]\n", []string{"secrets/high-entropy@3"}},
		{"k8s/deploy.yaml", "spec:\n  containers:\n    - name: app\n      args:\n        - --token\n        - zQ4mK8pX2vN6rT1y\n        - --verbose\n", []string{"secrets/high-entropy@6"}},
		{"Dockerfile", "FROM mysql:8\nRUN mysql -u root -p hunter2pass -e 'select 1'\n", []string{"secrets/hardcoded-secret@2"}},
		{"ci.yml", "steps:\n  - run: curl -X POST https://hooks.slack.com/services/T0ABCDE12/B0FGHIJ34/aBcDeFgHiJkLmNoPqRsTuVwX\n", []string{"secrets/slack-webhook@2"}},
		// Not secrets: ports, placeholders, flags without a value.
		{"docker-compose.yml", "services:\n  web:\n    command: server --port 8080 -p 80:80 --token=${API_TOKEN} --password\n", nil},
		// --password-stdin reads it: ghcr.io is the registry (shiori).
		{".github/workflows/ci.yml", "steps:\n  - run: echo \"${{ secrets.GITHUB_TOKEN }}\" | docker login -u bot --password-stdin ghcr.io\n", nil},
	}
	for _, tc := range cases {
		got := ScanFile(tc.rel, []byte(tc.content), r)
		var hits []string
		for _, h := range got.Hits {
			hits = append(hits, h.Rule+"@"+itoa(h.Line))
		}
		if strings.Join(hits, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s %q:\n got %v\nwant %v", tc.rel, tc.content, hits, tc.want)
		}
		masked := strings.Join(MaskLines(tc.rel, strings.Split(tc.content, "\n")), "\n")
		for _, s := range []string{"Sup3rS3cretPw", "tok_9f8e7d6c5b4a", "zQ4mK8pX2vN6rT1y", "hunter2pass", "aBcDeFgHiJkLmNoPqRsTuVwX"} {
			if strings.Contains(masked, s) {
				t.Errorf("%s: %q shown unmasked", tc.rel, s)
			}
		}
	}
}
