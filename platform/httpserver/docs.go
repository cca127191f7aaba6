package httpserver

import (
	"net/http"

	"github.com/gin-gonic/gin"
	swaggerfiles "github.com/swaggo/files/v2"

	"github.com/fastsvelte/fastsvelte/docs/openapi"
)

// The Swagger UI page loads its initialiser from a file rather than an inline
// script so the page works under a CSP without 'unsafe-inline'.
const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>API docs</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`

const docsInit = `window.ui = SwaggerUIBundle({url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true});`

func registerDocs(api *gin.RouterGroup) {
	api.GET("/openapi.json", func(c *gin.Context) {
		c.Data(http.StatusOK, "application/json", openapi.JSON)
	})
	docsCSP := func(c *gin.Context) {
		c.Header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'")
	}
	api.GET("/docs", docsCSP, func(c *gin.Context) {
		c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(docsPage))
	})
	api.GET("/docs/init.js", docsCSP, func(c *gin.Context) {
		c.Data(http.StatusOK, "text/javascript; charset=utf-8", []byte(docsInit))
	})
	files := http.FileServerFS(swaggerfiles.FS)
	for _, name := range []string{"swagger-ui.css", "swagger-ui-bundle.js"} {
		api.GET("/docs/"+name, docsCSP, func(c *gin.Context) {
			c.Request.URL.Path = "/" + name
			files.ServeHTTP(c.Writer, c.Request)
		})
	}
}
