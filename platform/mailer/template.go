package mailer

import (
	"bytes"
	htmltemplate "html/template"
	texttemplate "text/template"
)

// Template is one kind of email (subject, plain text, HTML) parsed once at start-up.
// Modules declare their templates next to the code that sends them.
type Template struct {
	subject *texttemplate.Template
	text    *texttemplate.Template
	html    *htmltemplate.Template
}

// layout wraps every HTML body so messages share one look.
const layout = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2937;max-width:36rem;margin:0 auto;padding:1.5rem">{{template "body" .}}</body></html>`

// MustTemplate parses a template; a parse error is a programming error.
func MustTemplate(subject, text, html string) *Template {
	h := htmltemplate.Must(htmltemplate.New("layout").Parse(layout))
	htmltemplate.Must(h.New("body").Parse(html))
	return &Template{
		subject: texttemplate.Must(texttemplate.New("subject").Parse(subject)),
		text:    texttemplate.Must(texttemplate.New("text").Parse(text)),
		html:    h,
	}
}

// Render builds the message for to with data.
func (t *Template) Render(to string, data any) (Message, error) {
	var subj, text, html bytes.Buffer
	if err := t.subject.Execute(&subj, data); err != nil {
		return Message{}, err
	}
	if err := t.text.Execute(&text, data); err != nil {
		return Message{}, err
	}
	if err := t.html.ExecuteTemplate(&html, "layout", data); err != nil {
		return Message{}, err
	}
	return Message{To: to, Subject: subj.String(), Text: text.String(), HTML: html.String()}, nil
}
