package unit

import "testing"

func TestAlwaysRuns(t *testing.T) {}
