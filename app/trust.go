package app

import (
	"time"

	"github.com/preflight-dev/preflight/config"
	"github.com/preflight-dev/preflight/trust"
)

// TrustRepo records that dir's own code (its node_modules tools, its
// tests) and the commands of its preflight.yaml may run, exactly as they
// and the scripts they name are now. It returns the config it trusted.
func TrustRepo(dir string) (*config.Config, error) {
	store, err := trust.Default()
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(dir)
	if err != nil {
		return nil, err
	}
	if err := store.Trust(dir, pins(dir, repoIdentity(dir), cfg), time.Now()); err != nil {
		return nil, err
	}
	return cfg, nil
}

// RevokeTrust takes back every trust record of dir and says how many
// there were.
func RevokeTrust(dir string) (int, error) {
	store, err := trust.Default()
	if err != nil {
		return 0, err
	}
	return store.Revoke(dir)
}
