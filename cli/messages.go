package cli

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/preflight-dev/preflight/ui"
)

// cockpitMessages is where preflight's warnings go while the cockpit owns
// the terminal: nothing but the cockpit's View may write to it then, or
// the text lands over the screen and stays there until a resize. Every
// line written is a message for the cockpit's header and messages view;
// once the cockpit has stopped, lines go to stderr again.
type cockpitMessages struct {
	mu     sync.Mutex
	stderr io.Writer
	ch     chan ui.Message
	open   bool
	part   []byte // an unfinished line
}

// messageBacklog is how many messages may wait for the cockpit to read
// them; more are dropped rather than block the engine.
const messageBacklog = 256

func newCockpitMessages(stderr io.Writer) *cockpitMessages {
	return &cockpitMessages{stderr: stderr, ch: make(chan ui.Message, messageBacklog), open: true}
}

// Write takes warnings as the rest of preflight prints them
// ("preflight: …\n"), one message per line.
func (c *cockpitMessages) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.open {
		return c.stderr.Write(p)
	}
	c.part = append(c.part, p...)
	for {
		i := bytes.IndexByte(c.part, '\n')
		if i < 0 {
			break
		}
		line := string(c.part[:i])
		c.part = c.part[i+1:]
		c.sendLocked(ui.Message{Text: strings.TrimPrefix(strings.TrimSpace(line), "preflight: "), Warning: true})
	}
	return len(p), nil
}

// note is a message that is not a warning: something happened the person
// should know of (trust given in another terminal).
func (c *cockpitMessages) note(text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.open {
		io.WriteString(c.stderr, "preflight: "+text+"\n")
		return
	}
	c.sendLocked(ui.Message{Text: text})
}

func (c *cockpitMessages) sendLocked(m ui.Message) {
	if strings.TrimSpace(m.Text) == "" {
		return
	}
	m.At = time.Now()
	select {
	case c.ch <- m:
	default: // the cockpit is not reading: better lose a message than stall
	}
}

// messages is what the cockpit reads.
func (c *cockpitMessages) messages() <-chan ui.Message { return c.ch }

// close hands writing back to stderr: the cockpit has stopped (or never
// started). Messages it did not get to show are printed then.
func (c *cockpitMessages) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.open {
		return
	}
	c.open = false
	for done := false; !done; {
		select {
		case m := <-c.ch:
			io.WriteString(c.stderr, "preflight: "+m.Text+"\n")
		default:
			done = true
		}
	}
	if len(c.part) > 0 {
		c.stderr.Write(append(c.part, '\n'))
		c.part = nil
	}
	close(c.ch)
}
