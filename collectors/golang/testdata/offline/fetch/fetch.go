// Package fetch downloads a release note; its tests need the network.
package fetch

import (
	"io"
	"net/http"
)

// Notes returns the body at url.
func Notes(url string) (string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}
