// Package mailer sends email. Modules depend only on Sender; which one runs is
// configuration: SendGrid when FS_SENDGRID_API_KEY is set, otherwise the log
// sender, which prints each message and keeps the latest ones for the dev mailbox
// (GET /api/dev/mail, mounted only when FS_ENVIRONMENT=dev) so a new user can click
// verification links without any provider. Tests swap in a Mailbox recorder.
package mailer

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"

	"github.com/fastsvelte/fastsvelte/platform/config"
	"github.com/fastsvelte/fastsvelte/platform/httpserver"
)

// Message is one email. To is always an address read from the database, never
// request input (DESIGN §6).
type Message struct {
	To      string
	Subject string
	Text    string
	HTML    string
}

// Sender delivers a message.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Module provides the Sender chosen by configuration and the dev mailbox route.
var Module = fx.Module("mailer",
	fx.Provide(NewMailbox, newSender),
	fx.Invoke(registerDevMailbox),
)

func newSender(cfg *config.Config, log *slog.Logger, box *Mailbox) Sender {
	if cfg.SendGridAPIKey != "" {
		return NewSendGrid(cfg.SendGridAPIKey, cfg.EmailFrom)
	}
	if cfg.Environment == config.EnvProd {
		log.Warn("FS_SENDGRID_API_KEY is not set: emails are only written to the log")
	}
	return &LogSender{log: log, box: box}
}

// LogSender prints messages (links included) and keeps them in the mailbox.
type LogSender struct {
	log *slog.Logger
	box *Mailbox
}

// Send logs m and records it.
func (s *LogSender) Send(ctx context.Context, m Message) error {
	s.log.InfoContext(ctx, "email (not sent: no provider configured)",
		slog.String("to", m.To), slog.String("subject", m.Subject), slog.String("text", m.Text))
	return s.box.Send(ctx, m)
}

// DevMail is one message as the dev mailbox lists it.
type DevMail struct {
	ID        string `json:"id"`
	To        string `json:"to"`
	Subject   string `json:"subject"`
	Text      string `json:"text"`
	HTML      string `json:"html"`
	CreatedAt string `json:"created_at" format:"date-time"`
} // @name DevMail

func registerDevMailbox(cfg *config.Config, r *httpserver.Router, box *Mailbox) {
	if !cfg.IsDev() {
		return
	}
	r.API.GET("/dev/mail", devMail(box))
}

// devMail godoc
//
//	@Summary	Dev mailbox: every email the log sender "sent", newest first (dev only; a browser asking for HTML gets a page with clickable links)
//	@Tags		dev
//	@Produce	json
//	@Success	200	{array}	DevMail
//	@ID		listDevMail
//	@Router		/dev/mail [get]
func devMail(box *Mailbox) gin.HandlerFunc {
	return func(c *gin.Context) {
		msgs := box.List()
		if c.NegotiateFormat(gin.MIMEJSON, gin.MIMEHTML) == gin.MIMEHTML {
			renderDevPage(c, msgs)
			return
		}
		out := make([]DevMail, 0, len(msgs))
		for _, m := range msgs {
			out = append(out, DevMail{ID: m.ID, To: m.To, Subject: m.Subject, Text: m.Text, HTML: m.HTML,
				CreatedAt: m.CreatedAt.Format("2006-01-02T15:04:05.000Z07:00")})
		}
		c.JSON(http.StatusOK, out)
	}
}
