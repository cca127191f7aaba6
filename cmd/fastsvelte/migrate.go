package main

import (
	"context"
	"fmt"

	"github.com/fastsvelte/fastsvelte/platform/config"
	"github.com/fastsvelte/fastsvelte/platform/database"
)

func migrate(cfg *config.Config, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: fastsvelte migrate up|down|status")
	}
	var db *database.DB
	switch args[0] {
	case "up":
		return runOnce(cfg, func(ctx context.Context) error {
			applied, err := db.MigrateUp(ctx)
			for _, v := range applied {
				fmt.Println("applied", v)
			}
			if err == nil && len(applied) == 0 {
				fmt.Println("nothing to apply: the schema is up to date")
			}
			return err
		}, &db)
	case "down":
		return runOnce(cfg, func(ctx context.Context) error {
			v, err := db.MigrateDown(ctx)
			if err == nil {
				if v == "" {
					fmt.Println("nothing to revert")
				} else {
					fmt.Println("reverted", v)
				}
			}
			return err
		}, &db)
	case "status":
		return runOnce(cfg, func(ctx context.Context) error {
			status, err := db.MigrationStatus(ctx)
			for _, m := range status {
				state := "pending"
				if m.AppliedAt != nil {
					state = "applied " + m.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
				}
				fmt.Printf("%-32s %s\n", m.Version, state)
			}
			return err
		}, &db)
	}
	return fmt.Errorf("usage: fastsvelte migrate up|down|status (got %q)", args[0])
}
