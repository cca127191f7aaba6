package httpserver_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.uber.org/fx"

	"github.com/fastsvelte/fastsvelte/platform/apperr"
	"github.com/fastsvelte/fastsvelte/platform/httpserver"
	"github.com/fastsvelte/fastsvelte/platform/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// bindRequest exercises every Bind rule: a required, bounded string, a number,
// a bounded list and a nested object.
type bindRequest struct {
	Name  string     `json:"name" validate:"required,max=10"`
	Count int        `json:"count"`
	Tags  []string   `json:"tags" validate:"max=3"`
	Inner *innerPart `json:"inner"`
}

type innerPart struct {
	Note string `json:"note" validate:"max=20"`
}

// secret is text that must never reach a client.
const secret = "s3cr3t-internal-detail"

// rateLimited is ErrRateLimited as a limiter would return it.
var rateLimited = func() *apperr.Error {
	e := *apperr.ErrRateLimited
	e.RetryAfterSeconds = 30
	return &e
}()

// failures are what GET /api/test/fail/:name renders.
var failures = map[string]error{
	"bad_request":  apperr.New(apperr.KindBadRequest, "INVALID_TOKEN", "The link is invalid or has expired."),
	"unauthorized": apperr.ErrUnauthorized,
	"quota": apperr.New(apperr.KindPaymentRequired, "QUOTA_EXCEEDED", "Upgrade to add more.").
		WithDetails(map[string]any{"feature": "projects", "limit": 3, "used": 3}),
	"forbidden":   apperr.ErrAccessDenied,
	"not_found":   apperr.ErrNotFound,
	"conflict":    apperr.New(apperr.KindConflict, "LAST_ADMIN", "An organization needs an admin."),
	"gone":        apperr.New(apperr.KindGone, "INVITATION_EXPIRED", "The invitation has expired."),
	"too_large":   apperr.ErrTooLarge,
	"unsupported": apperr.ErrUnsupported,
	"validation":  apperr.Validation(map[string]string{"email": "is required"}),
	"rate":        rateLimited,
	"unavailable": apperr.New(apperr.KindUnavailable, "NOT_CONFIGURED", "Billing is not configured."),
	"internal":    apperr.ErrInternal.WithCause(errors.New(secret)),
	// An internal kind with its own code and text still renders the generic error.
	"internal_custom": apperr.New(apperr.KindInternal, "DB_DOWN", "database at "+secret+" is down"),
	"wrapped":         fmt.Errorf("store: load thing: %w", apperr.ErrNotFound.WithCause(errors.New(secret))),
	"plain":           errors.New("pq: connection to " + secret + " refused"),
}

// testRoutes mounts the handlers the tests drive through the real engine.
var testRoutes = fx.Invoke(func(r *httpserver.Router) {
	r.API.GET("/test/fail/:name", func(c *gin.Context) {
		httpserver.Fail(c, failures[c.Param("name")])
	})
	r.API.GET("/test/panic", func(*gin.Context) { panic("boom: " + secret) })
	r.API.POST("/test/bind", func(c *gin.Context) {
		// Lets the tests prove a "chunked" case reached the server without a length.
		c.Header("X-Test-Content-Length", strconv.FormatInt(c.Request.ContentLength, 10))
		var req bindRequest
		if err := httpserver.Bind(c, &req); err != nil {
			httpserver.Fail(c, err)
			return
		}
		c.JSON(http.StatusOK, req)
	})
	echo := func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"ok": true}) }
	r.API.POST("/test/echo", echo)
	r.API.PATCH("/test/echo", echo)
	r.API.DELETE("/test/echo", echo)
})

// start boots the platform (no modules) with the test routes.
func start(t *testing.T, env testkit.Env, extra ...fx.Option) *testkit.App {
	t.Helper()
	if env == nil {
		env = testkit.Env{}
	}
	if _, ok := env["FS_BODY_LIMIT_BYTES"]; !ok {
		env["FS_BODY_LIMIT_BYTES"] = "2048"
	}
	return testkit.Start(t, fx.Options(), env, append([]fx.Option{testRoutes}, extra...)...)
}

// reply is a response read by send, for requests testkit.Client cannot shape.
type reply struct {
	Status int
	Header http.Header
	Body   []byte
}

// request describes a raw request: headers exactly as given (no Content-Type
// unless listed) and, with chunked, a body of unknown length.
type request struct {
	method, path string
	header       map[string]string
	body         string
	chunked      bool
}

func send(t *testing.T, app *testkit.App, r request) reply {
	t.Helper()
	var body io.Reader
	if r.body != "" || r.chunked {
		body = strings.NewReader(r.body)
		if r.chunked {
			body = io.MultiReader(body) // hides the length: sent chunked
		}
	}
	req, err := http.NewRequest(r.method, app.URL+r.path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	if r.chunked && req.ContentLength != 0 {
		t.Fatalf("chunked request has Content-Length %d", req.ContentLength)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header, data}
}

// rawHTTP writes a request line and headers verbatim on a fresh TCP connection,
// for what net/http's client refuses or normalises (dot segments, folded headers).
func rawHTTP(t *testing.T, app *testkit.App, head string) reply {
	t.Helper()
	u, _ := url.Parse(app.URL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header, data}
}

// expectErrorBody checks the one error shape of API.md: JSON with exactly code,
// message, request_id and optional details, request_id matching X-Request-Id.
// It returns the details.
func expectErrorBody(t *testing.T, status int, header http.Header, body []byte, wantStatus int, wantCode string) map[string]any {
	t.Helper()
	if status != wantStatus {
		t.Fatalf("status %d, want %d; body: %s", status, wantStatus, body)
	}
	if ct := header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("error body is not a JSON object: %v: %s", err, body)
	}
	for k := range m {
		if !slices.Contains([]string{"code", "message", "details", "request_id"}, k) {
			t.Errorf("unexpected key %q in error body %s", k, body)
		}
	}
	if m["code"] != wantCode {
		t.Errorf("code %v, want %s; body: %s", m["code"], wantCode, body)
	}
	if msg, _ := m["message"].(string); strings.TrimSpace(msg) == "" {
		t.Errorf("error body has no message: %s", body)
	}
	id, _ := m["request_id"].(string)
	if id == "" || id != header.Get("X-Request-Id") {
		t.Errorf("request_id %q does not match X-Request-Id %q", id, header.Get("X-Request-Id"))
	}
	if d, ok := m["details"]; ok {
		details, isMap := d.(map[string]any)
		if !isMap || len(details) == 0 {
			t.Errorf("details present but not a non-empty object: %s", body)
		}
		return details
	}
	return nil
}

func TestErrorRendering(t *testing.T) {
	t.Parallel()
	app := start(t, nil)
	cases := []struct {
		name    string
		status  int
		code    string
		details map[string]any
	}{
		{"bad_request", 400, "INVALID_TOKEN", nil},
		{"unauthorized", 401, "UNAUTHORIZED", nil},
		{"quota", 402, "QUOTA_EXCEEDED", map[string]any{"feature": "projects", "limit": 3.0, "used": 3.0}},
		{"forbidden", 403, "ACCESS_DENIED", nil},
		{"not_found", 404, "NOT_FOUND", nil},
		{"conflict", 409, "LAST_ADMIN", nil},
		{"gone", 410, "INVITATION_EXPIRED", nil},
		{"too_large", 413, "BODY_TOO_LARGE", nil},
		{"unsupported", 415, "UNSUPPORTED_MEDIA_TYPE", nil},
		{"validation", 422, "VALIDATION_ERROR", map[string]any{"email": "is required"}},
		{"rate", 429, "RATE_LIMITED", nil},
		{"unavailable", 503, "NOT_CONFIGURED", nil},
		{"internal", 500, "INTERNAL_ERROR", nil},
		{"internal_custom", 500, "INTERNAL_ERROR", nil},
		{"wrapped", 404, "NOT_FOUND", nil},
		{"plain", 500, "INTERNAL_ERROR", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := app.Client().Get("/api/test/fail/" + tc.name)
			details := expectErrorBody(t, r.Status, r.Header, r.Body, tc.status, tc.code)
			if fmt.Sprint(details) != fmt.Sprint(tc.details) {
				t.Errorf("details %v, want %v", details, tc.details)
			}
			if strings.Contains(string(r.Body), secret) {
				t.Errorf("body leaks internals: %s", r.Body)
			}
			retry := r.Header.Get("Retry-After")
			if tc.status == 429 && retry != "30" {
				t.Errorf("Retry-After %q, want 30", retry)
			}
			if tc.status != 429 && retry != "" {
				t.Errorf("Retry-After %q on a %d", retry, tc.status)
			}
			if tc.status == 500 && r.Map()["message"] != apperr.ErrInternal.Message {
				t.Errorf("500 message %q, want the generic one", r.Map()["message"])
			}
		})
	}
}

func TestPanicAnswersGeneric500(t *testing.T) {
	t.Parallel()
	app := start(t, nil)
	c := app.Client()
	r := c.Get("/api/test/panic")
	expectErrorBody(t, r.Status, r.Header, r.Body, 500, "INTERNAL_ERROR")
	if strings.Contains(string(r.Body), secret) || strings.Contains(string(r.Body), "boom") {
		t.Errorf("500 body leaks the panic: %s", r.Body)
	}
	// The server survived the panic.
	c.Get("/api/health").Expect(200)
}

func TestBind(t *testing.T) {
	t.Parallel()
	app := start(t, nil) // FS_BODY_LIMIT_BYTES=2048
	const jsonCT = "application/json"
	pad := func(prefix string, size int) string { // valid JSON padded with spaces to size bytes
		return prefix + strings.Repeat(" ", size-len(prefix))
	}
	cases := []struct {
		name        string
		contentType string
		body        string
		chunked     bool
		status      int
		code        string // "" for a success
		field       string // a details key the error must name
		fieldSays   string // text the field's message must contain
	}{
		{name: "valid", contentType: jsonCT, body: `{"name":"ok","count":2,"tags":["a"],"inner":{"note":"n"}}`, status: 200},
		{name: "valid with charset", contentType: "application/json; charset=utf-8", body: `{"name":"ok"}`, status: 200},
		{name: "valid chunked", contentType: jsonCT, body: `{"name":"ok"}`, chunked: true, status: 200},
		{name: "max counts characters not bytes", contentType: jsonCT, body: `{"name":"éééééééééé"}`, status: 200},
		{name: "exactly at the limit", contentType: jsonCT, body: pad(`{"name":"ok"}`, 2048), status: 200},
		{name: "exactly at the limit chunked", contentType: jsonCT, body: pad(`{"name":"ok"}`, 2048), chunked: true, status: 200},

		{name: "missing content type", body: `{"name":"ok"}`, status: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "text/plain", contentType: "text/plain", body: `{"name":"ok"}`, status: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "form", contentType: "application/x-www-form-urlencoded", body: `name=ok`, status: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "json-like type", contentType: "application/json-patch+json", body: `{"name":"ok"}`, status: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "garbage content type", contentType: ";;;", body: `{"name":"ok"}`, status: 415, code: "UNSUPPORTED_MEDIA_TYPE"},

		{name: "malformed", contentType: jsonCT, body: `{"name":`, status: 400, code: "MALFORMED_JSON"},
		{name: "unquoted key", contentType: jsonCT, body: `{name:"ok"}`, status: 400, code: "MALFORMED_JSON"},
		{name: "trailing garbage", contentType: jsonCT, body: `{"name":"ok"} garbage`, status: 400, code: "MALFORMED_JSON"},
		{name: "two objects", contentType: jsonCT, body: `{"name":"ok"}{"name":"ok"}`, status: 400, code: "MALFORMED_JSON"},
		{name: "empty body", contentType: jsonCT, body: ``, status: 400, code: "MALFORMED_JSON"},
		{name: "only white space", contentType: jsonCT, body: "  \n ", status: 400, code: "MALFORMED_JSON"},
		{name: "array instead of object", contentType: jsonCT, body: `[]`, status: 400, code: "MALFORMED_JSON"},
		{name: "string instead of object", contentType: jsonCT, body: `"x"`, status: 400, code: "MALFORMED_JSON"},

		{name: "unknown field", contentType: jsonCT, body: `{"name":"ok","is_admin":true}`, status: 422, code: "VALIDATION_ERROR", field: "is_admin", fieldSays: "not a known field"},
		{name: "unknown nested field", contentType: jsonCT, body: `{"name":"ok","inner":{"evil":1}}`, status: 422, code: "VALIDATION_ERROR", field: "inner.evil", fieldSays: "not a known field"},
		{name: "string as number", contentType: jsonCT, body: `{"name":5}`, status: 422, code: "VALIDATION_ERROR", field: "name", fieldSays: "string"},
		{name: "number as string", contentType: jsonCT, body: `{"name":"ok","count":"3"}`, status: 422, code: "VALIDATION_ERROR", field: "count", fieldSays: "number"},
		{name: "object as list", contentType: jsonCT, body: `{"name":"ok","tags":{}}`, status: 422, code: "VALIDATION_ERROR", field: "tags", fieldSays: "list"},
		{name: "number overflows int", contentType: jsonCT, body: `{"name":"ok","count":99999999999999999999}`, status: 422, code: "VALIDATION_ERROR", field: "count"},
		{name: "fraction for int", contentType: jsonCT, body: `{"name":"ok","count":1.5}`, status: 422, code: "VALIDATION_ERROR", field: "count"},
		{name: "nested wrong type", contentType: jsonCT, body: `{"name":"ok","inner":{"note":1}}`, status: 422, code: "VALIDATION_ERROR", field: "inner.note", fieldSays: "string"},
		{name: "NUL byte", contentType: jsonCT, body: `{"name":"a\u0000b"}`, status: 422, code: "VALIDATION_ERROR", field: "name", fieldSays: "NUL"},
		{name: "NUL byte nested", contentType: jsonCT, body: `{"name":"ok","inner":{"note":"\u0000"}}`, status: 422, code: "VALIDATION_ERROR", field: "inner.note", fieldSays: "NUL"},
		{name: "NUL byte in list", contentType: jsonCT, body: `{"name":"ok","tags":["x\u0000"]}`, status: 422, code: "VALIDATION_ERROR", field: "tags", fieldSays: "NUL"},
		{name: "over-long string", contentType: jsonCT, body: `{"name":"abcdefghijk"}`, status: 422, code: "VALIDATION_ERROR", field: "name", fieldSays: "at most 10"},
		{name: "over-long multibyte string", contentType: jsonCT, body: `{"name":"ééééééééééé"}`, status: 422, code: "VALIDATION_ERROR", field: "name", fieldSays: "at most 10"},
		{name: "over-long nested string", contentType: jsonCT, body: `{"name":"ok","inner":{"note":"` + strings.Repeat("x", 21) + `"}}`, status: 422, code: "VALIDATION_ERROR", field: "inner.note"},
		{name: "too many list items", contentType: jsonCT, body: `{"name":"ok","tags":["a","b","c","d"]}`, status: 422, code: "VALIDATION_ERROR", field: "tags"},
		{name: "required missing", contentType: jsonCT, body: `{}`, status: 422, code: "VALIDATION_ERROR", field: "name", fieldSays: "required"},
		{name: "null body", contentType: jsonCT, body: `null`, status: 400, code: "MALFORMED_JSON"},
		{name: "number body", contentType: jsonCT, body: `5`, status: 400, code: "MALFORMED_JSON"},

		// Bodies other parsers would read differently from encoding/json are refused.
		{name: "mis-cased key", contentType: jsonCT, body: `{"Name":"ok"}`, status: 422, code: "VALIDATION_ERROR", field: "Name", fieldSays: "not a known field"},
		{name: "mis-cased twin of a key", contentType: jsonCT, body: `{"name":"ok","NAME":"evil"}`, status: 422, code: "VALIDATION_ERROR", field: "NAME", fieldSays: "not a known field"},
		{name: "mis-cased nested key", contentType: jsonCT, body: `{"name":"ok","inner":{"Note":"x"}}`, status: 422, code: "VALIDATION_ERROR", field: "inner.Note", fieldSays: "not a known field"},
		{name: "repeated key", contentType: jsonCT, body: `{"name":"ok","name":"evil"}`, status: 422, code: "VALIDATION_ERROR", field: "name", fieldSays: "more than once"},
		{name: "repeated nested key", contentType: jsonCT, body: `{"name":"ok","inner":{"note":"a","note":"b"}}`, status: 422, code: "VALIDATION_ERROR", field: "inner.note", fieldSays: "more than once"},
		{name: "invalid UTF-8", contentType: jsonCT, body: "{\"name\":\"a\xffb\"}", status: 400, code: "MALFORMED_JSON"},
		{name: "lone high surrogate", contentType: jsonCT, body: `{"name":"a\ud800"}`, status: 422, code: "VALIDATION_ERROR", field: "name", fieldSays: "valid text"},
		{name: "lone low surrogate", contentType: jsonCT, body: `{"name":"\udc00a"}`, status: 422, code: "VALIDATION_ERROR", field: "name", fieldSays: "valid text"},
		{name: "high surrogate before a non-surrogate", contentType: jsonCT, body: `{"name":"\ud800\u0041"}`, status: 422, code: "VALIDATION_ERROR", field: "name", fieldSays: "valid text"},
		{name: "lone surrogate in a list", contentType: jsonCT, body: `{"name":"ok","tags":["\udfff"]}`, status: 422, code: "VALIDATION_ERROR", field: "tags", fieldSays: "valid text"},
		{name: "deep nesting", contentType: jsonCT, body: `{"name":"ok","x":` + strings.Repeat("[", 1000) + strings.Repeat("]", 1000) + `}`, status: 400, code: "MALFORMED_JSON"},
		{name: "surrogate pair", contentType: jsonCT, body: `{"name":"\ud83d\ude00"}`, status: 200},
		{name: "real U+FFFD and an escaped backslash", contentType: jsonCT, body: `{"name":"\ufffd\\ud800"}`, status: 200},
		{name: "charset other than UTF-8", contentType: "application/json; charset=latin1", body: `{"name":"ok"}`, status: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "charset UTF-8 upper case", contentType: "application/json; charset=UTF-8", body: `{"name":"ok"}`, status: 200},

		{name: "over the limit with Content-Length", contentType: jsonCT, body: pad(`{"name":"ok"}`, 2049), status: 413, code: "BODY_TOO_LARGE"},
		{name: "over the limit chunked, padding", contentType: jsonCT, body: pad(`{"name":"ok"}`, 2049), chunked: true, status: 413, code: "BODY_TOO_LARGE"},
		{name: "over the limit chunked, inside a string", contentType: jsonCT, body: `{"name":"` + strings.Repeat("a", 4000) + `"}`, chunked: true, status: 413, code: "BODY_TOO_LARGE"},
		{name: "far over the limit with Content-Length", contentType: jsonCT, body: `{"name":"` + strings.Repeat("a", 100_000) + `"}`, status: 413, code: "BODY_TOO_LARGE"},
		{name: "far over the limit chunked", contentType: jsonCT, body: `{"name":"` + strings.Repeat("a", 100_000) + `"}`, chunked: true, status: 413, code: "BODY_TOO_LARGE"},
		{name: "wrong content type wins over size", body: strings.Repeat("x", 4000), chunked: true, status: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hdr := map[string]string{}
			if tc.contentType != "" {
				hdr["Content-Type"] = tc.contentType
			}
			r := send(t, app, request{method: http.MethodPost, path: "/api/test/bind", header: hdr, body: tc.body, chunked: tc.chunked})
			wantLen := strconv.Itoa(len(tc.body))
			if tc.chunked {
				wantLen = "-1" // unknown: only the MaxBytesReader can stop it
			}
			if seen := r.Header.Get("X-Test-Content-Length"); seen != "" && seen != wantLen {
				t.Fatalf("server saw Content-Length %s, want %s", seen, wantLen)
			}
			if tc.code == "" {
				if r.Status != tc.status {
					t.Fatalf("status %d, want %d; body: %s", r.Status, tc.status, r.Body)
				}
				var got bindRequest
				if err := json.Unmarshal(r.Body, &got); err != nil || got.Name == "" {
					t.Fatalf("handler did not get the bound value: %v: %s", err, r.Body)
				}
				return
			}
			details := expectErrorBody(t, r.Status, r.Header, r.Body, tc.status, tc.code)
			if tc.code == "VALIDATION_ERROR" && len(details) == 0 {
				t.Fatalf("422 without field details: %s", r.Body)
			}
			if tc.field != "" {
				msg, ok := details[tc.field].(string)
				if !ok {
					t.Fatalf("details %v do not name field %q", details, tc.field)
				}
				if !strings.Contains(msg, tc.fieldSays) {
					t.Errorf("details[%q] = %q, want it to mention %q", tc.field, msg, tc.fieldSays)
				}
			}
		})
	}
}

func TestRoutingErrors(t *testing.T) {
	t.Parallel()
	app := start(t, nil)
	cases := []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/api/nope", 404, "NOT_FOUND"},
		{"POST", "/api/nope", 404, "NOT_FOUND"},
		{"GET", "/api", 404, "NOT_FOUND"},
		{"GET", "/api/test/bind/extra", 404, "NOT_FOUND"},
		{"GET", "/api/test/bind", 405, "METHOD_NOT_ALLOWED"},
		{"DELETE", "/api/health", 405, "METHOD_NOT_ALLOWED"},
		{"PUT", "/api/test/echo", 405, "METHOD_NOT_ALLOWED"},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			t.Parallel()
			r := app.Client().Do(tc.method, tc.path, nil)
			expectErrorBody(t, r.Status, r.Header, r.Body, tc.status, tc.code)
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	app := start(t, testkit.Env{"FS_WEB_DIR": webDir(t)})
	hsts := start(t, testkit.Env{"FS_BASE_URL": "https://app.example.com"})
	cases := []struct {
		name string
		app  *testkit.App
		path string
		want map[string]string // header → required substring ("" = must be absent)
	}{
		{"api json", app, "/api/health", map[string]string{
			"X-Content-Type-Options":    "nosniff",
			"X-Frame-Options":           "DENY",
			"Content-Security-Policy":   "default-src 'none'",
			"Cache-Control":             "no-store",
			"Referrer-Policy":           "strict-origin-when-cross-origin",
			"Strict-Transport-Security": "",
		}},
		{"api error", app, "/api/nope", map[string]string{
			"X-Content-Type-Options":  "nosniff",
			"X-Frame-Options":         "DENY",
			"Content-Security-Policy": "default-src 'none'",
		}},
		{"api docs page", app, "/api/docs", map[string]string{
			"X-Content-Type-Options":  "nosniff",
			"X-Frame-Options":         "DENY",
			"Content-Security-Policy": "default-src 'self'",
		}},
		{"dashboard page", app, "/app/settings", map[string]string{
			"X-Content-Type-Options":  "nosniff",
			"X-Frame-Options":         "DENY",
			"Content-Security-Policy": "frame-ancestors 'none'",
		}},
		{"https base URL sends HSTS", hsts, "/api/health", map[string]string{
			"Strict-Transport-Security": "max-age=",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := tc.app.Client().Get(tc.path)
			if r.Status >= 500 {
				t.Fatalf("status %d", r.Status)
			}
			for h, want := range tc.want {
				got := r.Header.Get(h)
				switch {
				case want == "" && got != "":
					t.Errorf("%s = %q, want it absent", h, got)
				case want != "" && !strings.Contains(got, want):
					t.Errorf("%s = %q, want it to contain %q", h, got, want)
				}
			}
		})
	}
}

func TestRequestID(t *testing.T) {
	t.Parallel()
	app := start(t, nil)
	long64 := strings.Repeat("a", 64)
	cases := []struct {
		name, sent string
		echoed     bool
	}{
		{"plain id is echoed", "req-123_ABC.x", true},
		{"64 characters is echoed", long64, true},
		{"65 characters is replaced", long64 + "b", false},
		{"spaces are replaced", "abc def", false},
		{"tab is replaced", "abc\tdef", false},
		{"non-ASCII is replaced", "ünïcode", false},
		{"log injection is replaced", `x" level=ERROR msg="forged`, false},
		{"missing gets one", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hdr := map[string]string{}
			if tc.sent != "" {
				hdr["X-Request-Id"] = tc.sent
			}
			// An error response, so the body's request_id is checked too.
			r := send(t, app, request{method: "GET", path: "/api/nope", header: hdr})
			expectErrorBody(t, r.Status, r.Header, r.Body, 404, "NOT_FOUND")
			got := r.Header.Get("X-Request-Id")
			if tc.echoed {
				if got != tc.sent {
					t.Errorf("X-Request-Id %q, want %q echoed", got, tc.sent)
				}
				return
			}
			if got == tc.sent {
				t.Errorf("X-Request-Id %q echoed, want it replaced", got)
			}
			if _, err := uuid.Parse(got); err != nil {
				t.Errorf("generated X-Request-Id %q is not a UUID: %v", got, err)
			}
		})
	}
	t.Run("newline via header folding never comes back", func(t *testing.T) {
		t.Parallel()
		u, _ := url.Parse(app.URL)
		r := rawHTTP(t, app, "GET /api/health HTTP/1.1\r\nHost: "+u.Host+"\r\nX-Request-Id: abc\r\n forged\r\nConnection: close\r\n\r\n")
		if r.Status == 200 {
			if got := r.Header.Get("X-Request-Id"); strings.Contains(got, "forged") || strings.Contains(got, "abc") {
				t.Errorf("folded X-Request-Id came back as %q", got)
			}
		} else if r.Status != 400 {
			t.Errorf("status %d, want 200 with a fresh id or 400", r.Status)
		}
	})
	t.Run("successive requests get distinct ids", func(t *testing.T) {
		t.Parallel()
		c := app.Client()
		a, b := c.Get("/api/health").Header.Get("X-Request-Id"), c.Get("/api/health").Header.Get("X-Request-Id")
		if a == "" || a == b {
			t.Errorf("ids %q and %q, want two distinct ones", a, b)
		}
	})
}

func TestHealthReadyAndDocs(t *testing.T) {
	t.Parallel()
	app := start(t, nil)
	c := app.Client()

	if m := c.Get("/api/health").Expect(200).Map(); m["status"] != "ok" {
		t.Errorf("health body %v", m)
	}
	if m := c.Get("/api/ready").Expect(200).Map(); m["status"] != "ok" || m["database"] != "ok" {
		t.Errorf("ready body %v, want status ok and database ok", m)
	}

	spec := c.Get("/api/openapi.json").Expect(200)
	if ct := spec.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("openapi.json Content-Type %q", ct)
	}
	if m := spec.Map(); m["paths"] == nil || (m["swagger"] == nil && m["openapi"] == nil) {
		t.Errorf("openapi.json lacks swagger/openapi and paths: %.200s", spec.Body)
	}

	docs := c.Get("/api/docs").Expect(200)
	if ct := docs.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("/api/docs Content-Type %q, want text/html", ct)
	}
	if !strings.Contains(string(docs.Body), "swagger-ui") {
		t.Errorf("/api/docs is not the Swagger UI page: %.200s", docs.Body)
	}
	// The page's assets are served too (the CSP forbids loading them elsewhere).
	for _, asset := range []string{"/api/docs/init.js", "/api/docs/swagger-ui.css", "/api/docs/swagger-ui-bundle.js"} {
		if r := c.Get(asset); r.Status != 200 || len(r.Body) == 0 {
			t.Errorf("GET %s: status %d, %d bytes", asset, r.Status, len(r.Body))
		}
	}
}

func TestReadyReportsDatabaseDown(t *testing.T) {
	t.Parallel()
	app := start(t, nil)
	if err := app.DB.Close(); err != nil {
		t.Fatal(err)
	}
	r := app.Client().Get("/api/ready").Expect(503)
	if m := r.Map(); m["database"] != "unreachable" {
		t.Errorf("ready body %v, want database unreachable", m)
	}
	app.Client().Get("/api/health").Expect(200) // liveness does not depend on the database
}

// A server whose schema lacks its newest migration would fail at the first query
// needing it (seen: login answered 500 after `migrate down`); readiness says so.
func TestReadyReportsSchemaBehind(t *testing.T) {
	t.Parallel()
	app := start(t, nil)
	ctx := context.Background()
	reverted, err := app.DB.MigrateDown(ctx)
	if err != nil || reverted == "" {
		t.Fatalf("migrate down: %q %v", reverted, err)
	}
	if m := app.Client().Get("/api/ready").Expect(503).Map(); m["database"] != "schema_behind" {
		t.Errorf("ready body %v, want database schema_behind", m)
	}
	if _, err := app.DB.MigrateUp(ctx); err != nil {
		t.Fatal(err)
	}
	if m := app.Client().Get("/api/ready").Expect(200).Map(); m["database"] != "ok" {
		t.Errorf("ready body %v after migrate up", m)
	}
}

func TestCORS(t *testing.T) {
	t.Parallel()
	const trusted = "https://app.example.com"
	app := start(t, testkit.Env{"FS_CORS_ORIGINS": trusted})
	cases := []struct {
		name       string
		method     string
		path       string
		origin     string
		preflight  bool
		wantStatus int
		wantACAO   bool
	}{
		{"trusted origin", "GET", "/api/health", trusted, false, 200, true},
		{"trusted origin on an error", "GET", "/api/nope", trusted, false, 404, true},
		{"trusted preflight", "OPTIONS", "/api/test/echo", trusted, true, 204, true},
		{"other origin", "GET", "/api/health", "https://evil.example", false, 200, false},
		{"suffix of the trusted origin", "GET", "/api/health", trusted + ".evil.example", false, 200, false},
		{"other scheme", "GET", "/api/health", "http://app.example.com", false, 200, false},
		{"null origin", "GET", "/api/health", "null", false, 200, false},
		{"other origin preflight", "OPTIONS", "/api/test/echo", "https://evil.example", true, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hdr := map[string]string{"Origin": tc.origin}
			if tc.preflight {
				hdr["Access-Control-Request-Method"] = "POST"
				hdr["Access-Control-Request-Headers"] = "content-type"
			}
			r := send(t, app, request{method: tc.method, path: tc.path, header: hdr})
			if tc.wantStatus != 0 && r.Status != tc.wantStatus {
				t.Fatalf("status %d, want %d; body %s", r.Status, tc.wantStatus, r.Body)
			}
			acao, acac := r.Header.Get("Access-Control-Allow-Origin"), r.Header.Get("Access-Control-Allow-Credentials")
			if !tc.wantACAO {
				if acao != "" || acac != "" {
					t.Errorf("untrusted origin got ACAO %q, ACAC %q", acao, acac)
				}
				if tc.preflight && r.Status == 204 {
					t.Errorf("untrusted preflight answered 204")
				}
				return
			}
			if acao != tc.origin || acac != "true" {
				t.Errorf("ACAO %q, ACAC %q; want %q and true", acao, acac, tc.origin)
			}
			if !slices.Contains(r.Header.Values("Vary"), "Origin") {
				t.Errorf("Vary %q lacks Origin", r.Header.Values("Vary"))
			}
			if tc.preflight {
				if m := r.Header.Get("Access-Control-Allow-Methods"); !strings.Contains(m, "POST") {
					t.Errorf("Allow-Methods %q lacks POST", m)
				}
				if h := strings.ToLower(r.Header.Get("Access-Control-Allow-Headers")); !strings.Contains(h, "content-type") {
					t.Errorf("Allow-Headers %q lacks Content-Type", h)
				}
			}
		})
	}
}

func TestCrossOriginProtection(t *testing.T) {
	t.Parallel()
	const trusted = "https://app.example.com"
	app := start(t, testkit.Env{"FS_CORS_ORIGINS": trusted})
	self := app.URL // the Origin a same-origin page sends
	cases := []struct {
		name     string
		method   string
		path     string
		header   map[string]string
		rejected bool
	}{
		{"POST cross-site", "POST", "/api/test/echo", map[string]string{"Sec-Fetch-Site": "cross-site"}, true},
		{"POST same-site is still another origin", "POST", "/api/test/echo", map[string]string{"Sec-Fetch-Site": "same-site"}, true},
		{"PATCH cross-site", "PATCH", "/api/test/echo", map[string]string{"Sec-Fetch-Site": "cross-site"}, true},
		{"DELETE cross-site", "DELETE", "/api/test/echo", map[string]string{"Sec-Fetch-Site": "cross-site"}, true},
		{"POST from another Origin, old browser", "POST", "/api/test/echo", map[string]string{"Origin": "https://evil.example"}, true},
		{"cross-site POST to an unknown path", "POST", "/api/nope", map[string]string{"Sec-Fetch-Site": "cross-site"}, true},

		{"POST same-origin", "POST", "/api/test/echo", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": self}, false},
		{"POST typed URL (none)", "POST", "/api/test/echo", map[string]string{"Sec-Fetch-Site": "none"}, false},
		{"POST with Origin matching Host", "POST", "/api/test/echo", map[string]string{"Origin": self}, false},
		{"POST from the trusted origin, cross-site", "POST", "/api/test/echo", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": trusted}, false},
		{"POST from the trusted origin, old browser", "POST", "/api/test/echo", map[string]string{"Origin": trusted}, false},
		{"POST without browser headers (curl)", "POST", "/api/test/echo", nil, false},
		{"GET cross-site", "GET", "/api/health", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hdr := map[string]string{"Content-Type": "application/json", "X-Request-Id": "xo-check"}
			for k, v := range tc.header {
				hdr[k] = v
			}
			r := send(t, app, request{method: tc.method, path: tc.path, header: hdr, body: `{}`})
			if tc.rejected {
				expectErrorBody(t, r.Status, r.Header, r.Body, 403, "CROSS_ORIGIN_REJECTED")
				// A rejection is an API response like any other.
				if got := r.Header.Get("X-Request-Id"); got != "xo-check" {
					t.Errorf("X-Request-Id %q, want the client's sane id echoed", got)
				}
				for h, want := range map[string]string{
					"X-Content-Type-Options":  "nosniff",
					"X-Frame-Options":         "DENY",
					"Content-Security-Policy": "default-src 'none'",
					"Cache-Control":           "no-store",
				} {
					if got := r.Header.Get(h); !strings.Contains(got, want) {
						t.Errorf("%s = %q, want %q", h, got, want)
					}
				}
				return
			}
			if r.Status == 403 {
				t.Fatalf("rejected: %s", r.Body)
			}
			if tc.path == "/api/test/echo" && r.Status != 200 {
				t.Fatalf("status %d, want 200; body %s", r.Status, r.Body)
			}
		})
	}
}

// webDir writes a small dashboard build and, beside it, a file no URL may reach.
func webDir(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"secret.txt":                     secret,
		"web/index.html":                 "<!doctype html><title>SPA INDEX</title>",
		"web/about.html":                 "<!doctype html><title>ABOUT PAGE</title>",
		"web/_app/immutable/x.js":        "console.log('immutable chunk')",
		"web/favicon.png":                "png",
		"landing/index.html":             "<!doctype html><title>LANDING</title>",
		"landing/pricing.html":           "<!doctype html><title>PRICING</title>",
		"landing/404.html":               "<!doctype html><title>LANDING 404</title>",
		"landing/_app/immutable/l.css":   "body{}",
		"landing/docs/intro/index.html":  "<!doctype html><title>INTRO</title>",
		"landing/docs/intro/ignored.txt": "",
	}
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(root, "web")
}

func TestStaticPages(t *testing.T) {
	t.Parallel()
	web := webDir(t)
	app := start(t, testkit.Env{"FS_WEB_DIR": web, "FS_LANDING_DIR": filepath.Join(filepath.Dir(web), "landing")})
	cases := []struct {
		path      string
		status    int
		body      string // required substring
		cache     string // required Cache-Control substring
		location  string
		mediaType string
	}{
		{path: "/app/some/route", status: 200, body: "SPA INDEX", cache: "no-cache", mediaType: "text/html"},
		{path: "/app/", status: 200, body: "SPA INDEX", mediaType: "text/html"},
		{path: "/app", status: 301, location: "/app/"},
		{path: "/app/about", status: 200, body: "ABOUT PAGE", mediaType: "text/html"},
		{path: "/app/_app/immutable/x.js", status: 200, body: "immutable chunk", cache: "immutable", mediaType: "javascript"},
		{path: "/app/favicon.png", status: 200, body: "png"},
		{path: "/", status: 200, body: "LANDING", mediaType: "text/html"},
		{path: "/pricing", status: 200, body: "PRICING"},
		{path: "/docs/intro", status: 200, body: "INTRO"},
		{path: "/_app/immutable/l.css", status: 200, cache: "immutable", mediaType: "text/css"},
		{path: "/no/such/page", status: 404, body: "LANDING 404"},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			r := app.Client().Get(tc.path)
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d; body %.200s", r.Status, tc.status, r.Body)
			}
			if !strings.Contains(string(r.Body), tc.body) {
				t.Errorf("body %.200q lacks %q", r.Body, tc.body)
			}
			if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, tc.cache) {
				t.Errorf("Cache-Control %q lacks %q", cc, tc.cache)
			}
			if tc.location != "" && r.Header.Get("Location") != tc.location {
				t.Errorf("Location %q, want %q", r.Header.Get("Location"), tc.location)
			}
			if ct := r.Header.Get("Content-Type"); !strings.Contains(ct, tc.mediaType) {
				t.Errorf("Content-Type %q lacks %q", ct, tc.mediaType)
			}
		})
	}

	t.Run("unsafe method on a page is a JSON 404", func(t *testing.T) {
		t.Parallel()
		r := app.Client().Post("/app/some/route", map[string]any{})
		expectErrorBody(t, r.Status, r.Header, r.Body, 404, "NOT_FOUND")
	})

	// Sent over raw TCP so the dot segments reach the server exactly as written.
	traversals := []string{
		"/app/../secret.txt",
		"/app/../../secret.txt",
		"/app/../../../../../../etc/passwd",
		"/app/%2e%2e/secret.txt",
		"/app/..%2fsecret.txt",
		"/app/_app/../../secret.txt",
		"/../secret.txt",
		"/..%2fsecret.txt",
		"/app/..\\secret.txt",
	}
	u, _ := url.Parse(app.URL)
	for _, p := range traversals {
		t.Run("traversal "+p, func(t *testing.T) {
			t.Parallel()
			r := rawHTTP(t, app, "GET "+p+" HTTP/1.1\r\nHost: "+u.Host+"\r\nConnection: close\r\n\r\n")
			if strings.Contains(string(r.Body), secret) || strings.Contains(string(r.Body), "root:") {
				t.Fatalf("status %d served a file outside the web folder: %.200s", r.Status, r.Body)
			}
			if r.Status >= 500 {
				t.Errorf("status %d", r.Status)
			}
			if strings.Contains(p, "..") && !strings.Contains(p, "%") && (r.Status != 404 || !strings.Contains(string(r.Body), "NOT_FOUND")) {
				t.Errorf("dot segments answered %d %.100s, want the JSON 404", r.Status, r.Body)
			}
		})
	}
}

func TestStaticPagesNotBuilt(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "missing")
	app := start(t, testkit.Env{"FS_WEB_DIR": missing, "FS_LANDING_DIR": missing})
	for _, p := range []string{"/app/", "/app/some/route", "/"} {
		t.Run(p, func(t *testing.T) {
			t.Parallel()
			r := app.Client().Get(p).Expect(200)
			if !strings.Contains(string(r.Body), "not built") {
				t.Errorf("body lacks the not-built hint: %.300s", r.Body)
			}
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("Content-Type %q, want text/html", ct)
			}
		})
	}
	// Unknown API paths stay JSON when the pages are missing.
	r := app.Client().Get("/api/nope")
	expectErrorBody(t, r.Status, r.Header, r.Body, 404, "NOT_FOUND")
}

func TestMissingAssetIs404NotIndex(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<html>spa</html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	app := testkit.Start(t, fx.Options(), testkit.Env{"FS_WEB_DIR": dir})
	r := app.Client().Get("/app/_app/immutable/missing.js")
	if r.Status != 404 || strings.Contains(string(r.Body), "spa") {
		t.Fatalf("missing asset: status %d body %q", r.Status, r.Body)
	}
	app.Client().Get("/app/settings/profile").Expect(200)
}

func TestParsePage(t *testing.T) {
	app := testkit.Start(t, fx.Options(), nil, fx.Invoke(func(r *httpserver.Router) {
		r.API.GET("/test/page", func(c *gin.Context) {
			p, err := httpserver.ParsePage(c)
			if err != nil {
				httpserver.Fail(c, err)
				return
			}
			c.JSON(200, gin.H{"limit": p.Limit, "offset": p.Offset})
		})
	}))
	c := app.Client()
	for q, want := range map[string][2]float64{"": {20, 0}, "?limit=1&offset=0": {1, 0}, "?limit=100&offset=5000": {100, 5000}} {
		got := c.Get("/api/test/page" + q).Expect(200).Map()
		if got["limit"] != want[0] || got["offset"] != want[1] {
			t.Errorf("%q = %v, want %v", q, got, want)
		}
	}
	for q, field := range map[string]string{"?limit=0": "limit", "?limit=101": "limit", "?limit=x": "limit", "?offset=-1": "offset", "?offset=1e3": "offset", "?limit=99999999999999999999": "limit"} {
		if d := c.Get("/api/test/page"+q).ExpectError(422, "VALIDATION_ERROR"); d[field] == nil {
			t.Errorf("%q: details %v do not name %s", q, d, field)
		}
	}
}

func TestHeadProbesAndTooLargeMessage(t *testing.T) {
	app := testkit.Start(t, fx.Options(), testkit.Env{"FS_BODY_LIMIT_BYTES": "2048"})
	c := app.Client()
	for _, p := range []string{"/api/health", "/api/ready"} {
		if r := c.Do(http.MethodHead, p, nil); r.Status != 200 {
			t.Errorf("HEAD %s = %d, want 200 (uptime checkers probe with HEAD)", p, r.Status)
		}
	}
	r := c.Post("/api/nope", testkit.Raw(strings.Repeat("x", 4096)))
	r.ExpectError(413, "BODY_TOO_LARGE")
	if msg := r.Map()["message"].(string); !strings.Contains(msg, "2048 bytes") {
		t.Fatalf("413 message does not state the limit: %q", msg)
	}
}
