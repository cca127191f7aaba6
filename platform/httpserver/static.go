package httpserver

import (
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fastsvelte/fastsvelte/platform/apperr"
	"github.com/fastsvelte/fastsvelte/platform/config"
)

// notBuilt is shown when the SvelteKit builds are missing, so a developer who runs
// only the Go server learns what to do instead of seeing a bare 404.
const notBuilt = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>%s</title></head>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>The API is running</h1><p>The %s is not built. Run <code>go tool task web:build</code>
(or <code>go tool task dev</code>, which builds everything) and reload.</p>
<p>API documentation: <a href="/api/docs">/api/docs</a>.</p></body></html>`

// staticPages serves the dashboard SPA under /app/ (unknown paths fall back to its
// index.html so client-side routes survive a reload) and the landing site at /.
// Unknown /api paths answer the JSON 404, never HTML.
func staticPages(cfg *config.Config) gin.HandlerFunc {
	return func(c *gin.Context) {
		p := c.Request.URL.Path
		switch {
		// Dot segments never name a page; answering here also keeps http.ServeFile
		// from replying with its own plain-text 400.
		case strings.HasPrefix(p, "/api/") || p == "/api" || strings.Contains(p, ".."):
			Fail(c, apperr.ErrNotFound)
		case c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead:
			Fail(c, apperr.ErrNotFound)
		case p == "/app":
			c.Redirect(http.StatusMovedPermanently, "/app/")
		case strings.HasPrefix(p, "/app/"):
			serveDir(c, cfg.WebDir, strings.TrimPrefix(p, "/app"), true, "dashboard")
		default:
			serveDir(c, cfg.LandingDir, p, false, "landing site")
		}
	}
}

func serveDir(c *gin.Context, dir, urlPath string, spaFallback bool, what string) {
	index := filepath.Join(dir, "index.html")
	if _, err := os.Stat(index); err != nil {
		c.Header("Content-Type", "text/html; charset=utf-8")
		c.String(http.StatusOK, notBuilt, what, what)
		return
	}
	// SvelteKit's static output runs an inline bootstrap script.
	c.Header("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'")
	clean := path.Clean("/" + urlPath)
	for _, candidate := range []string{clean, clean + ".html", path.Join(clean, "index.html")} {
		f := filepath.Join(dir, filepath.FromSlash(candidate))
		if st, err := os.Stat(f); err == nil && !st.IsDir() {
			if strings.Contains(candidate, "/_app/immutable/") {
				c.Header("Cache-Control", "public, max-age=31536000, immutable")
			}
			c.File(f)
			return
		}
	}
	// A missing asset must be a 404: answering index.html would make the browser
	// report a confusing MIME error instead.
	if spaFallback && !strings.HasPrefix(clean, "/_app/") {
		c.Header("Cache-Control", "no-cache")
		c.File(index)
		return
	}
	if body, err := os.ReadFile(filepath.Join(dir, "404.html")); err == nil {
		c.Data(http.StatusNotFound, "text/html; charset=utf-8", body)
		return
	}
	c.String(http.StatusNotFound, "Not found")
}
