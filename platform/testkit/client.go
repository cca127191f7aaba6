package testkit

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strings"
	"testing"
)

// Client is one browser: it keeps cookies between requests.
type Client struct {
	t    testing.TB
	base string
	http *http.Client
	// Header is sent with every request (e.g. Origin for cross-origin tests).
	Header http.Header
}

// Client returns a new browser with an empty cookie jar.
func (a *App) Client() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: a.T, base: a.URL, Header: http.Header{},
		http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Response is a fully read response.
type Response struct {
	t      testing.TB
	Status int
	Header http.Header
	Body   []byte
}

// Raw is a body sent as is, with Content-Type application/json unless the
// request sets another.
type Raw string

// Do sends a request. body may be nil, Raw (sent verbatim) or any value (sent as JSON).
func (c *Client) Do(method, path string, body any) *Response {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case Raw:
		rd = strings.NewReader(string(b))
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			c.t.Fatalf("testkit: marshal body: %v", err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatalf("testkit: %v", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range c.Header {
		req.Header[k] = vs
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("testkit: %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return &Response{t: c.t, Status: resp.StatusCode, Header: resp.Header, Body: data}
}

// Get, Post, Patch and Delete are shorthands for Do.
func (c *Client) Get(path string) *Response { c.t.Helper(); return c.Do(http.MethodGet, path, nil) }

// Post sends body as JSON.
func (c *Client) Post(path string, body any) *Response {
	c.t.Helper()
	return c.Do(http.MethodPost, path, body)
}

// Patch sends body as JSON.
func (c *Client) Patch(path string, body any) *Response {
	c.t.Helper()
	return c.Do(http.MethodPatch, path, body)
}

// Cookie returns the named cookie the jar would send to the app, or "".
func (c *Client) Cookie(name string) string {
	req, _ := http.NewRequest(http.MethodGet, c.base+"/", nil)
	for _, ck := range c.http.Jar.Cookies(req.URL) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// SetCookie puts a cookie in the jar (e.g. a stolen or forged token).
func (c *Client) SetCookie(name, value string) {
	req, _ := http.NewRequest(http.MethodGet, c.base+"/", nil)
	c.http.Jar.SetCookies(req.URL, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// Expect fails the test unless the status is want; it returns r for chaining.
func (r *Response) Expect(want int) *Response {
	r.t.Helper()
	if r.Status != want {
		r.t.Fatalf("status %d, want %d; body: %s", r.Status, want, r.Body)
	}
	return r
}

// JSON decodes the body into v.
func (r *Response) JSON(v any) {
	r.t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		r.t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Map decodes the body as a JSON object.
func (r *Response) Map() map[string]any {
	r.t.Helper()
	var m map[string]any
	r.JSON(&m)
	return m
}

// ExpectError fails unless the response is an API error with this status and code;
// it returns the error's details.
func (r *Response) ExpectError(status int, code string) map[string]any {
	r.t.Helper()
	r.Expect(status)
	m := r.Map()
	if m["code"] != code {
		r.t.Fatalf("error code %v, want %s; body: %s", m["code"], code, r.Body)
	}
	if m["message"] == "" || m["request_id"] == "" {
		r.t.Fatalf("error body lacks message or request_id: %s", r.Body)
	}
	d, _ := m["details"].(map[string]any)
	return d
}

var linkToken = regexp.MustCompile(`token=([A-Za-z0-9_-]+)`)

// LinkToken returns the token in the newest mail to addr whose subject contains
// subject, failing the test if there is none.
func (a *App) LinkToken(addr, subject string) string {
	a.T.Helper()
	msgs := a.Mails(addr)
	for i := len(msgs) - 1; i >= 0; i-- {
		if strings.Contains(msgs[i].Subject, subject) {
			if m := linkToken.FindStringSubmatch(msgs[i].Text); m != nil {
				return m[1]
			}
		}
	}
	a.T.Fatalf("no mail to %s with subject containing %q and a token link (got %d mails)", addr, subject, len(msgs))
	return ""
}
