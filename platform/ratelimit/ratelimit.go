// Package ratelimit counts attempts per key in PostgreSQL, so every instance behind
// a load balancer enforces the same limit. One upsert per check: the counter row is
// created, bumped or restarted for a new window atomically, so concurrent requests
// cannot slip past the limit.
package ratelimit

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"go.uber.org/fx"

	"github.com/fastsvelte/fastsvelte/platform/apperr"
	"github.com/fastsvelte/fastsvelte/platform/clock"
	"github.com/fastsvelte/fastsvelte/platform/database"
)

// Module provides the *Limiter.
var Module = fx.Module("ratelimit", fx.Provide(New))

// Rule allows Limit attempts per Window for one kind of action.
type Rule struct {
	Name   string // part of the key, e.g. "login:ip"
	Limit  int
	Window time.Duration
}

// Attempt is one rule applied to one subject (an IP, a normalised email).
type Attempt struct {
	Rule    Rule
	Subject string
}

// For names the subject an attempt is counted against.
func (r Rule) For(subject string) Attempt { return Attempt{Rule: r, Subject: subject} }

// Limiter checks rules against shared counters.
type Limiter struct {
	db    *database.DB
	clock clock.Clock
}

// New builds the Limiter.
func New(db *database.DB, clk clock.Clock) *Limiter { return &Limiter{db: db, clock: clk} }

// Check records each attempt in order and returns the first refusal.
func (l *Limiter) Check(ctx context.Context, attempts ...Attempt) error {
	for _, a := range attempts {
		if err := l.Allow(ctx, a.Rule, a.Subject); err != nil {
			return err
		}
	}
	return nil
}

// Blocked refuses, without counting anything, when any attempt's window is full.
// With Record it limits only failures (failed logins): check first, count the
// failure afterwards, so successes never lock anyone out.
func (l *Limiter) Blocked(ctx context.Context, attempts ...Attempt) error {
	now := l.clock.Now()
	for _, a := range attempts {
		if a.Subject == "" {
			continue
		}
		var hits int
		var windowStart time.Time
		err := l.db.NewRaw("SELECT hits, window_start FROM rate_limits WHERE key = ?", key(a)).Scan(ctx, &hits, &windowStart)
		if database.IsNoRows(err) {
			continue
		}
		if err != nil {
			return err
		}
		if windowStart.After(now.Add(-a.Rule.Window)) && hits >= a.Rule.Limit {
			return refusal(windowStart.Add(a.Rule.Window).Sub(now))
		}
	}
	return nil
}

// Record counts attempts without refusing (see Blocked).
func (l *Limiter) Record(ctx context.Context, attempts ...Attempt) error {
	for _, a := range attempts {
		if a.Subject == "" {
			continue
		}
		if _, _, err := l.hit(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// Allow records an attempt for subject under rule and returns a RATE_LIMITED error
// (with Retry-After) once the window's limit is exceeded. An empty subject (e.g. no
// client IP) is not limited.
func (l *Limiter) Allow(ctx context.Context, rule Rule, subject string) error {
	if subject == "" {
		return nil
	}
	hits, windowStart, err := l.hit(ctx, Attempt{Rule: rule, Subject: subject})
	if err != nil {
		return err
	}
	if hits <= rule.Limit {
		return nil
	}
	return refusal(windowStart.Add(rule.Window).Sub(l.clock.Now()))
}

func key(a Attempt) []byte {
	k := sha256.Sum256([]byte(a.Rule.Name + "\x00" + a.Subject))
	return k[:]
}

// hit counts one attempt: the row is created, bumped, or restarted for a new window
// in one statement.
func (l *Limiter) hit(ctx context.Context, a Attempt) (hits int, windowStart time.Time, err error) {
	now := l.clock.Now()
	rule := a.Rule
	// Not in the caller's transaction on purpose: a rolled-back request still counts.
	err = l.db.NewRaw(`
		INSERT INTO rate_limits AS r (key, window_start, hits) VALUES (?, ?, 1)
		ON CONFLICT (key) DO UPDATE SET
			hits = CASE WHEN r.window_start <= ? THEN 1 ELSE r.hits + 1 END,
			window_start = CASE WHEN r.window_start <= ? THEN EXCLUDED.window_start ELSE r.window_start END
		RETURNING hits, window_start`,
		key(a), now, now.Add(-rule.Window), now.Add(-rule.Window)).Scan(ctx, &hits, &windowStart)
	if err != nil {
		return 0, time.Time{}, err
	}
	if rand.IntN(200) == 0 { // now and then, forget windows long past
		_, _ = l.db.NewRaw("DELETE FROM rate_limits WHERE window_start < ?", now.Add(-24*time.Hour)).Exec(ctx)
	}
	return hits, windowStart, nil
}

// refusal is RATE_LIMITED with Retry-After and a message that says how long.
func refusal(retry time.Duration) error {
	secs := max(1, int(math.Ceil(retry.Seconds())))
	e := apperr.ErrRateLimited.WithDetails(map[string]any{"retry_after_seconds": secs})
	e.RetryAfterSeconds = secs
	wait := fmt.Sprintf("%d seconds", secs)
	if secs > 90 {
		wait = fmt.Sprintf("%d minutes", (secs+59)/60)
	}
	e.Message = "Too many attempts. Try again in " + wait + "."
	return e
}
