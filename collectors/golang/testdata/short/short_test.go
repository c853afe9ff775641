package short

import "testing"

func TestQuick(t *testing.T) {}

// TestSendsMail stands for a test the project runs only by hand: its
// Makefile's go test passes -short.
func TestSendsMail(t *testing.T) {
	if testing.Short() {
		t.Skip("sends a real e-mail")
	}
	t.Fatal("no mail server here")
}
