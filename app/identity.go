package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/preflight-dev/preflight/config"
)

// repoIdentity names the repository whose code is at root, so that trust
// given to a path is not inherited by another repository later cloned
// there: the origin remote's address (the same in every clone, and after
// a pull request is checked out), else the root commit of a repository
// without a remote; "" outside git, where the path alone is trusted.
func repoIdentity(root string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if url, err := gitLine(ctx, root, "config", "--get", "remote.origin.url"); err == nil && url != "" {
		return "repository " + remoteName(url)
	}
	if out, err := gitLine(ctx, root, "rev-list", "--max-parents=0", "HEAD"); err == nil && out != "" {
		roots := strings.Fields(out)
		slices.Sort(roots)
		return "repository root commit " + roots[0]
	}
	return ""
}

// remoteName is a remote's address without what differs between ways of
// reaching the same repository: scheme, user, .git, and the colon of scp
// syntax (git@github.com:acme/shop.git and https://github.com/acme/shop
// are both github.com/acme/shop).
func remoteName(url string) string {
	u := strings.TrimSpace(url)
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	} else if host, path, ok := strings.Cut(u, ":"); ok && !strings.Contains(host, "/") {
		u = host + "/" + path
	}
	if i := strings.Index(u, "@"); i >= 0 && i < strings.Index(u+"/", "/") {
		u = u[i+1:]
	}
	u = strings.TrimSuffix(strings.TrimSuffix(u, "/"), ".git")
	return strings.ToLower(u)
}

// pins is what trust in root with cfg approves: the config's commands and
// the files they name, and the repository they belong to.
func pins(root, identity string, cfg *config.Config) []string {
	out := cfg.Pinned(root)
	if identity != "" {
		out = append(out, identity)
	}
	return out
}
