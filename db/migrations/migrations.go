// Package migrations embeds the SQL migrations, the single source of truth for the
// schema. Files are NNNN_name.up.sql / NNNN_name.down.sql; each runs in its own
// transaction together with the bookkeeping row, so a failed migration leaves no trace.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
