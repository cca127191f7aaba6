// Package openapi embeds the OpenAPI (Swagger 2.0) document that swag generates from
// the handler annotations (`go tool task openapi`), so the binary serves the exact
// spec the dashboard client was generated from.
package openapi

import _ "embed"

// JSON is docs/openapi/swagger.json.
//
//go:embed swagger.json
var JSON []byte
