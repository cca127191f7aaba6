package auth

import "github.com/fastsvelte/fastsvelte/platform/mailer"

// mailData is what every auth email template can use.
type mailData struct {
	AppName   string
	FirstName string
	Link      string
	LoginLink string
	Hours     int
}

var tmplVerify = mailer.MustTemplate(
	`Confirm your email for {{.AppName}}`,
	`Hi {{.FirstName}},

Confirm your email address to finish setting up your {{.AppName}} account:

{{.Link}}

The link works once and expires in {{.Hours}} hours. If you did not sign up, ignore this email.
`,
	`<p>Hi {{.FirstName}},</p>
<p>Confirm your email address to finish setting up your {{.AppName}} account:</p>
<p><a href="{{.Link}}">Confirm my email</a></p>
<p>The link works once and expires in {{.Hours}} hours. If you did not sign up, ignore this email.</p>`)

var tmplAccountExists = mailer.MustTemplate(
	`Someone tried to sign up to {{.AppName}} with your email`,
	`Hi {{.FirstName}},

Someone (maybe you) tried to create a {{.AppName}} account with this email address, but you already have one.
Sign in here: {{.LoginLink}}

If it wasn't you, you can ignore this email; your account is unchanged.
`,
	`<p>Hi {{.FirstName}},</p>
<p>Someone (maybe you) tried to create a {{.AppName}} account with this email address, but you already have one.</p>
<p><a href="{{.LoginLink}}">Sign in</a></p>
<p>If it wasn't you, you can ignore this email; your account is unchanged.</p>`)
