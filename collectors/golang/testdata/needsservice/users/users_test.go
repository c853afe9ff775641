package users

import (
	"testing"

	"example.com/fixture/needsservice/dbtest"
)

func Test_Create(t *testing.T) {
	dbtest.New(t)
}
