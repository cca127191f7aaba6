package httpserver

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fastsvelte/fastsvelte/platform/apperr"
)

// Page is a validated ?limit=&offset= pair (API.md "Lists").
type Page struct {
	Limit  int
	Offset int
}

// ParsePage reads ?limit= (1–100, default 20) and ?offset= (≥ 0, default 0);
// anything else is a 422 naming the parameter.
func ParsePage(c *gin.Context) (Page, error) {
	p := Page{Limit: 20}
	fields := map[string]string{}
	if v, ok := c.GetQuery("limit"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			fields["limit"] = "must be a whole number from 1 to 100"
		}
		p.Limit = n
	}
	if v, ok := c.GetQuery("offset"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			fields["offset"] = "must be a whole number, 0 or more"
		}
		p.Offset = n
	}
	if len(fields) > 0 {
		return Page{}, apperr.Validation(fields)
	}
	return p, nil
}
