// Package hang has a test that never returns; run it only with a short -timeout.
package hang
