// Package assert fails with matryer/is, which indents its message with a
// tab and colours it, beside a plain t.Error.
package assert

import (
	"errors"
	"testing"

	"github.com/matryer/is"
)

func TestNoErr(t *testing.T) {
	is := is.New(t)
	is.NoErr(errors.New("boom"))
}

func TestPlain(t *testing.T) {
	t.Error("plain failure")
}
