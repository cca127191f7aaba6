package mailer

import (
	"html/template"
	"net/http"
	"regexp"

	"github.com/gin-gonic/gin"
)

// A browser opening the dev mailbox gets a page with clickable links instead of
// JSON, so a new user can verify an account without copying tokens around.

var linkRE = regexp.MustCompile(`https?://[^\s<>"]+`)

// segment is a run of a message's text: plain, or a link.
type segment struct {
	Text string
	Link bool
}

func segments(text string) []segment {
	var out []segment
	last := 0
	for _, m := range linkRE.FindAllStringIndex(text, -1) {
		out = append(out, segment{Text: text[last:m[0]]}, segment{Text: text[m[0]:m[1]], Link: true})
		last = m[1]
	}
	return append(out, segment{Text: text[last:]})
}

var devPage = template.Must(template.New("dev").Funcs(template.FuncMap{"segments": segments}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Dev mailbox</title>
<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#1f2937}
article{border:1px solid #e5e7eb;border-radius:.5rem;padding:1rem;margin:1rem 0}
pre{white-space:pre-wrap;font:inherit}small{color:#6b7280}</style></head>
<body><h1>Dev mailbox</h1>
<p>Emails are not sent in development; this page lists them, newest first. Reload for new ones.
The same list as JSON: <code>curl {{.Path}}</code>.</p>
{{range .Mails}}<article><strong>{{.Subject}}</strong><br><small>to {{.To}} · {{.CreatedAt.Format "2006-01-02 15:04:05 MST"}}</small>
<pre>{{range segments .Text}}{{if .Link}}<a href="{{.Text}}">{{.Text}}</a>{{else}}{{.Text}}{{end}}{{end}}</pre></article>
{{else}}<p>No emails yet.</p>{{end}}</body></html>`))

func renderDevPage(c *gin.Context, mails []Stored) {
	c.Header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Status(http.StatusOK)
	_ = devPage.Execute(c.Writer, map[string]any{"Mails": mails, "Path": c.Request.URL.Path})
}
