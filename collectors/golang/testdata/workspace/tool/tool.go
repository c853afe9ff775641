// Package tool is outside the workspace and reaches liba by a replace.
package tool

import "example.com/ws/liba"

// Four is two and two.
func Four() int { return liba.Add(2, 2) }
