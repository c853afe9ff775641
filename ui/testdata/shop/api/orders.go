// Package api serves the shop's orders.
package api

import "strings"

// Slug turns a customer name into the path segment used in order URLs.
func Slug(name string) string {
	fields := strings.Fields(strings.ToLower(name))
	return strings.Join(fields, "_")
}
