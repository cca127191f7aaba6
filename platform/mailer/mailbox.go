package mailer

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// mailboxSize bounds memory: the dev mailbox is a convenience, not an archive.
const mailboxSize = 200

// Stored is a message kept by a Mailbox.
type Stored struct {
	Message
	ID        string
	CreatedAt time.Time
}

// Mailbox keeps recent messages in memory. It backs the dev mailbox and is the
// recorder tests read mail from.
type Mailbox struct {
	mu   sync.Mutex
	msgs []Stored // oldest first
	// failures makes the next sends fail, to test how the app copes with a
	// provider outage.
	failures int
}

// ErrOutage is what Send returns while a simulated outage lasts.
var ErrOutage = errors.New("mailbox: simulated provider outage")

// FailNext makes the next n sends fail with ErrOutage.
func (b *Mailbox) FailNext(n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failures = n
}

// NewMailbox returns an empty mailbox.
func NewMailbox() *Mailbox { return &Mailbox{} }

// Send records m, unless a simulated outage is on.
func (b *Mailbox) Send(_ context.Context, m Message) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failures > 0 {
		b.failures--
		return ErrOutage
	}
	b.msgs = append(b.msgs, Stored{Message: m, ID: uuid.Must(uuid.NewV7()).String(), CreatedAt: time.Now().UTC()})
	if len(b.msgs) > mailboxSize {
		b.msgs = slices.Delete(b.msgs, 0, len(b.msgs)-mailboxSize)
	}
	return nil
}

// List returns the messages, newest first.
func (b *Mailbox) List() []Stored {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := slices.Clone(b.msgs)
	slices.Reverse(out)
	return out
}

// To returns the messages sent to addr (case-insensitive), oldest first.
func (b *Mailbox) To(addr string) []Stored {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []Stored
	for _, m := range b.msgs {
		if strings.EqualFold(m.To, addr) {
			out = append(out, m)
		}
	}
	return out
}
