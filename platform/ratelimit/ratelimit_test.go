package ratelimit_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fastsvelte/fastsvelte/platform/apperr"
	"github.com/fastsvelte/fastsvelte/platform/clock"
	"github.com/fastsvelte/fastsvelte/platform/database"
	"github.com/fastsvelte/fastsvelte/platform/ratelimit"
	"github.com/fastsvelte/fastsvelte/platform/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func limiter(t *testing.T) (*ratelimit.Limiter, *clock.Fake) {
	t.Helper()
	t.Parallel()
	db, err := database.Open(context.Background(), testkit.NewDatabase(t), 16)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	clk := clock.NewFake(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	return ratelimit.New(db, clk), clk
}

func TestWindowLimitAndReset(t *testing.T) {
	l, clk := limiter(t)
	ctx := context.Background()
	rule := ratelimit.Rule{Name: "test", Limit: 3, Window: time.Minute}
	for i := range 3 {
		if err := l.Allow(ctx, rule, "ip-1"); err != nil {
			t.Fatalf("attempt %d refused: %v", i+1, err)
		}
	}
	clk.Advance(20 * time.Second)
	err := l.Allow(ctx, rule, "ip-1")
	e, ok := apperr.As(err)
	if !ok || e.Code != "RATE_LIMITED" || e.RetryAfterSeconds != 40 {
		t.Fatalf("4th attempt = %v (retry after %d), want RATE_LIMITED after 40s", err, e.RetryAfterSeconds)
	}
	if err := l.Allow(ctx, rule, "ip-2"); err != nil {
		t.Fatalf("another subject was limited: %v", err)
	}
	if err := l.Allow(ctx, ratelimit.Rule{Name: "other", Limit: 1, Window: time.Minute}, "ip-1"); err != nil {
		t.Fatalf("another rule shares the counter: %v", err)
	}
	clk.Advance(40 * time.Second)
	if err := l.Allow(ctx, rule, "ip-1"); err != nil {
		t.Fatalf("new window still limited: %v", err)
	}
	if err := l.Allow(ctx, rule, ""); err != nil {
		t.Fatalf("an empty subject is not limited: %v", err)
	}
}

func TestConcurrentAttemptsNeverExceedTheLimit(t *testing.T) {
	l, _ := limiter(t)
	rule := ratelimit.Rule{Name: "race", Limit: 10, Window: time.Hour}
	var allowed atomic.Int32
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			if l.Allow(context.Background(), rule, "same") == nil {
				allowed.Add(1)
			}
		})
	}
	wg.Wait()
	if n := allowed.Load(); n != 10 {
		t.Fatalf("%d attempts allowed, want exactly 10", n)
	}
}
