// Package use builds a Point without field names, which vet reports.
package use

import "example.com/vetcache/lib/shape"

// Origin is where everything starts.
var Origin = shape.Point{0, 0}
