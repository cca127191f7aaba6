package mailer

import (
	"context"
	"fmt"
	"net/mail"

	"github.com/sendgrid/sendgrid-go"
	sgmail "github.com/sendgrid/sendgrid-go/helpers/mail"
)

// SendGrid delivers through the SendGrid v3 API.
type SendGrid struct {
	client *sendgrid.Client
	from   *sgmail.Email
}

// NewSendGrid builds a sender; from is an RFC 5322 address ("Name <addr>").
func NewSendGrid(apiKey, from string) *SendGrid {
	f := sgmail.NewEmail("", from)
	if a, err := mail.ParseAddress(from); err == nil {
		f = sgmail.NewEmail(a.Name, a.Address)
	}
	return &SendGrid{client: sendgrid.NewSendClient(apiKey), from: f}
}

// Send delivers m; any non-2xx answer is an error so the caller can retry.
func (s *SendGrid) Send(ctx context.Context, m Message) error {
	msg := sgmail.NewSingleEmail(s.from, m.Subject, sgmail.NewEmail("", m.To), m.Text, m.HTML)
	resp, err := s.client.SendWithContext(ctx, msg)
	if err != nil {
		return fmt.Errorf("sendgrid: %w", err)
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("sendgrid: status %d: %.200s", resp.StatusCode, resp.Body)
	}
	return nil
}
