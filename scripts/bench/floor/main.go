// Command floor is the benchmark floor for GET /api/users/me: a bare net/http
// server with a pgx pool that runs only the session lookup query the real server
// runs first. Comparing the two shows what the framework, middleware and the
// remaining queries cost. Usage: floor -db URL -addr 127.0.0.1:8001
package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

func main() {
	dbURL := flag.String("db", "", "PostgreSQL URL")
	addr := flag.String("addr", "127.0.0.1:8001", "listen address")
	cookie := flag.String("cookie", "fs_session", "session cookie name")
	flag.Parse()
	pool, err := pgxpool.New(context.Background(), *dbURL)
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/api/users/me", func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(*cookie)
		if err != nil {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		sum := sha256.Sum256([]byte(c.Value))
		var id []byte
		var userID uuid.UUID
		var org uuid.NullUUID
		var lastSeen time.Time
		err = pool.QueryRow(r.Context(),
			`SELECT id, user_id, active_organization_id, last_seen_at FROM sessions WHERE id = $1 AND expires_at > $2`,
			sum[:], time.Now()).Scan(&id, &userID, &org, &lastSeen)
		if err != nil {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"user_id": userID, "organization_id": org.UUID})
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
