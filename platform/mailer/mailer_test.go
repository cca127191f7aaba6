package mailer_test

import (
	"context"
	"strings"
	"testing"

	"go.uber.org/fx"

	"github.com/fastsvelte/fastsvelte/platform/mailer"
	"github.com/fastsvelte/fastsvelte/platform/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func TestDevMailboxListsNewestFirst(t *testing.T) {
	t.Parallel()
	app := testkit.Start(t, fx.Options(), testkit.Env{"FS_ENVIRONMENT": "dev", "FS_AUTO_MIGRATE": "false", "FS_SEED_DEMO": "false"})
	ctx := context.Background()
	for _, subj := range []string{"first", "second"} {
		if err := app.Mail.Send(ctx, mailer.Message{To: "a@example.com", Subject: subj, Text: "t " + subj, HTML: "<p>" + subj + "</p>"}); err != nil {
			t.Fatal(err)
		}
	}
	var got []map[string]any
	app.Client().Get("/api/dev/mail").Expect(200).JSON(&got)
	if len(got) != 2 || got[0]["subject"] != "second" || got[1]["subject"] != "first" {
		t.Fatalf("dev mailbox = %v", got)
	}
	for _, k := range []string{"id", "to", "subject", "text", "html", "created_at"} {
		if got[0][k] == nil || got[0][k] == "" {
			t.Fatalf("dev mail lacks %s: %v", k, got[0])
		}
	}
}

func TestDevMailboxOnlyInDev(t *testing.T) {
	t.Parallel()
	app := testkit.Start(t, fx.Options(), nil) // FS_ENVIRONMENT=test
	app.Client().Get("/api/dev/mail").ExpectError(404, "NOT_FOUND")
}

func TestTemplateEscapesHTML(t *testing.T) {
	t.Parallel()
	tmpl := mailer.MustTemplate("Hi {{.Name}}", "Hello {{.Name}}", "<p>Hello {{.Name}}</p><a href=\"{{.Link}}\">go</a>")
	msg, err := tmpl.Render("x@example.com", map[string]string{"Name": "<script>alert(1)</script>", "Link": "javascript:alert(1)"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(msg.HTML, "<script>") || strings.Contains(msg.HTML, "javascript:") {
		t.Fatalf("HTML body not escaped: %s", msg.HTML)
	}
	if msg.Subject != "Hi <script>alert(1)</script>" || msg.To != "x@example.com" {
		t.Fatalf("subject/to: %q %q", msg.Subject, msg.To)
	}
}

func TestMailboxOutage(t *testing.T) {
	t.Parallel()
	box := mailer.NewMailbox()
	box.FailNext(1)
	if err := box.Send(context.Background(), mailer.Message{To: "a@example.com"}); err != mailer.ErrOutage {
		t.Fatalf("first send = %v, want ErrOutage", err)
	}
	if err := box.Send(context.Background(), mailer.Message{To: "A@example.com"}); err != nil {
		t.Fatal(err)
	}
	if n := len(box.To("a@EXAMPLE.com")); n != 1 {
		t.Fatalf("%d messages recorded, want 1", n)
	}
}

func TestDevMailboxPageForBrowsers(t *testing.T) {
	t.Parallel()
	app := testkit.Start(t, fx.Options(), testkit.Env{"FS_ENVIRONMENT": "dev", "FS_AUTO_MIGRATE": "false", "FS_SEED_DEMO": "false"})
	_ = app.Mail.Send(context.Background(), mailer.Message{To: "a@example.com", Subject: "Confirm <b>", Text: "Open http://localhost:8000/app/verify-email?token=abc now"})
	c := app.Client()
	c.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	r := c.Get("/api/dev/mail").Expect(200)
	body := string(r.Body)
	if !strings.Contains(body, `<a href="http://localhost:8000/app/verify-email?token=abc">`) || strings.Contains(body, "<b>") {
		t.Fatalf("page lacks the clickable link or does not escape: %s", body)
	}
	c.Header.Set("Accept", "application/json")
	if got := c.Get("/api/dev/mail").Expect(200); !strings.HasPrefix(string(got.Body), "[") {
		t.Fatalf("JSON clients get JSON: %s", got.Body)
	}
}
