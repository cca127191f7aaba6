package auth_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/fx"

	"github.com/fastsvelte/fastsvelte/modules"
	"github.com/fastsvelte/fastsvelte/modules/auth"
	"github.com/fastsvelte/fastsvelte/platform/sessions"
	"github.com/fastsvelte/fastsvelte/platform/testkit"
)

// BenchmarkGetMe measures GET /api/users/me through the whole stack (middleware,
// session lookup, user check, memberships) against a real PostgreSQL, rotating
// over many users' sessions as production traffic would (one repeated session
// would flatter any per-statement cache).
// Run: go test -run '^$' -bench GetMe -benchtime 5s ./modules/auth/
func BenchmarkGetMe(b *testing.B) {
	var svc *auth.Service
	app := testkit.Start(b, modules.All, testkit.Env{"FS_LOG_LEVEL": "warn", "FS_DB_MAX_CONNS": "16"}, fx.Populate(&svc))
	const users = 500
	ctx := context.Background()
	cookies := make([]*http.Cookie, users)
	for i := range users {
		id, _, err := svc.EnsureAccount(ctx, auth.AccountInput{Email: fmt.Sprintf("u%d@example.com", i), Password: pw, FirstName: "U"})
		if err != nil {
			b.Fatal(err)
		}
		var raw [32]byte
		_, _ = rand.Read(raw[:])
		token := base64.RawURLEncoding.EncodeToString(raw[:])
		now := app.Clock.Now()
		if _, err := app.DB.NewInsert().Model(&sessions.Session{
			ID: sessions.Hash(token), UserID: id, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour),
		}).Exec(ctx); err != nil {
			b.Fatal(err)
		}
		cookies[i] = &http.Cookie{Name: "fs_session", Value: token}
	}
	var next atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		client := &http.Client{}
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, app.URL+"/api/users/me", nil)
			req.AddCookie(cookies[next.Add(1)%users])
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
}
