package greet

import "testing"

func TestHello(t *testing.T) {
	if got := Hello("go"); got != "hello, go" {
		t.Errorf("Hello = %q", got)
	}
}

func TestHelloEmpty(t *testing.T) {
	if got := Hello(""); got != "hello, " {
		t.Errorf("Hello = %q", got)
	}
}
