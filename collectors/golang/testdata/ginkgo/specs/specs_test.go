// Package specs has a failing spec among passing ones.
package specs

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestSpecs(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Specs Suite")
}

var _ = Describe("sum", func() {
	It("adds", func() { Expect(1 + 1).To(Equal(2)) })
	It("carries", func() { Expect(9 + 1).To(Equal(11)) })
})
