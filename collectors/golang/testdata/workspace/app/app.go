// Package app builds only in the workspace, which provides liba.
package app

import "example.com/ws/liba"

// Three is computed by the workspace's other module.
func Three() int { return liba.Add(1, 2) }
