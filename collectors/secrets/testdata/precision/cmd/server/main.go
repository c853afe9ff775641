package main

import (
	"cmp"
	"flag"
	"os"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

func main() {
	viper.SetDefault("jwt-secret", "c2FtcGxlLXNpZ25pbmcta2V5LTQy")
	viper.SetDefault("listen", ":8080")
	viper.SetDefault("token-ttl", "24h")
	addr := flag.String("addr", ":9090", "listen address")
	dbPass := flag.String("db-password", "postgres", "database password")
	fs := pflag.NewFlagSet("server", pflag.ExitOnError)
	var cfg struct{ Token, AdminUser, KeyFile string }
	fs.StringVarP(&cfg.Token, "api-token", "t", "", "API token (empty: none)")
	fs.StringVar(&cfg.AdminUser, "admin-user", "admin", "the first account")
	fs.StringVar(&cfg.KeyFile, "tls-key-file", "/etc/tls/key.pem", "TLS key")
	session := getEnv("SESSION_SECRET", "keyboard cat")
	admin := cmp.Or(os.Getenv("ADMIN_PASSWORD"), "s3cret-default")
	mode := getEnv("APP_MODE", "production")
	_, _, _, _, _, _ = addr, dbPass, session, admin, mode, cfg
	cmd.PersistentFlags().String("webhook-secret", "whsec-default-1", "")
	log.Info("login", zap.String("password", "not-logged")) // a log field, not a flag
}

func getEnv(key, fallback string) string {
	return cmp.Or(os.Getenv(key), fallback)
}
