// Command floor is the benchmark floor for GET /api/users/me: a bare net/http
// server with a pgx pool that runs only the session lookup query the real server
// runs first. Comparing the two shows what the framework, middleware and the
// remaining queries cost. With -full it also runs the user and memberships
// queries the real server runs, so the remaining gap is the framework alone.
// Usage: floor -db URL -addr 127.0.0.1:8001 [-full]
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

// The same statements as platform/sessions, modules/auth and modules/orgs use on
// every authenticated /users/me, so -full pays the same round trips.
const (
	sessionQuery = `SELECT id, user_id, active_organization_id, last_seen_at FROM sessions WHERE id = $1 AND expires_at > $2`
	userQuery    = `SELECT id, email, email_normalized, password_hash, first_name, last_name,
		email_verified_at, is_sys_admin, suspended_at, deleted_at, created_at, updated_at FROM users WHERE id = $1`
	membershipsQuery = `SELECT m.organization_id, o.name, m.role
		FROM memberships AS m JOIN organizations AS o ON o.id = m.organization_id
		WHERE m.user_id = $1 ORDER BY m.created_at, m.organization_id`
)

type membership struct {
	ID   uuid.UUID `json:"id"`
	Name string    `json:"name"`
	Role string    `json:"role"`
}

func main() {
	dbURL := flag.String("db", "", "PostgreSQL URL")
	addr := flag.String("addr", "127.0.0.1:8001", "listen address")
	cookie := flag.String("cookie", "fs_session", "session cookie name")
	full := flag.Bool("full", false, "also run the user and memberships queries, as the real server does")
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
		err = pool.QueryRow(r.Context(), sessionQuery, sum[:], time.Now()).Scan(&id, &userID, &org, &lastSeen)
		if err != nil {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		out := map[string]any{"user_id": userID, "organization_id": org.UUID}
		if *full {
			if err := fullProfile(r.Context(), pool, userID, out); err != nil {
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}

// fullProfile runs the two queries the real server adds and fills out with them.
func fullProfile(ctx context.Context, pool *pgxpool.Pool, userID uuid.UUID, out map[string]any) error {
	var (
		uid                          uuid.UUID
		email, norm, first, last     string
		hash                         *string
		verified, suspended, deleted *time.Time
		created, updated             time.Time
		sysAdmin                     bool
	)
	if err := pool.QueryRow(ctx, userQuery, userID).Scan(&uid, &email, &norm, &hash, &first, &last,
		&verified, &sysAdmin, &suspended, &deleted, &created, &updated); err != nil {
		return err
	}
	rows, err := pool.Query(ctx, membershipsQuery, userID)
	if err != nil {
		return err
	}
	defer rows.Close()
	var orgs []membership
	for rows.Next() {
		var m membership
		if err := rows.Scan(&m.ID, &m.Name, &m.Role); err != nil {
			return err
		}
		orgs = append(orgs, m)
	}
	out["email"], out["first_name"], out["last_name"], out["is_sys_admin"] = email, first, last, sysAdmin
	out["organizations"] = orgs
	return rows.Err()
}
