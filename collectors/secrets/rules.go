package secrets

import (
	"slices"

	"github.com/preflight-dev/preflight/collectors/rules"
	"github.com/preflight-dev/preflight/model"
)

// The rules' Severity is for files reachable from production; devSeverity
// says what each becomes in dev/test-only files (see Classify).
var (
	RuleDefaultCredential = rules.Rule{
		ID: "secrets/default-credential", Severity: model.Blocker, OnValue: true,
		Title:     "a password, secret or token is set to a well-known default or weak value",
		Rationale: "The passwords images and installers ship with, and the weak ones people type in their place, are the first thing an attacker tries; general secret scanners do not flag them because they are not random. The list is secrets.WeakValues.",
		Fix:       "Read the value from the environment or a secret store at deploy time and leave a placeholder (${DB_PASSWORD}) in the file.",
		Reference: "OWASP Top 10 A07:2021; CWE-1392 (use of default credentials)",
	}
	RuleURLCredentials = rules.Rule{
		ID: "secrets/url-credentials", Severity: model.Blocker, OnValue: true,
		Title:     "a URL carries a user name and password",
		Rationale: "scheme://user:password@host puts the password in every log line, error message and process list that shows the URL.",
		Fix:       "Build the URL at run time from a secret (postgres://app:${DB_PASSWORD}@db/app) or pass the password separately.",
		Reference: "CWE-798 (use of hard-coded credentials)",
	}
	RulePrivateKey = rules.Rule{
		ID: "secrets/private-key", Severity: model.Blocker, OnValue: true,
		Title:     "a private key block is committed",
		Rationale: "Anyone who can read the repository can impersonate the server or user the key belongs to.",
		Fix:       "Remove the key, revoke it, and mount keys from a secret store at deploy time.",
		Reference: "CWE-321 (use of hard-coded cryptographic key)",
	}
	RuleAWSAccessKey = rules.Rule{
		ID: "secrets/aws-access-key", Severity: model.Blocker, OnValue: true,
		Title:     "an AWS access key id is committed",
		Rationale: "Access key ids are published next to their secret keys; a committed one means the pair has been in the repository.",
		Fix:       "Deactivate the key in IAM, then use roles or a secret store instead of static keys.",
		Reference: "AWS IAM best practices: do not embed access keys in code",
	}
	RuleStripeLiveKey = rules.Rule{
		ID: "secrets/stripe-live-key", Severity: model.Blocker, OnValue: true,
		Title:     "a Stripe live secret key is committed",
		Rationale: "A live key moves real money: charges, refunds and payouts.",
		Fix:       "Roll the key in the Stripe dashboard and load it from the environment.",
		Reference: "Stripe docs: keeping your API keys safe",
	}
	RuleGitHubToken = rules.Rule{
		ID: "secrets/github-token", Severity: model.Blocker, OnValue: true,
		Title:     "a GitHub token is committed",
		Rationale: "A token acts as its owner on every repository it can reach.",
		Fix:       "Revoke the token on GitHub and use the CI provider's secrets.",
		Reference: "GitHub docs: token formats (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_)",
	}
	RuleSlackWebhook = rules.Rule{
		ID: "secrets/slack-webhook", Severity: model.Blocker, OnValue: true,
		Title:     "a Slack incoming webhook URL is committed",
		Rationale: "Anyone with the URL can post into the channel as the app, e.g. convincing phishing messages.",
		Fix:       "Regenerate the webhook in the Slack app settings and load the URL from a secret store.",
		Reference: "Slack docs: sending messages using incoming webhooks",
	}
	RuleSlackToken = rules.Rule{
		ID: "secrets/slack-token", Severity: model.Blocker, OnValue: true,
		Title:     "a Slack token is committed",
		Rationale: "A bot or user token reads and posts in the workspace as its owner.",
		Fix:       "Rotate the token in the Slack app settings and load it from a secret store.",
		Reference: "Slack docs: token types (xoxb-, xoxp-, xoxa-)",
	}
	RuleGoogleAPIKey = rules.Rule{
		ID: "secrets/google-api-key", Severity: model.Blocker, OnValue: true,
		Title:     "a Google API key is committed",
		Rationale: "Unrestricted keys are billed to the project and can reach every API enabled on it.",
		Fix:       "Delete or restrict the key in the Cloud console and load it from the environment.",
		Reference: "Google Cloud docs: API key best practices",
	}
	RuleJWT = rules.Rule{
		ID: "secrets/jwt", Severity: model.High, OnValue: true,
		Title:     "a JSON Web Token is committed",
		Rationale: "A JWT is a bearer credential: whoever holds it is whoever it names until it expires, and long-lived service tokens rarely expire.",
		Fix:       "Revoke or rotate the signing key, and issue tokens at run time instead of storing them.",
		Reference: "RFC 8725 (JWT best current practices)",
	}
	RuleHighEntropy = rules.Rule{
		ID: "secrets/high-entropy", Severity: model.Blocker, OnValue: true,
		Title:     "a secret-named key holds a random-looking value",
		Rationale: "A long random value under a key named like a secret is almost always a real key or signing secret.",
		Fix:       "Rotate it and load it from the environment or a secret store.",
		Reference: "CWE-798 (use of hard-coded credentials)",
	}
	RuleHardcodedSecret = rules.Rule{
		ID: "secrets/hardcoded-secret", Severity: model.High, OnValue: true,
		Title:     "a secret-named key holds a literal value",
		Rationale: "A password written into a committed file is shared with everyone who can read the repository, and changing it needs a commit.",
		Fix:       "Replace the value with a placeholder read from the environment (${SMTP_PASSWORD}).",
		Reference: "CWE-798 (use of hard-coded credentials)",
	}
	RuleDotenvNotIgnored = rules.Rule{
		ID: "secrets/dotenv-not-ignored", Severity: model.High, OnValue: true,
		Title:     "a .env file is not ignored by git",
		Rationale: ".env files hold each machine's real secrets; one that git does not ignore gets committed sooner or later.",
		Fix:       "Add .env to .gitignore (git rm --cached .env if it is tracked) and commit a .env.example with placeholders instead.",
		Reference: "The Twelve-Factor App, III. Config",
	}
	RuleGitleaks = rules.Rule{
		ID: "secrets/gitleaks", Severity: model.Blocker, OnValue: true,
		Title:     "gitleaks found a secret",
		Rationale: "gitleaks knows hundreds of vendor token formats, in source code as well as config; its findings are merged with preflight's own.",
		Fix:       "Rotate the secret and load it from the environment; see the gitleaks rule named in the message.",
		Reference: "gitleaks default rules (github.com/gitleaks/gitleaks)",
	}
)

// devSeverity is each rule's severity in dev/test-only files: weak values
// there are a habit to fix, not an open door; a real key format is still a
// real key, so those stay high.
var devSeverity = map[string]model.Severity{
	RuleDefaultCredential.ID: model.Medium,
	RuleURLCredentials.ID:    model.Medium,
	RulePrivateKey.ID:        model.High,
	RuleAWSAccessKey.ID:      model.High,
	RuleStripeLiveKey.ID:     model.High,
	RuleGitHubToken.ID:       model.High,
	RuleSlackToken.ID:        model.High,
	RuleSlackWebhook.ID:      model.High,
	RuleGoogleAPIKey.ID:      model.High,
	RuleJWT.ID:               model.Medium,
	RuleHighEntropy.ID:       model.High,
	RuleHardcodedSecret.ID:   model.Low,
	RuleDotenvNotIgnored.ID:  model.Medium,
	RuleGitleaks.ID:          model.High,
}

// Rules lists the family's rules in the order the README shows them.
var Rules = []rules.Rule{
	RuleDefaultCredential, RuleURLCredentials, RulePrivateKey, RuleAWSAccessKey,
	RuleStripeLiveKey, RuleGitHubToken, RuleSlackToken, RuleSlackWebhook, RuleGoogleAPIKey, RuleJWT,
	RuleHighEntropy, RuleHardcodedSecret, RuleDotenvNotIgnored, RuleGitleaks,
}

// DevSeverity is the severity of a rule's findings in dev/test-only files.
func DevSeverity(ruleID string) model.Severity { return devSeverity[ruleID] }

// AllRules lists every rule the family reports, for the rule catalogue.
func AllRules() []rules.Rule { return slices.Clone(Rules) }

// severity of a rule's finding in a file of the given context.
func severity(ruleID string, ctx Context) model.Severity {
	if ctx != Production {
		if s, ok := devSeverity[ruleID]; ok {
			return s
		}
	}
	for _, r := range Rules {
		if r.ID == ruleID {
			return r.Severity
		}
	}
	return model.Info
}
