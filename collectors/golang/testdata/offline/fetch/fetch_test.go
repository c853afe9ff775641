package fetch

import "testing"

// A host of the reserved .invalid domain is found nowhere: the test fails
// for want of the network on every machine.
func TestNotesFromTheInternet(t *testing.T) {
	if _, err := Notes("https://downloads.preflight.invalid/notes.txt"); err != nil {
		t.Fatalf("download: %v", err)
	}
}

// A local server that is not there is the test's own failure.
func TestNotesFromALocalServer(t *testing.T) {
	if _, err := Notes("http://127.0.0.1:1/notes.txt"); err != nil {
		t.Errorf("local: %v", err)
	}
}

func TestNothingToFetch(t *testing.T) {}
